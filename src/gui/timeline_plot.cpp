#include "gui/timeline_plot.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "dbsprog/patient/duration.hpp"

namespace dbsprog::gui {
namespace {

constexpr double kMinute = 60.0;
constexpr double kHour = 3600.0;
// The core's units (a month is a twelfth of a Julian year), so "3mo" on the command line is "3 mo" here.
constexpr double kDay = patient::kSecondsPerDay;
constexpr double kWeek = 7.0 * kDay;
constexpr double kMonth = patient::kSecondsPerMonth;
constexpr double kYear = patient::kSecondsPerYear;

// Room per tick label, in font heights: decides how many ticks a small plot can carry.
constexpr float kTimeTickSpacingEm = 4.5f;
constexpr float kValueTickSpacingEm = 1.7f;

struct TimeStep {
    double seconds;
    double unitSeconds;
    const char* unit;
};

// Steps a reader counts in, each at most 2.5x the one before (so some step gives 4-8 ticks from 0),
// except 3 mo -> 1 y: "30 mo" reads worse than "2 y", and from 24 mo up a year step still gives 3.
constexpr std::array<TimeStep, 29> kTimeSteps = {{
    {1, 1, "s"}, {2, 1, "s"}, {5, 1, "s"}, {10, 1, "s"}, {15, 1, "s"}, {30, 1, "s"},
    {kMinute, kMinute, "min"}, {2 * kMinute, kMinute, "min"}, {5 * kMinute, kMinute, "min"},
    {10 * kMinute, kMinute, "min"}, {15 * kMinute, kMinute, "min"}, {30 * kMinute, kMinute, "min"},
    {kHour, kHour, "h"}, {2 * kHour, kHour, "h"}, {3 * kHour, kHour, "h"}, {6 * kHour, kHour, "h"}, {12 * kHour, kHour, "h"},
    {kDay, kDay, "d"}, {2 * kDay, kDay, "d"}, {3 * kDay, kDay, "d"},
    {kWeek, kWeek, "wk"}, {2 * kWeek, kWeek, "wk"},
    {kMonth, kMonth, "mo"}, {2 * kMonth, kMonth, "mo"}, {3 * kMonth, kMonth, "mo"},
    {kYear, kYear, "y"}, {2 * kYear, kYear, "y"}, {5 * kYear, kYear, "y"}, {10 * kYear, kYear, "y"},
}};

/// "3", "2.5", "0.25": a number without trailing zeros.
std::string trimmedNumber(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3f", value);
    std::string text = buffer;
    while (!text.empty() && text.back() == '0') text.pop_back();
    if (!text.empty() && text.back() == '.') text.pop_back();
    return text == "-0" ? "0" : text;
}

ImU32 withAlpha(ImU32 color, float alpha) {
    const unsigned a = static_cast<unsigned>(std::clamp(alpha, 0.0f, 1.0f) * static_cast<float>((color >> IM_COL32_A_SHIFT) & 0xFF) + 0.5f);
    return (color & ~IM_COL32_A_MASK) | (a << IM_COL32_A_SHIFT);
}

void dashedLine(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 color, float thickness, float dash, float gap) {
    const float dx = b.x - a.x, dy = b.y - a.y;
    const float length = std::sqrt(dx * dx + dy * dy);
    if (length <= 0.0f) return;
    for (float s = 0.0f; s < length; s += dash + gap) {
        const float e = std::min(length, s + dash);
        dl->AddLine({a.x + dx * s / length, a.y + dy * s / length}, {a.x + dx * e / length, a.y + dy * e / length}, color, thickness);
    }
}

/// Score at time t, linear between samples, clamped to the ends; NaN without samples.
double scoreAt(const std::vector<std::pair<double, double>>& samples, double t) {
    if (samples.empty()) return std::nan("");
    if (t <= samples.front().first) return samples.front().second;
    if (t >= samples.back().first) return samples.back().second;
    const auto it = std::lower_bound(samples.begin(), samples.end(), t,
                                     [](const std::pair<double, double>& s, double time) { return s.first < time; });
    const auto& [t1, v1] = *it;
    const auto& [t0, v0] = *(it - 1);
    return t1 > t0 ? v0 + (v1 - v0) * (t - t0) / (t1 - t0) : v1;
}

}  // namespace

std::vector<AxisTick> chooseTimeTicks(double startS, double endS, int maxTicks) {
    std::vector<AxisTick> ticks;
    if (!std::isfinite(startS) || !std::isfinite(endS) || endS <= startS) return ticks;
    const double span = endS - startS;
    const double limit = std::max(2, maxTicks);
    TimeStep step = kTimeSteps.back();
    for (const TimeStep& candidate : kTimeSteps) {
        if (std::floor(span / candidate.seconds) + 1.0 <= limit) {
            step = candidate;
            break;
        }
    }
    // Beyond the table (centuries): keep multiplying by ten.
    while (std::floor(span / step.seconds) + 1.0 > limit) step.seconds *= 10.0;

    const double first = std::ceil(startS / step.seconds - 1e-9);
    const double last = std::floor(endS / step.seconds + 1e-9);
    for (double k = first; k <= last; k += 1.0) {
        const double t = k * step.seconds;
        const double inUnits = t / step.unitSeconds;
        ticks.push_back({t, std::fabs(inUnits) < 1e-9 ? std::string("0") : trimmedNumber(inUnits) + " " + step.unit});
    }
    return ticks;
}

std::vector<AxisTick> chooseValueTicks(double maxValue, int maxTicks) {
    std::vector<AxisTick> ticks;
    if (!std::isfinite(maxValue) || maxValue <= 0.0) return {{0.0, "0"}};
    double step = 0.0;
    const double decade = std::pow(10.0, std::floor(std::log10(maxValue)) - 2.0);
    for (double magnitude = decade; step == 0.0; magnitude *= 10.0) {
        for (double m : {1.0, 2.0, 2.5, 5.0}) {
            if (std::floor(maxValue / (m * magnitude) + 1e-9) + 1.0 <= std::max(2, maxTicks)) {
                step = m * magnitude;
                break;
            }
        }
    }
    for (int k = 0; k * step <= maxValue * (1.0 + 1e-9); ++k) ticks.push_back({k * step, trimmedNumber(k * step)});
    return ticks;
}

std::string formatDuration(double seconds) {
    if (!std::isfinite(seconds)) return "-";
    const double s = std::max(0.0, seconds);
    char buffer[48];
    const auto split = [&](double big, double small, const char* bigUnit, const char* smallUnit) {
        const double whole = std::floor(s / big + 1e-9);
        const long rest = std::lround((s - whole * big) / small);
        if (rest == 0) std::snprintf(buffer, sizeof buffer, "%.0f %s", whole, bigUnit);
        else std::snprintf(buffer, sizeof buffer, "%.0f %s %ld %s", whole, bigUnit, rest, smallUnit);
    };
    if (s < kMinute) std::snprintf(buffer, sizeof buffer, "%.0f s", s);
    else if (s < 10 * kMinute) split(kMinute, 1.0, "min", "s");
    else if (s < kHour) std::snprintf(buffer, sizeof buffer, "%.0f min", s / kMinute);
    else if (s < kDay) split(kHour, kMinute, "h", "min");
    else if (s < 2 * kWeek) split(kDay, kHour, "d", "h");
    else if (s < 2 * kMonth) split(kWeek, kDay, "wk", "d");
    else if (s < 2 * kYear) std::snprintf(buffer, sizeof buffer, "%s mo", trimmedNumber(std::round(s / kMonth * 10.0) / 10.0).c_str());
    else std::snprintf(buffer, sizeof buffer, "%s y", trimmedNumber(std::round(s / kYear * 10.0) / 10.0).c_str());
    return buffer;
}

std::string durationInWords(double seconds) {
    if (!std::isfinite(seconds)) return "-";
    const double s = std::max(0.0, seconds);
    struct Unit {
        double seconds;
        const char* one;
        const char* many;
    };
    // Largest first; a span is told in the largest unit it fills at least once.
    constexpr Unit kUnits[] = {{kYear, "year", "years"}, {kMonth, "month", "months"}, {kWeek, "week", "weeks"},
                               {kDay, "day", "days"},   {kHour, "hour", "hours"},     {kMinute, "minute", "minutes"}};
    for (const Unit& unit : kUnits) {
        if (s + 1e-9 < unit.seconds) continue;
        const long count = std::max(1L, static_cast<long>(std::floor(s / unit.seconds + 1e-9)));
        return std::to_string(count) + " " + (count == 1 ? unit.one : unit.many);
    }
    return "a few seconds";
}

std::pair<double, double> timelineRange(const TimelineData& data) {
    double start = 0.0, end = std::isfinite(data.nowS) ? data.nowS : 0.0;
    if (!data.samples.empty()) {
        start = std::min(start, data.samples.front().first);
        end = std::max(end, data.samples.back().first);
    }
    for (const auto& marker : data.markers) {
        start = std::min(start, marker.first);
        end = std::max(end, marker.first);
    }
    end = std::max(end, start + kMinTimelineSpanS);
    return {start, end};
}

void drawTimelinePlot(ImDrawList* dl, ImVec2 topLeft, ImVec2 size, const TimelineData& data, const TimelineStyle& style) {
    if (dl == nullptr || size.x < 60.0f || size.y < 50.0f) return;
    ImFont* font = ImGui::GetFont();
    const float fontSize = ImGui::GetFontSize();
    const float pad = std::round(fontSize * 0.4f);
    const double scaleMax = data.scaleMax > 0.0 ? data.scaleMax : 1.0;

    // Layout: scale name on top, flag row, plot, time labels; value labels left of the plot.
    const float flagHeight = std::round(fontSize * 0.7f);
    const float plotHeight = size.y - 2.0f * fontSize - 2.0f * pad - flagHeight - 2.0f;
    const std::vector<AxisTick> valueTicks =
        data.plainWords ? std::vector<AxisTick>{{0.0, "none"}, {scaleMax, "severe"}}
                        : chooseValueTicks(scaleMax, std::clamp(static_cast<int>(plotHeight / (kValueTickSpacingEm * fontSize)) + 1, 2, 7));
    float labelWidth = 0.0f;
    for (const AxisTick& tick : valueTicks) labelWidth = std::max(labelWidth, font->CalcTextSizeA(fontSize, FLT_MAX, 0.0f, tick.label.c_str()).x);
    const ImVec2 plotMin{topLeft.x + labelWidth + 2.0f * pad, topLeft.y + fontSize + pad + flagHeight + 2.0f};
    const ImVec2 plotMax{topLeft.x + size.x - pad, topLeft.y + size.y - fontSize - pad};
    if (plotMax.x - plotMin.x < 20.0f || plotMax.y - plotMin.y < 20.0f) return;

    const auto [t0, t1raw] = timelineRange(data);
    // A little room right of the last moment so the "now" line is not on the frame.
    const double t1 = t1raw + (t1raw - t0) * 0.02;
    const auto xOf = [&](double t) { return plotMin.x + static_cast<float>((t - t0) / (t1 - t0)) * (plotMax.x - plotMin.x); };
    const auto yOf = [&](double v) {
        return plotMax.y - static_cast<float>(std::clamp(v, 0.0, scaleMax) / scaleMax) * (plotMax.y - plotMin.y);
    };

    dl->PushClipRect(topLeft, {topLeft.x + size.x, topLeft.y + size.y}, true);
    dl->AddRectFilled(plotMin, plotMax, style.background, 3.0f);
    float nameRight = topLeft.x;
    if (!data.scaleName.empty()) {
        dl->AddText(font, fontSize, {topLeft.x + pad * 0.5f, topLeft.y}, style.text, data.scaleName.c_str());
        nameRight = topLeft.x + pad * 0.5f + font->CalcTextSizeA(fontSize, FLT_MAX, 0.0f, data.scaleName.c_str()).x;
    }

    for (const AxisTick& tick : valueTicks) {
        const float y = std::round(yOf(tick.value)) + 0.5f;
        if (tick.value > 0.0) dl->AddLine({plotMin.x, y}, {plotMax.x, y}, style.grid);
        const ImVec2 textSize = font->CalcTextSizeA(fontSize, FLT_MAX, 0.0f, tick.label.c_str());
        dl->AddText(font, fontSize, {plotMin.x - pad - textSize.x, y - 0.5f * textSize.y}, style.text, tick.label.c_str());
    }
    float lastLabelRight = -FLT_MAX;
    const int timeTicks = std::clamp(static_cast<int>((plotMax.x - plotMin.x) / (kTimeTickSpacingEm * fontSize)) + 1, 2, 8);
    for (const AxisTick& tick : chooseTimeTicks(t0, t1raw, timeTicks)) {
        const float x = std::round(xOf(tick.value)) + 0.5f;
        dl->AddLine({x, plotMin.y}, {x, plotMax.y}, style.grid);
        dl->AddLine({x, plotMax.y}, {x, plotMax.y + pad * 0.6f}, style.axis);
        const ImVec2 textSize = font->CalcTextSizeA(fontSize, FLT_MAX, 0.0f, tick.label.c_str());
        const float left = std::clamp(x - 0.5f * textSize.x, plotMin.x - pad, plotMax.x - textSize.x);
        if (left < lastLabelRight + pad) continue;  // too narrow for every label: skip, never overlap
        dl->AddText(font, fontSize, {left, plotMax.y + pad * 0.6f}, style.text, tick.label.c_str());
        lastLabelRight = left + textSize.x;
    }
    dl->AddLine({plotMin.x, plotMax.y + 0.5f}, {plotMax.x, plotMax.y + 0.5f}, style.axis);

    // Baseline: what the patient scores with stimulation off.
    if (data.baselineScore >= 0.0) {
        const float y = std::round(yOf(data.baselineScore)) + 0.5f;
        dashedLine(dl, {plotMin.x, y}, {plotMax.x, y}, style.baseline, 1.5f, 6.0f, 4.0f);
        char text[64];
        if (data.plainWords) std::snprintf(text, sizeof text, "without stimulation");
        else std::snprintf(text, sizeof text, "off %s", trimmedNumber(std::round(data.baselineScore * 10.0) / 10.0).c_str());
        const ImVec2 textSize = font->CalcTextSizeA(fontSize, FLT_MAX, 0.0f, text);
        const float above = y - textSize.y - 1.0f;
        // Right-aligned, but left of the "now" line when that is near the right edge.
        float right = plotMax.x - pad;
        if (std::isfinite(data.nowS) && xOf(data.nowS) < right + textSize.x) right = std::min(right, xOf(data.nowS) - pad);
        right = std::max(right, plotMin.x + pad + textSize.x);
        dl->AddText(font, fontSize, {right - textSize.x, above < plotMin.y ? y + 2.0f : above}, style.baseline, text);
    }

    // The curve, filled beneath with a faint wash. Samples closer than a quarter pixel across and half
    // a pixel up are merged: a long history stays cheap and no visible spike disappears.
    std::vector<ImVec2> line;
    line.reserve(std::min<std::size_t>(data.samples.size(), static_cast<std::size_t>(4.0f * (plotMax.x - plotMin.x)) + 2));
    for (std::size_t i = 0; i < data.samples.size(); ++i) {
        if (!std::isfinite(data.samples[i].first) || !std::isfinite(data.samples[i].second)) continue;
        const ImVec2 p{xOf(data.samples[i].first), yOf(data.samples[i].second)};
        if (!line.empty() && std::fabs(p.x - line.back().x) < 0.25f && i + 1 < data.samples.size()) {
            if (std::fabs(p.y - line.back().y) < 0.5f) continue;
        }
        line.push_back(p);
    }
    if (line.size() >= 2) {
        const ImDrawListFlags flags = dl->Flags;
        dl->Flags &= ~ImDrawListFlags_AntiAliasedFill;  // seamless quads
        for (std::size_t i = 0; i + 1 < line.size(); ++i) {
            const ImVec2 quad[4] = {line[i], line[i + 1], {line[i + 1].x, plotMax.y}, {line[i].x, plotMax.y}};
            dl->AddConvexPolyFilled(quad, 4, style.fill);
        }
        dl->Flags = flags;
        dl->AddPolyline(line.data(), static_cast<int>(line.size()), style.line, 0, style.lineThickness);
    } else if (line.size() == 1) {
        dl->AddCircleFilled(line[0], style.lineThickness * 1.5f, style.line);
    }

    // Programming changes: a thin line and a small flag on top of the plot.
    const ImGuiIO& io = ImGui::GetIO();
    const bool canHover = style.showHoverReadout && ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem);
    const float flagWidth = std::round(fontSize * 0.55f);
    std::string hoveredMarkers;
    for (const auto& [time, label] : data.markers) {
        const float x = std::round(xOf(time)) + 0.5f;
        dashedLine(dl, {x, plotMin.y}, {x, plotMax.y}, style.marker, 1.0f, 3.0f, 3.0f);
        const ImVec2 poleTop{x, plotMin.y - flagHeight - 1.0f};
        dl->AddLine(poleTop, {x, plotMin.y}, style.markerFlag, 1.0f);
        const ImVec2 flag[3] = {poleTop, {x + flagWidth, poleTop.y + 0.5f * flagHeight * 0.8f}, {x, poleTop.y + flagHeight * 0.8f}};
        dl->AddTriangleFilled(flag[0], flag[1], flag[2], style.markerFlag);
        const bool hovered = canHover && io.MousePos.x >= x - 3.0f && io.MousePos.x <= x + flagWidth + 3.0f &&
                             io.MousePos.y >= poleTop.y - 3.0f && io.MousePos.y <= plotMax.y;
        if (hovered) {
            if (!hoveredMarkers.empty()) hoveredMarkers += "\n";
            hoveredMarkers += data.plainWords ? durationInWords(time) + ": setting changed" : formatDuration(time) + ":  " + label;
        }
    }

