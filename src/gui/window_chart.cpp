#include "gui/window_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "gui/timeline_plot.hpp"  // chooseValueTicks: one tick rule for every axis

namespace dbsprog::gui {
namespace {

constexpr float kRowHeightEm = 1.9f;     // row pitch, in font heights, when there is room
constexpr float kMinRowHeightEm = 1.35f;  // tightest pitch that still separates the rows
constexpr float kBarHeightShare = 0.42f;
constexpr float kHatchSpacingEm = 0.45f;
constexpr float kMarkerRadiusEm = 0.3f;
constexpr float kTickSpacingEm = 2.8f;  // room per amplitude label, in font heights

ImU32 withAlpha(ImU32 color, float alpha) {
    const unsigned a = static_cast<unsigned>(std::clamp(alpha, 0.0f, 1.0f) * static_cast<float>((color >> IM_COL32_A_SHIFT) & 0xFF) + 0.5f);
    return (color & ~IM_COL32_A_MASK) | (a << IM_COL32_A_SHIFT);
}

ImVec2 textSize(const char* text) {
    return ImGui::GetFont()->CalcTextSizeA(ImGui::GetFontSize(), FLT_MAX, 0.0f, text);
}

/// Diagonal hatch over a rectangle (the "nothing known here" pattern); 45-degree strokes cut to
/// the rectangle, so nothing is drawn outside it.
void hatch(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 color, float spacing) {
    if (b.x <= a.x || b.y <= a.y) return;
    const float h = b.y - a.y;
    for (float x = a.x - h + spacing; x < b.x; x += spacing) {
        ImVec2 start{x, b.y}, end{x + h, a.y};
        if (start.x < a.x) start = {a.x, b.y - (a.x - start.x)};
        if (end.x > b.x) end = {b.x, a.y + (end.x - b.x)};
        dl->AddLine(start, end, color, 1.0f);
    }
}

void diamond(ImDrawList* dl, ImVec2 c, float r, ImU32 fill, ImU32 edge) {
    const ImVec2 p[4] = {{c.x, c.y - r}, {c.x + r, c.y}, {c.x, c.y + r}, {c.x - r, c.y}};
    dl->AddConvexPolyFilled(p, 4, fill);
    dl->AddPolyline(p, 4, edge, ImDrawFlags_Closed, 1.0f);
}

/// Review marks are rings, the user's are filled diamonds: two sources told apart by shape, so
/// colour stays free to say which threshold (benefit or side effect).
void reviewMark(ImDrawList* dl, ImVec2 c, float r, ImU32 color, ImU32 background) {
    dl->AddCircleFilled(c, r * 1.15f, background);
    dl->AddCircle(c, r * 1.15f, color, 0, 1.8f);
}
void userMark(ImDrawList* dl, ImVec2 c, float r, ImU32 color, ImU32 background) {
    constexpr float kDiamondScale = 1.45f;  // a diamond looks smaller than a ring of the same radius
    diamond(dl, c, r * kDiamondScale, color, background);
}

/// The typographic character when the font has it, else its ASCII stand-in (ImGui's built-in font).
std::string glyph(ImWchar codepoint, const char* utf8, const char* ascii) {
    return ImGui::GetFont()->FindGlyphNoFallback(codepoint) != nullptr ? utf8 : ascii;
}

std::string windowText(const WindowBar& bar, double amplitudeMax, const std::string& unit) {
    switch (bar.kind) {
        case WindowKind::Positive: return formatAmplitude(*bar.width, unit);
        case WindowKind::Negative: return glyph(0x2212, "\xE2\x88\x92", "-") + formatAmplitude(-*bar.width, unit);
        case WindowKind::OpenEnded: return glyph(0x2265, "\xE2\x89\xA5 ", ">= ") + formatAmplitude(amplitudeMax - bar.from, unit);
        case WindowKind::NoBenefit: return "none";
        case WindowKind::Untested: break;
    }
    return glyph(0x2014, "\xE2\x80\x94", "-");  // nothing known
}

ImU32 windowTextColor(const WindowBar& bar, const WindowChartStyle& style) {
    switch (bar.kind) {
        case WindowKind::Positive: return style.window;
        case WindowKind::OpenEnded: return withAlpha(style.window, 0.75f);
        case WindowKind::Negative:
        case WindowKind::NoBenefit: return style.negative;
        case WindowKind::Untested: break;
    }
    return style.text;
}

float rowHeightFor(const WindowChartStyle& style) {
    return style.rowHeight > 0.0f ? style.rowHeight : std::round(kRowHeightEm * ImGui::GetFontSize());
}

}  // namespace

float AmplitudeAxis::toX(double amplitude) const {
    const double share = amplitudeMax > 0.0 ? std::clamp(amplitude / amplitudeMax, 0.0, 1.0) : 0.0;
    return x0 + static_cast<float>(share) * (x1 - x0);
}

double AmplitudeAxis::toAmplitude(float x) const {
    return x1 != x0 ? static_cast<double>(x - x0) / static_cast<double>(x1 - x0) * amplitudeMax : 0.0;
}

WindowBar windowBarFor(const ContactWindow& contact, double amplitudeMax) {
    const std::optional<double> efficacy = contact.userEfficacy ? contact.userEfficacy : contact.reviewEfficacy;
    const std::optional<double> sideEffect = contact.userSideEffect ? contact.userSideEffect : contact.reviewSideEffect;
    WindowBar bar;
    if (efficacy && sideEffect) {
        bar.width = *sideEffect - *efficacy;
        if (*sideEffect > *efficacy) {
            bar = {WindowKind::Positive, *efficacy, *sideEffect, bar.width};
        } else {
            bar = {WindowKind::Negative, *sideEffect, *efficacy, bar.width};
        }
    } else if (efficacy) {
        bar = {WindowKind::OpenEnded, *efficacy, std::max(*efficacy, amplitudeMax), std::nullopt};
    } else if (sideEffect) {
        bar = {WindowKind::NoBenefit, 0.0, *sideEffect, std::nullopt};
    }
    return bar;
}

std::string formatAmplitude(double amplitude, const std::string& unit) {
    char buffer[32];
    // Generator steps are 0.05-0.1 (V or mA): two decimals at most, trailing zeros dropped.
    std::snprintf(buffer, sizeof buffer, "%.2f", amplitude);
    std::string text = buffer;
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text += '0';
    return text + " " + unit;
}

float windowChartHeight(const WindowChartData& data, const WindowChartStyle& style) {
    const float fontSize = ImGui::GetFontSize();
    const float legend = style.showLegend ? fontSize * 1.6f : 0.0f;
    return fontSize * 1.2f + rowHeightFor(style) * static_cast<float>(data.contacts.size()) + fontSize * 1.6f + legend;
}

void drawWindowChart(ImDrawList* dl, ImVec2 topLeft, ImVec2 size, const WindowChartData& data, const WindowChartStyle& style) {
    if (dl == nullptr || size.x < 120.0f || size.y < 40.0f) return;
    ImFont* font = ImGui::GetFont();
    const float fontSize = ImGui::GetFontSize();
    const float pad = std::round(fontSize * 0.5f);
    const double amplitudeMax = data.amplitudeMax > 0.0 ? data.amplitudeMax : 1.0;

    // Columns: contact label | bars on the amplitude axis | window width.
    float labelWidth = textSize("0").x;
    for (const ContactWindow& c : data.contacts) labelWidth = std::max(labelWidth, textSize(c.contact.c_str()).x);
    const float valueWidth = textSize((glyph(0x2265, "\xE2\x89\xA5 ", ">= ") + formatAmplitude(88.88, data.unit)).c_str()).x;
    const float top = topLeft.y + fontSize * 1.2f;  // room for the present-amplitude tag
    const AmplitudeAxis axis{amplitudeMax, topLeft.x + labelWidth + 2.0f * pad, topLeft.x + size.x - valueWidth - 2.0f * pad};
    if (axis.x1 - axis.x0 < 40.0f) return;
    // Short of room, rows come first: they tighten down to kMinRowHeightEm, then the legend goes,
    // and only then are rows left out.
    const float axisSpace = fontSize * 1.6f;
    const int wanted = static_cast<int>(data.contacts.size());
    const float minRow = style.rowHeight > 0.0f ? style.rowHeight : std::round(kMinRowHeightEm * fontSize);
    const float roomWithLegend = topLeft.y + size.y - axisSpace - fontSize * 1.6f - top;
    const bool legend = style.showLegend && roomWithLegend >= minRow * static_cast<float>(wanted);
    const float room = legend ? roomWithLegend : topLeft.y + size.y - axisSpace - top;
    const float rowHeight = style.rowHeight > 0.0f || wanted == 0
                                ? rowHeightFor(style)
                                : std::clamp(std::floor(room / static_cast<float>(wanted)), minRow, rowHeightFor(style));
    const int rowsThatFit = static_cast<int>(room / rowHeight);
    const int rows = std::clamp(wanted, 0, std::max(0, rowsThatFit));
    const float bottom = top + rowHeight * static_cast<float>(rows);

    dl->PushClipRect(topLeft, {topLeft.x + size.x, topLeft.y + size.y}, true);
    // Grid and axis.
    const std::vector<AxisTick> ticks =
        chooseValueTicks(amplitudeMax, std::clamp(static_cast<int>((axis.x1 - axis.x0) / (kTickSpacingEm * fontSize)) + 1, 2, 11));
    for (const AxisTick& tick : ticks) {
        const float x = std::round(axis.toX(tick.value)) + 0.5f;
        dl->AddLine({x, top}, {x, bottom}, style.grid);
        const std::string label = &tick == &ticks.back() ? tick.label + " " + data.unit : tick.label;
        const float w = textSize(label.c_str()).x;
        const float left = &tick == &ticks.back() ? std::min(x - 0.5f * w, topLeft.x + size.x - w) : x - 0.5f * w;
        dl->AddText(font, fontSize, {left, bottom + fontSize * 0.3f}, style.text, label.c_str());
    }

    const bool canHover = style.showTooltips && ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem);
    const float barHalf = 0.5f * kBarHeightShare * rowHeight;
    const float markR = std::max(3.0f, kMarkerRadiusEm * fontSize);
    for (int i = 0; i < rows; ++i) {
        const ContactWindow& c = data.contacts[static_cast<std::size_t>(i)];
        const float y0 = top + rowHeight * static_cast<float>(i), yc = y0 + 0.5f * rowHeight;
        const ImVec2 rowMin{axis.x0, y0 + 2.0f}, rowMax{axis.x1, y0 + rowHeight - 2.0f};
        dl->AddRectFilled(rowMin, rowMax, style.rowBackground, 3.0f);
        const ImVec2 labelSize = textSize(c.contact.c_str());
        if (c.active) {  // a contact of the running program: an accent tick beside its name
            const float x = axis.x0 - pad - labelSize.x - 0.6f * pad - 3.0f;
            dl->AddRectFilled({x, yc - 0.4f * fontSize}, {x + 3.0f, yc + 0.4f * fontSize}, style.activeLabel, 1.5f);
        }
        dl->AddText(font, fontSize, {axis.x0 - pad - labelSize.x, yc - 0.5f * labelSize.y}, c.active ? style.activeLabel : style.label, c.contact.c_str());

        const WindowBar bar = windowBarFor(c, amplitudeMax);
        const ImVec2 barMin{axis.toX(bar.from), yc - barHalf}, barMax{axis.toX(bar.to), yc + barHalf};
        switch (bar.kind) {
            case WindowKind::Untested: {
                hatch(dl, rowMin, rowMax, style.hatch, kHatchSpacingEm * fontSize);
                const char* text = "not tested";
                const ImVec2 ts = textSize(text);
                const ImVec2 at{0.5f * (axis.x0 + axis.x1) - 0.5f * ts.x, yc - 0.5f * ts.y};
                dl->AddRectFilled({at.x - pad * 0.5f, at.y}, {at.x + ts.x + pad * 0.5f, at.y + ts.y}, style.rowBackground, 3.0f);
                dl->AddText(font, fontSize, at, style.text, text);
                break;
            }
            case WindowKind::NoBenefit:
                hatch(dl, barMin, barMax, withAlpha(style.negative, 0.55f), kHatchSpacingEm * fontSize);
                dl->AddRect(barMin, barMax, withAlpha(style.negative, 0.5f), 2.0f);
                break;
            case WindowKind::OpenEnded: {
                // Benefit with no side effect yet: the bar fades toward the end of the tested range.
                const ImU32 solid = withAlpha(style.window, 0.45f), clear = withAlpha(style.window, 0.0f);
                dl->AddRectFilledMultiColor(barMin, barMax, solid, clear, clear, solid);
                dl->AddLine({barMin.x, barMin.y}, {barMin.x, barMax.y}, style.window, 2.0f);
                break;
            }
            case WindowKind::Positive:
                dl->AddRectFilled(barMin, barMax, withAlpha(style.window, 0.45f), 2.0f);
                dl->AddRect(barMin, barMax, style.window, 2.0f, 0, 1.5f);
                break;
            case WindowKind::Negative:
                dl->AddRectFilled(barMin, {std::max(barMax.x, barMin.x + 2.0f), barMax.y}, withAlpha(style.negative, 0.5f), 2.0f);
                dl->AddRect(barMin, {std::max(barMax.x, barMin.x + 2.0f), barMax.y}, style.negative, 2.0f, 0, 1.5f);
                break;
        }
        // Thresholds: review rings under the user's diamonds.
        for (const auto& [value, color] : {std::pair{c.reviewEfficacy, style.efficacyMark}, std::pair{c.reviewSideEffect, style.sideEffectMark}}) {
            if (value) reviewMark(dl, {axis.toX(*value), yc}, markR, color, style.rowBackground);
        }
        for (const auto& [value, color] : {std::pair{c.userEfficacy, style.efficacyMark}, std::pair{c.userSideEffect, style.sideEffectMark}}) {
            if (value) userMark(dl, {axis.toX(*value), yc}, markR, color, style.rowBackground);
        }
        const std::string width = windowText(bar, amplitudeMax, data.unit);
        const ImVec2 ws = textSize(width.c_str());
        dl->AddText(font, fontSize, {topLeft.x + size.x - ws.x - pad * 0.5f, yc - 0.5f * ws.y}, windowTextColor(bar, style), width.c_str());

        if (canHover && ImGui::IsMouseHoveringRect({topLeft.x, y0}, {topLeft.x + size.x, y0 + rowHeight})) {
            std::string tip = "contact " + c.contact + (c.active ? "  (in the program)" : "");
            const auto line = [&](const char* what, const std::optional<double>& review, const std::optional<double>& user) {
                tip += std::string("\n") + what + ": ";
                if (!review && !user) tip += "not found";
                if (user) tip += formatAmplitude(*user, data.unit) + " (you)";
                if (review) tip += std::string(user ? ", " : "") + formatAmplitude(*review, data.unit) + " (review)";
            };
            line("benefit from", c.reviewEfficacy, c.userEfficacy);
            line("side effect from", c.reviewSideEffect, c.userSideEffect);
            if (!c.sideEffectName.empty()) tip += ", " + c.sideEffectName;
            tip += "\nwindow: " + windowText(bar, amplitudeMax, data.unit);
            ImGui::SetTooltip("%s", tip.c_str());
        }
    }

