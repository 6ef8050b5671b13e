#include "dbsprog/patient/duration.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

#include "dbsprog/error.hpp"

namespace dbsprog::patient {

namespace {

// Longest unit first, so that formatDuration picks the largest unit that fits.
const std::vector<std::pair<const char*, double>>& units() {
    static const std::vector<std::pair<const char*, double>> u{
        {"y", kSecondsPerYear}, {"mo", kSecondsPerMonth}, {"w", 7.0 * kSecondsPerDay}, {"d", kSecondsPerDay},
        {"h", 3600.0},          {"min", 60.0},            {"s", 1.0}};
    return u;
}

}  // namespace

double parseDurationS(const std::string& text, const std::string& field) {
    const std::string allowed = "a number and a unit: s, min, h, d, w, mo, y (e.g. 30s, 10min, 1d, 3mo)";
    const char* begin = text.c_str();
    char* end = nullptr;
    const double value = std::strtod(begin, &end);
    if (end == begin || !std::isfinite(value) || value < 0.0) throw InputError(field, "duration", "\"" + text + "\"", allowed);
    const std::string unit(end);
    for (const auto& [name, seconds] : units())
        if (unit == name) return value * seconds;
    throw InputError(field, "duration", "\"" + text + "\"", allowed);
}

std::string formatDuration(double seconds) {
    for (const auto& [name, unitS] : units()) {
        if (seconds >= unitS || unitS == 1.0) {
            const double v = seconds / unitS;
            char buf[32];
            std::snprintf(buf, sizeof buf, std::fabs(v - std::round(v)) < 1e-9 ? "%.0f%s" : "%.1f%s", v, name);
            return buf;
        }
    }
    return "0s";
}

}  // namespace dbsprog::patient
