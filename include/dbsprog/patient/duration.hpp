#pragma once
/// Simulated durations as users write them: "30s", "10min", "2h", "1d", "2w", "3mo", "1y".
/// A month is 30.4375 days and a year 365.25 days (calendar averages).
#include <string>

namespace dbsprog::patient {

inline constexpr double kSecondsPerDay = 86400.0;
inline constexpr double kSecondsPerMonth = 30.4375 * kSecondsPerDay;
inline constexpr double kSecondsPerYear = 365.25 * kSecondsPerDay;

/// Seconds; throws InputError naming `field`, the text and the allowed forms.
double parseDurationS(const std::string& text, const std::string& field = "duration");
/// Short human form with the largest fitting unit: "3mo", "1.5d", "45s".
std::string formatDuration(double seconds);

}  // namespace dbsprog::patient