    // Now: a solid line and the present score as a dot.
    if (std::isfinite(data.nowS)) {
        const float x = std::round(xOf(data.nowS)) + 0.5f;
        dl->AddLine({x, plotMin.y}, {x, plotMax.y}, style.now, 1.5f);
        const char* text = "now";
        const ImVec2 textSize = font->CalcTextSizeA(fontSize, FLT_MAX, 0.0f, text);
        const float left = std::max(std::min(x - 0.5f * textSize.x, topLeft.x + size.x - textSize.x), nameRight + pad);
        dl->AddText(font, fontSize, {left, topLeft.y}, style.now, text);
        const double score = scoreAt(data.samples, data.nowS);
        if (std::isfinite(score)) {
            dl->AddCircleFilled({x, yOf(score)}, style.lineThickness * 2.2f, style.line);
            dl->AddCircle({x, yOf(score)}, style.lineThickness * 2.2f, style.now, 0, 1.2f);
        }
    }
    dl->PopClipRect();

    if (!hoveredMarkers.empty()) {
        ImGui::SetTooltip("%s", hoveredMarkers.c_str());
    } else if (canHover && ImGui::IsMouseHoveringRect(plotMin, plotMax) && !data.samples.empty()) {
        // Readout under the mouse: time and score on the scale.
        const double t = t0 + (io.MousePos.x - plotMin.x) / (plotMax.x - plotMin.x) * (t1 - t0);
        if (t >= data.samples.front().first && t <= data.samples.back().first) {
            const double score = scoreAt(data.samples, t);
            dl->AddLine({io.MousePos.x, plotMin.y}, {io.MousePos.x, plotMax.y}, withAlpha(style.now, 0.35f));
            dl->AddCircleFilled({io.MousePos.x, yOf(score)}, style.lineThickness * 1.8f, style.line);
            if (data.plainWords) ImGui::SetTooltip("%s after the first setting", durationInWords(t).c_str());
            else ImGui::SetTooltip("%s  \xC2\xB7  %.1f %s", formatDuration(t).c_str(), score, data.scaleName.c_str());
        }
    }
}

}  // namespace dbsprog::gui