    // Present amplitude: a line through every row and a tag above them; the value column's header
    // gives way when the tag needs its place.
    const char* header = "window";
    const float headerLeft = topLeft.x + size.x - textSize(header).x - pad * 0.5f;
    bool headerFree = rows > 0;
    if (data.presentAmplitude && std::isfinite(*data.presentAmplitude) && rows > 0) {
        const float x = std::round(axis.toX(*data.presentAmplitude)) + 0.5f;
        dl->AddLine({x, top - 2.0f}, {x, bottom}, style.present, 2.0f);
        const std::string tag = formatAmplitude(*data.presentAmplitude, data.unit);
        const ImVec2 ts = textSize(tag.c_str());
        const float left = std::clamp(x - 0.5f * ts.x, topLeft.x, topLeft.x + size.x - ts.x);
        dl->AddText(font, fontSize, {left, topLeft.y}, style.present, tag.c_str());
        headerFree = headerFree && left + ts.x + pad < headerLeft;
    }
    if (headerFree) dl->AddText(font, fontSize, {headerLeft, topLeft.y}, style.text, header);

    // Legend on one line: the two sources by shape, then what the colours mean; items that do not fit
    // are left out whole. Rows cut for lack of room are counted first.
    const int hiddenRows = static_cast<int>(data.contacts.size()) - rows;
    if (legend && rows > 0) {
        float x = axis.x0;
        const float y = bottom + axisSpace + 0.5f * fontSize;
        const float right = topLeft.x + size.x;
        enum class Swatch { None, Ring, Diamond, Benefit, SideEffect };
        std::vector<std::pair<Swatch, std::string>> items;
        if (hiddenRows > 0) items.push_back({Swatch::None, "+" + std::to_string(hiddenRows) + " more"});
        items.insert(items.end(), {{Swatch::Ring, "review"}, {Swatch::Diamond, "found by you"},
                                   {Swatch::Benefit, "benefit"}, {Swatch::SideEffect, "side effect"}});
        for (const auto& [swatch, label] : items) {
            const float swatchWidth = swatch == Swatch::None ? 0.0f : std::max(2.0f * markR, fontSize) + 0.6f * pad;
            const float width = swatchWidth + textSize(label.c_str()).x;
            if (x + width > right) break;
            const ImVec2 c{x + 0.5f * (swatchWidth - 0.6f * pad), y};
            switch (swatch) {
                case Swatch::Ring: reviewMark(dl, c, markR, style.text, style.rowBackground); break;
                case Swatch::Diamond: userMark(dl, c, markR, style.text, style.rowBackground); break;
                case Swatch::Benefit:
                case Swatch::SideEffect:
                    dl->AddRectFilled({c.x - 0.5f * fontSize, y - 0.3f * fontSize}, {c.x + 0.5f * fontSize, y + 0.3f * fontSize},
                                      swatch == Swatch::Benefit ? style.efficacyMark : style.sideEffectMark, 2.0f);
                    break;
                case Swatch::None: break;
            }
            dl->AddText(font, fontSize, {x + swatchWidth, y - 0.5f * fontSize}, style.text, label.c_str());
            x += width + 1.4f * pad;
        }
    } else if (hiddenRows > 0) {
        // No legend line: the count goes under the window column, clear of the axis labels.
        const std::string more = "+" + std::to_string(hiddenRows) + " more";
        const float w = textSize(more.c_str()).x;
        dl->AddText(font, fontSize, {topLeft.x + size.x - w - pad * 0.5f, bottom + fontSize * 0.3f}, style.text, more.c_str());
    }
    dl->PopClipRect();
}

}  // namespace dbsprog::gui
