#include "gui/settings.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "dbsprog/io/paths.hpp"

namespace dbsprog::gui {

namespace {
constexpr double kMaxClockSpeed = 1e9;  // guards a hand-edited file; the UI offers up to a week per second
}

const char* modeName(Mode mode) {
    switch (mode) {
        case Mode::Clinician: return "clinician";
        case Mode::Patient: return "patient";
        case Mode::Research: return "research";
    }
    return "clinician";
}

std::optional<Mode> parseMode(const std::string& name) {
    for (Mode m : {Mode::Clinician, Mode::Patient, Mode::Research})
        if (name == modeName(m)) return m;
    return std::nullopt;
}

std::string defaultSettingsPath() {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) return std::string(xdg) + "/dbsprog/gui.json";
    if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.config/dbsprog/gui.json";
    return {};
}

GuiSettings loadSettings(const std::string& path, std::string* problem) {
    GuiSettings s;
    std::error_code ec;
    if (path.empty() || !std::filesystem::exists(path, ec)) return s;
    try {
        const auto j = nlohmann::json::parse(io::readFile(path));
        if (auto mode = parseMode(j.value("mode", std::string(modeName(s.mode))))) s.mode = *mode;
        s.caseId = j.value("case", std::string());
        s.showLabels = j.value("show_labels", s.showLabels);
        s.showGrid = j.value("show_grid", s.showGrid);
        const double speed = j.value("clock_speed", s.clockSpeed);
        if (std::isfinite(speed) && speed >= 0.0 && speed <= kMaxClockSpeed) s.clockSpeed = speed;
    } catch (const std::exception& e) {
        if (problem) *problem = "settings file " + path + " ignored: " + e.what();
        return GuiSettings{};
    }
    return s;
}

void saveSettings(const std::string& path, const GuiSettings& s) {
    if (path.empty()) return;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    const nlohmann::json j{{"mode", modeName(s.mode)},
                           {"case", s.caseId},
                           {"show_labels", s.showLabels},
                           {"show_grid", s.showGrid},
                           {"clock_speed", s.clockSpeed}};
    io::writeFileAtomic(path, j.dump(2) + "\n");
}

}  // namespace dbsprog::gui
