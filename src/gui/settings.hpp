#pragma once
/// Window settings kept between runs ($XDG_CONFIG_HOME/dbsprog/gui.json, else ~/.config/dbsprog/gui.json):
/// the mode, the last case, view toggles and the clock speed. Simulation state is never stored here.
#include <string>

#include "gui/gui_state.hpp"

namespace dbsprog::gui {

struct GuiSettings {
    Mode mode = Mode::Clinician;
    std::string caseId;  ///< empty: the default case
    bool showLabels = true;
    bool showGrid = true;
    double clockSpeed = 0.0;  ///< simulated seconds per real second when the clock runs
};

/// The settings file's path, or "" when neither XDG_CONFIG_HOME nor HOME is set.
std::string defaultSettingsPath();
/// Reads the file; a missing file gives the defaults. A damaged file also gives the defaults and a
/// one-line reason in `problem` (the window still opens; the file is rewritten on exit).
GuiSettings loadSettings(const std::string& path, std::string* problem = nullptr);
/// Writes atomically (a crash mid-write leaves the old file), creating the folder.
void saveSettings(const std::string& path, const GuiSettings& settings);

const char* modeName(Mode mode);
/// "clinician" / "patient" / "research"; nullopt otherwise.
std::optional<Mode> parseMode(const std::string& name);

}  // namespace dbsprog::gui
