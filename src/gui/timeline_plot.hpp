#pragma once
/// The timeline: severity on the case's clinical scale against simulated time, with the baseline,
/// the programming changes and the present moment. Plain data in, ImGui draw-list out; the axis
/// choices are pure functions so they can be tested without a window.
#include <imgui.h>

#include <string>
#include <utility>
#include <vector>

namespace dbsprog::gui {

struct TimelineData {
    std::vector<std::pair<double, double>> samples;         ///< (simulated time s, score), time ascending
    std::vector<std::pair<double, std::string>> markers;    ///< (time s, what changed: "C+ 1- 3.0 V ...")
    double scaleMax = 100.0;                                 ///< top of the y axis (the scale's maximum)
    std::string scaleName;                                   ///< "BFMDRS movement"
    double nowS = 0.0;                                       ///< the present simulated time
    double baselineScore = -1.0;                             ///< score off stimulation; < 0 hides the line
    /// Patient education: the value axis in words ("none" .. "severe"), the baseline called
    /// "without stimulation", changes and the readout without scores or program text.
    bool plainWords = false;
};

/// One tick of an axis: where, and what its label says.
struct AxisTick {
    double value = 0.0;
    std::string label;
};

/// Time ticks for [startS, endS]: the smallest step a reader counts in (1, 2, 5, 10, 15, 30 s; 1-30 min;
/// 1, 2, 3, 6, 12 h; 1, 2, 3 d; 1, 2 wk; 1, 2, 3 mo; 1, 2, 5, 10 y) that gives at most maxTicks
/// ticks; with the default 8 a span of 8 s or more gets 3-8 ticks. Ticks sit on whole multiples of the step, labelled in its unit ("0", "30 s", "2 min",
/// "6 h", "2 d", "1 wk", "3 mo", "1 y"). Months are 30.4375 days, years 365.25 days (patient/duration.hpp).
std::vector<AxisTick> chooseTimeTicks(double startS, double endS, int maxTicks = 8);
inline std::vector<AxisTick> chooseTimeTicks(double spanS) { return chooseTimeTicks(0.0, spanS); }

/// Value ticks from 0 to maxValue on a 1-2-2.5-5 x 10^k step, at most maxTicks (3-7 with the
/// default), the last at or below maxValue; labels without trailing zeros ("0", "0.5", "1.5", "20").
std::vector<AxisTick> chooseValueTicks(double maxValue, int maxTicks = 7);

/// A span in the largest units that keep it readable: "45 s", "12 min", "3 h 20 min", "2 d 4 h",
/// "3 w 2 d", "5 mo". For tooltips and the cursor readout.
std::string formatDuration(double seconds);
/// The same span for a patient, in whole words of its largest unit: "a few seconds", "5 minutes",
/// "1 hour", "3 days", "2 weeks", "3 months", "1 year".
std::string durationInWords(double seconds);

/// The time range the plot shows: from the first sample (or 0) to the latest of now, the last
/// sample and the last marker, at least kMinTimelineSpanS long.
std::pair<double, double> timelineRange(const TimelineData& data);
inline constexpr double kMinTimelineSpanS = 60.0;

struct TimelineStyle {
    ImU32 background = IM_COL32(24, 27, 31, 255);
    ImU32 grid = IM_COL32(150, 165, 180, 28);
    ImU32 axis = IM_COL32(150, 165, 180, 90);
    ImU32 text = IM_COL32(153, 166, 179, 255);        ///< tick labels (theme colors::kLabel)
    ImU32 line = IM_COL32(107, 199, 219, 255);        ///< the severity curve (theme colors::kAccent)
    ImU32 fill = IM_COL32(107, 199, 219, 34);         ///< under the curve
    ImU32 baseline = IM_COL32(250, 181, 56, 200);     ///< stimulation-off severity (colors::kCaution)
    ImU32 marker = IM_COL32(200, 208, 216, 150);      ///< programming changes
    ImU32 markerFlag = IM_COL32(200, 208, 216, 230);
    ImU32 now = IM_COL32(235, 238, 240, 220);
    float lineThickness = 2.0f;
    bool showHoverReadout = true;  ///< crosshair and value under the mouse, flag tooltips
};

/// Draws the plot into `size` at `topLeft` (call inside an ImGui window; hover tooltips use the
/// current window). Degrades gracefully: no samples draws the axes only.
void drawTimelinePlot(ImDrawList* drawList, ImVec2 topLeft, ImVec2 size, const TimelineData& data,
                      const TimelineStyle& style = {});

}  // namespace dbsprog::gui
