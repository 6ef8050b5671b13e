#pragma once
/// The therapeutic-window chart: per contact, a bar on the amplitude axis from the efficacy threshold
/// to the side-effect threshold, with the thresholds the user found and those of the automated
/// review marked apart, and the present amplitude as a line. Plain data in, ImGui draw-list out; the
/// geometry is pure so it can be tested without a window.
#include <imgui.h>

#include <optional>
#include <string>
#include <vector>

namespace dbsprog::gui {

/// One contact's thresholds, in the program's amplitude unit.
struct ContactWindow {
    std::string contact;                            ///< "0", "1", "2a"; drawn as the row label
    std::optional<double> reviewEfficacy;           ///< automated review: benefit from here
    std::optional<double> reviewSideEffect;         ///< automated review: first side effect (grade >= 2)
    std::optional<double> userEfficacy;             ///< found by the user while programming
    std::optional<double> userSideEffect;
    std::string sideEffectName;                     ///< "tonic contraction", for the tooltip
    bool active = false;                            ///< a contact of the running program: label highlighted
};

struct WindowChartData {
    std::vector<ContactWindow> contacts;            ///< rows, top to bottom
    double amplitudeMax = 5.0;                      ///< right end of the axis (the review's maximum)
    std::string unit = "V";                         ///< "V" or "mA"
    std::optional<double> presentAmplitude;         ///< the running program's amplitude
};

/// Maps amplitude to x on a linear axis from 0 at x0 to amplitudeMax at x1, and back.
struct AmplitudeAxis {
    double amplitudeMax = 1.0;
    float x0 = 0.0f, x1 = 1.0f;
    float toX(double amplitude) const;         ///< clamped to [x0, x1]
    double toAmplitude(float x) const;         ///< inverse of toX inside the axis
};

enum class WindowKind {
    Untested,   ///< neither threshold found: hatched empty row
    NoBenefit,  ///< a side effect, no benefit below it: red hatch from 0 to the side effect
    OpenEnded,  ///< benefit, no side effect up to the axis maximum: bar fades out to the right
    Positive,   ///< benefit below the side effect: the window, green
    Negative,   ///< side effect at or below the benefit threshold: red bar between the two
};

/// The bar of one row, in amplitudes. Each threshold is the user's where found, else the review's:
/// what the user established at the bedside overrides the screening.
struct WindowBar {
    WindowKind kind = WindowKind::Untested;
    double from = 0.0;            ///< left end (efficacy, or side effect for a negative window)
    double to = 0.0;              ///< right end
    std::optional<double> width;  ///< side effect - efficacy; nullopt when either is unknown
};

WindowBar windowBarFor(const ContactWindow& contact, double amplitudeMax);

/// Amplitude with its unit, at most two decimals: "1.5 V", "2.0 mA", "1.35 mA".
std::string formatAmplitude(double amplitude, const std::string& unit);

struct WindowChartStyle {
    ImU32 rowBackground = IM_COL32(24, 27, 31, 255);
    ImU32 grid = IM_COL32(150, 165, 180, 28);
    ImU32 text = IM_COL32(153, 166, 179, 255);           ///< axis labels (theme colors::kLabel)
    ImU32 label = IM_COL32(235, 237, 240, 255);          ///< contact names
    ImU32 activeLabel = IM_COL32(107, 199, 219, 255);    ///< colors::kAccent
    ImU32 window = IM_COL32(120, 204, 128, 255);         ///< colors::kOk
    ImU32 negative = IM_COL32(247, 92, 84, 255);         ///< colors::kDanger
    ImU32 hatch = IM_COL32(150, 165, 180, 40);
    ImU32 efficacyMark = IM_COL32(120, 204, 128, 255);
    ImU32 sideEffectMark = IM_COL32(250, 181, 56, 255);  ///< colors::kCaution
    ImU32 present = IM_COL32(107, 199, 219, 255);
    float rowHeight = 0.0f;  ///< 0: 1.9 x the font size, tightening to 1.35 x when the rows need it
    bool showLegend = true;
    bool showTooltips = true;
};

/// Draws the chart into `size` at `topLeft` (call inside an ImGui window; tooltips use it). Short of
/// room, rows tighten first, then the legend is dropped, and only then are rows left out ("+N").
void drawWindowChart(ImDrawList* drawList, ImVec2 topLeft, ImVec2 size, const WindowChartData& data,
                     const WindowChartStyle& style = {});

/// Height the chart needs for its rows, axis and legend at the current font.
float windowChartHeight(const WindowChartData& data, const WindowChartStyle& style = {});

}  // namespace dbsprog::gui
