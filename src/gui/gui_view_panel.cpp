// The 3D view panel: toolbar, the offscreen-rendered lead and anatomy as an image, mouse camera
// control, and the overlay (legends, contact and structure labels, hints) drawn over the image.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "gui/gui_app.hpp"
#include "gui/widgets.hpp"
#include "gui/text_format.hpp"
#include "render/anatomy_view.hpp"
#include "render/palette.hpp"

namespace dbsprog::gui {
namespace {

ImU32 toU32(const Eigen::Vector3f& rgb, float alpha = 1.0f) {
    return ImGui::ColorConvertFloat4ToU32(ImVec4(rgb.x(), rgb.y(), rgb.z(), alpha));
}

Eigen::Vector3f lifted(const Eigen::Vector3f& rgb, float amount) {
    return rgb + amount * (Eigen::Vector3f::Ones() - rgb);
}

/// Text with a dark rounded backdrop, so it reads over the lead and grid alike.
void labelWithBackdrop(ImDrawList* draw, ImVec2 topLeft, const char* text, ImU32 color, float padding) {
    const ImVec2 size = ImGui::CalcTextSize(text);
    draw->AddRectFilled(ImVec2(topLeft.x - padding, topLeft.y - 0.5f * padding),
                        ImVec2(topLeft.x + size.x + padding, topLeft.y + size.y + 0.5f * padding),
                        IM_COL32(12, 14, 17, 200), 3.0f);
    draw->AddText(topLeft, color, text);
}

struct PlacedLabel {
    ImVec2 anchor;   ///< point on the contact
    float y = 0.0f;  ///< label's vertical centre, after de-overlapping
    bool right = true;
    std::string text;
    ImU32 color = 0;
};

// ---- anatomy overlay: structure callouts and the fibre / field legend ----

constexpr float kCalloutMarginPx = 10.0f;       ///< label column from the image edge, at least
constexpr float kCalloutGapPx = 24.0f;          ///< label column from the structures' outline
constexpr float kContactLabelGapPx = 28.0f;     ///< contact labels' distance from the lead (below)
constexpr const char* kWidestContactLabel = "10c +";
constexpr float kLeadClearancePx = 18.0f;       ///< this close to the lead's edge is too crowded to point at
constexpr float kAnchorDepthInside = 0.7f;      ///< an anchor off the centre: this far toward the edge
constexpr int kAnchorDirections = 8;
constexpr float kAnchorPreferCentrePx = 12.0f;  ///< an off-centre anchor must be this much clearer
constexpr float kPiF = 3.14159265358979323846f;
constexpr float kLegendRowGapPx = 3.0f;
constexpr float kColourBarHeightPx = 10.0f;
constexpr int kColourBarSteps = 48;
constexpr float kFieldTicksVPerMm[] = {0.05f, 0.1f, 0.2f, 0.5f, 1.0f};
constexpr float kSwatchWidthPx = 14.0f;
constexpr float kFieldLegendWidthPx = 230.0f;
constexpr float kMaxPathwayNameWidthPx = 250.0f;
constexpr float kMaxCalloutWidthPx = 200.0f;
constexpr ImU32 kLegendBackdrop = IM_COL32(12, 14, 17, 200);
constexpr ImU32 kLegendHeading = IM_COL32(170, 176, 184, 255);
constexpr ImU32 kLegendText = IM_COL32(225, 228, 232, 255);
constexpr ImU32 kLegendMuted = IM_COL32(130, 136, 144, 255);
constexpr ImU32 kContourWhite = IM_COL32(255, 255, 255, 255);

/// A structure's name at the side of the view, with a leader to a point on the structure.
struct Callout {
    ImVec2 anchor;
    float y = 0.0f;  ///< text's vertical centre, after de-overlapping
    bool right = false;
    std::string text;
    std::string tooltip;
    ImU32 color = 0;
    Eigen::Vector3f rgb = Eigen::Vector3f::Zero();
};

/// What the anatomy overlay needs from the window.
struct AnatomyOverlayFrame {
    ImDrawList* draw = nullptr;
    ImVec2 imageMin;
    ImVec2 imageMax;
    float uiScale = 1.0f;
    float lineHeight = 0.0f;
    float axisX = 0.0f;    ///< lead axis on screen
    float leadRadiusPx = 0.0f;
    float topClearY = 0.0f;  ///< the left column starts below this (the polarity legend)
    float contactLabelsRightPx = 0.0f;  ///< right edge of the contact labels beside the lead
    float contactsTopY = 0.0f;          ///< the contacts' screen height range
    float contactsBottomY = 0.0f;
    const char* ellipsis = "...";
};

/// `text` shortened with `ellipsis` to fit `maxWidth` (whole UTF-8 characters dropped).
std::string fittedText(std::string text, float maxWidth, const char* ellipsis) {
    if (ImGui::CalcTextSize(text.c_str()).x <= maxWidth) return text;
    while (!text.empty() && ImGui::CalcTextSize((text + ellipsis).c_str()).x > maxWidth) {
        text.pop_back();
        while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) text.pop_back();
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == ',')) text.pop_back();
    return text + ellipsis;
}

/// How far a point (screen pixels) is from the busy strip: the lead, and the contact labels right
/// of it at the contacts' height.
float busyClearance(const AnatomyOverlayFrame& f, const Eigen::Vector2f& point) {
    const float leadClear = f.leadRadiusPx + kLeadClearancePx * f.uiScale;
    const float fromLead = std::abs(point.x() - f.axisX) - leadClear;
    const bool besideContacts = point.y() > f.contactsTopY - f.lineHeight && point.y() < f.contactsBottomY + f.lineHeight;
    const float fromLabels = besideContacts && point.x() > f.axisX ? point.x() - f.contactLabelsRightPx : fromLead;
    return std::min(fromLead, fromLabels);
}

/// Structure names in two columns beside the scene, each with a leader to a point on its
/// structure: clear of the lead and its contact labels, which sit next to the lead. The right
/// column runs from `rightTop` to `rightBottom` (between the anatomy legends).
void drawStructureCallouts(const AnatomyOverlayFrame& f, const render::AnatomyView& anatomy,
                           const render::OrbitCamera& camera, float rightTop, float rightBottom) {
    const float imageW = f.imageMax.x - f.imageMin.x, imageH = f.imageMax.y - f.imageMin.y;
    const float pad = 6.0f * f.uiScale;
    const float dot = 3.0f * f.uiScale;
    const float swatchWidth = 2.0f * dot + pad;
    std::vector<Callout> callouts;
    // Each column sits just outside the structures on its side (their screen extent, from the
    // ellipsoid's half-width along screen-right), so leaders stay short in a wide view.
    float leftColumnEdge = f.imageMax.x, rightColumnEdge = f.imageMin.x;
    for (const render::StructureShape& shape : anatomy.structures()) {
        const auto centre = camera.project(shape.centreMm, imageW, imageH);
        if (!centre) continue;
        // Point at the part of the structure farthest from the busy strip of lead and contact
        // labels: its centre, or a point inside it toward either end of one of its own axes (a
        // thin slab reaches far only along those) or toward one of eight screen directions.
        std::vector<Eigen::Vector3f> candidates;
        for (int axis = 0; axis < 3; ++axis) {
            for (const float sign : {-1.0f, 1.0f}) {
                candidates.push_back(shape.centreMm + sign * kAnchorDepthInside * shape.axesMm.col(axis));
            }
        }
        for (int k = 0; k < kAnchorDirections; ++k) {
            const float angle = 2.0f * kPiF * static_cast<float>(k) / kAnchorDirections;
            const Eigen::Vector3f direction = std::cos(angle) * camera.right() + std::sin(angle) * camera.up();
            candidates.push_back(shape.centreMm + kAnchorDepthInside * (shape.surfacePoint(direction) - shape.centreMm));
        }
        Eigen::Vector2f anchor = *centre;
        float bestClearance = busyClearance(f, Eigen::Vector2f(f.imageMin.x, f.imageMin.y) + *centre);
        for (const Eigen::Vector3f& point : candidates) {
            const auto candidate = camera.project(point, imageW, imageH);
            if (!candidate || candidate->x() < 0.0f || candidate->x() > imageW || candidate->y() < 0.0f ||
                candidate->y() > imageH) {
                continue;
            }
            const float clearance = busyClearance(f, Eigen::Vector2f(f.imageMin.x, f.imageMin.y) + *candidate);
            if (clearance > bestClearance + kAnchorPreferCentrePx * f.uiScale) {
                bestClearance = clearance;
                anchor = *candidate;
            }
        }
        Callout callout;
        callout.right = f.imageMin.x + anchor.x() > f.axisX;
        callout.anchor = ImVec2(f.imageMin.x + anchor.x(), f.imageMin.y + anchor.y());
        if (callout.anchor.x < f.imageMin.x || callout.anchor.x > f.imageMax.x || callout.anchor.y < f.imageMin.y ||
            callout.anchor.y > f.imageMax.y) {
            continue;  // off screen: nothing to point at
        }
        const float halfWidthMm = (shape.axesMm.transpose() * camera.right()).norm();
        const auto side = camera.project(shape.centreMm + (callout.right ? halfWidthMm : -halfWidthMm) * camera.right(),
                                         imageW, imageH);
        const float sideX = f.imageMin.x + (side ? side->x() : anchor.x());
        if (callout.right) {
            rightColumnEdge = std::max({rightColumnEdge, sideX, f.contactLabelsRightPx});
        } else {
            leftColumnEdge = std::min(leftColumnEdge, sideX);
        }
        callout.y = callout.anchor.y;
        callout.text = fittedText(shape.shortName, kMaxCalloutWidthPx * f.uiScale, f.ellipsis);
        callout.tooltip = shape.name + (shape.schematic ? "\nschematic: shape and position assumed" : "");
        callout.rgb = shape.colour;
        callout.color = toU32(lifted(shape.colour, 0.45f));
        callouts.push_back(std::move(callout));
    }
    const float rowStep = f.lineHeight + 6.0f * f.uiScale;
    for (const bool right : {false, true}) {
        std::vector<Callout*> column;
        for (Callout& c : callouts) {
            if (c.right == right) column.push_back(&c);
        }
        std::sort(column.begin(), column.end(), [](const Callout* a, const Callout* b) { return a->y < b->y; });
        const float top = (right ? rightTop : f.topClearY) + 0.5f * f.lineHeight;
        const float bottom = (right ? rightBottom : f.imageMax.y - 2.5f * f.lineHeight) - 0.5f * f.lineHeight;
        // Down from the top without overlaps, then back up from the bottom if the column overflowed.
        for (std::size_t i = 0; i < column.size(); ++i) {
            column[i]->y = std::max(column[i]->y, i == 0 ? top : column[i - 1]->y + rowStep);
        }
        for (std::size_t i = column.size(); i-- > 0;) {
            column[i]->y = std::min(column[i]->y, i + 1 == column.size() ? bottom : column[i + 1]->y - rowStep);
        }
    }
    const float gap = kCalloutGapPx * f.uiScale, margin = kCalloutMarginPx * f.uiScale;
    for (const Callout& c : callouts) {
        const float textWidth = ImGui::CalcTextSize(c.text.c_str()).x;
        // Beside the scene, but never past the image edge.
        const float textX = c.right ? std::min(rightColumnEdge + gap + swatchWidth, f.imageMax.x - margin - textWidth)
                                    : std::max(leftColumnEdge - gap - textWidth, f.imageMin.x + margin + swatchWidth);
        const float boxLeft = textX - swatchWidth - pad, boxRight = textX + textWidth + pad;
        const ImVec2 lineEnd(c.right ? boxLeft : boxRight, c.y);
        f.draw->AddLine(c.anchor, lineEnd, toU32(lifted(c.rgb, 0.2f), 0.75f), 1.2f * f.uiScale);
        f.draw->AddCircleFilled(c.anchor, dot, toU32(lifted(c.rgb, 0.5f)));
        f.draw->AddCircle(c.anchor, dot, IM_COL32(12, 14, 17, 220), 0, 1.0f);
        // Backdrop over the colour dot and the name together.
        f.draw->AddRectFilled(ImVec2(boxLeft, c.y - 0.5f * f.lineHeight - 0.5f * pad),
                              ImVec2(boxRight, c.y + 0.5f * f.lineHeight + 0.5f * pad), IM_COL32(12, 14, 17, 200), 3.0f);
        f.draw->AddCircleFilled(ImVec2(textX - pad - dot, c.y), dot, toU32(c.rgb));
        f.draw->AddText(ImVec2(textX, c.y - 0.5f * f.lineHeight), c.color, c.text.c_str());
        if (ImGui::IsMouseHoveringRect(ImVec2(boxLeft, c.y - 0.5f * f.lineHeight), ImVec2(boxRight, c.y + 0.5f * f.lineHeight))) {
            ImGui::SetTooltip("%s", c.tooltip.c_str());
        }
    }
}

/// A legend box: its size is known before it is drawn, so labels can keep clear of it.
struct LegendBox {
    ImVec2 min, max;
    bool visible = false;
};

/// Top-right: each pathway's colour (thin dim stroke: quiet axons; wide bright one: firing), its
/// name and the share of its axons firing. Hovering a row names its role and side effects.
LegendBox fibreLegendBox(const AnatomyOverlayFrame& f, const patient::Anatomy& anatomy) {
    LegendBox box;
    if (anatomy.pathways.empty()) return box;
    const float pad = 6.0f * f.uiScale, row = f.lineHeight + kLegendRowGapPx;
    float nameWidth = ImGui::CalcTextSize("Fibres").x;
    for (const patient::Pathway& pathway : anatomy.pathways) {
        nameWidth = std::max(nameWidth, ImGui::CalcTextSize(pathway.name.c_str()).x);
    }
    nameWidth = std::min(nameWidth, kMaxPathwayNameWidthPx * f.uiScale);  // longer names end in an ellipsis
    const float width = kSwatchWidthPx * f.uiScale + pad + nameWidth + 2.0f * pad + ImGui::CalcTextSize("100 %").x;
    box.max = ImVec2(f.imageMax.x - 10.0f * f.uiScale, f.imageMin.y + 10.0f * f.uiScale + 2.0f * pad +
                                                           static_cast<float>(anatomy.pathways.size() + 1) * row);
    box.min = ImVec2(box.max.x - width - 2.0f * pad, f.imageMin.y + 10.0f * f.uiScale);
    box.visible = true;
    return box;
}

void drawFibreLegend(const AnatomyOverlayFrame& f, const LegendBox& box, const patient::Anatomy& anatomy,
                     const patient::Evaluation& evaluation) {
    const float pad = 6.0f * f.uiScale, row = f.lineHeight + kLegendRowGapPx, swatch = kSwatchWidthPx * f.uiScale;
    f.draw->AddRectFilled(box.min, box.max, kLegendBackdrop, 4.0f);
    const float left = box.min.x + pad, right = box.max.x - pad;
    float y = box.min.y + pad;
    f.draw->AddText(ImVec2(left, y), kLegendHeading, "Fibres");
    const char* firing = "firing";
    f.draw->AddText(ImVec2(right - ImGui::CalcTextSize(firing).x, y), kLegendHeading, firing);
    y += row;
    for (std::size_t p = 0; p < anatomy.pathways.size(); ++p) {
        const patient::Pathway& pathway = anatomy.pathways[p];
        const Eigen::Vector3f rgb(pathway.colour[0], pathway.colour[1], pathway.colour[2]);
        const float midY = y + 0.5f * f.lineHeight;
        f.draw->AddLine(ImVec2(left, midY - 3.0f * f.uiScale), ImVec2(left + swatch, midY - 3.0f * f.uiScale),
                        toU32(rgb, 0.6f), 1.0f * f.uiScale);
        f.draw->AddLine(ImVec2(left, midY + 2.0f * f.uiScale), ImVec2(left + swatch, midY + 2.0f * f.uiScale),
                        toU32(lifted(rgb, 0.35f)), 3.0f * f.uiScale);
        const float nameWidth = right - (left + swatch + pad) - 2.0f * pad - ImGui::CalcTextSize("100 %").x;
        const std::string name = fittedText(pathway.name, nameWidth, f.ellipsis);
        f.draw->AddText(ImVec2(left + swatch + pad, y), kLegendText, name.c_str());
        const double share = p < evaluation.pathwayActivation.size() ? evaluation.pathwayActivation[p] : 0.0;
        const std::string percent = std::to_string(static_cast<int>(std::lround(100.0 * share))) + " %";
        f.draw->AddText(ImVec2(right - ImGui::CalcTextSize(percent.c_str()).x, y),
                        share > 0.0 ? toU32(lifted(rgb, 0.45f)) : kLegendMuted, percent.c_str());
        if (ImGui::IsMouseHoveringRect(ImVec2(box.min.x, y), ImVec2(box.max.x, y + row))) {
            std::string tip = pathway.name + (pathway.role == patient::PathwayRole::Target ? "\ntarget pathway" : "\nside-effect pathway");
            for (const patient::SideEffect& effect : anatomy.sideEffects) {
                if (effect.pathwayId == pathway.id) tip += "\n\xC2\xB7 " + effect.name;
            }
            ImGui::SetTooltip("%s", tip.c_str());
        }
        y += row;
    }
}

/// Bottom-right, above the hint line if they would meet: the |E| colour scale with its ticks and
/// the activation contour.
LegendBox fieldLegendBox(const AnatomyOverlayFrame& f, float hintRight, float hintTop) {
    LegendBox box;
    const float pad = 6.0f * f.uiScale, row = f.lineHeight + kLegendRowGapPx;
    const float width = kFieldLegendWidthPx * f.uiScale;
    const float height = 2.0f * row + kColourBarHeightPx * f.uiScale + f.lineHeight + 3.0f * pad;
    const float left = f.imageMax.x - 10.0f * f.uiScale - width;
    const float bottom = left < hintRight + pad ? hintTop - pad : f.imageMax.y - 10.0f * f.uiScale;
    box.min = ImVec2(left, bottom - height);
    box.max = ImVec2(f.imageMax.x - 10.0f * f.uiScale, bottom);
    box.visible = true;
    return box;
}

void drawFieldLegend(const AnatomyOverlayFrame& f, const LegendBox& box, double thresholdVPerMm) {
    const float pad = 6.0f * f.uiScale, row = f.lineHeight + kLegendRowGapPx;
    f.draw->AddRectFilled(box.min, box.max, kLegendBackdrop, 4.0f);
    const float left = box.min.x + pad, right = box.max.x - pad;
    float y = box.min.y + pad;
    f.draw->AddText(ImVec2(left, y), kLegendHeading, "Field |E|, V/mm");
    // The contour's key on the heading row, right-aligned: a white stroke and the threshold.
    char contour[48];
    std::snprintf(contour, sizeof contour, "%.3g contour", thresholdVPerMm);
    const float contourX = right - ImGui::CalcTextSize(contour).x;
    const float swatch = kSwatchWidthPx * f.uiScale;
    f.draw->AddLine(ImVec2(contourX - pad - swatch, y + 0.5f * f.lineHeight), ImVec2(contourX - pad, y + 0.5f * f.lineHeight),
                    kContourWhite, 2.0f * f.uiScale);
    f.draw->AddText(ImVec2(contourX, y), kLegendText, contour);
    y += row + 0.5f * pad;
    const float barWidth = right - left, barHeight = kColourBarHeightPx * f.uiScale;
    for (int i = 0; i < kColourBarSteps; ++i) {
        const float t0 = static_cast<float>(i) / kColourBarSteps, t1 = static_cast<float>(i + 1) / kColourBarSteps;
        const ImU32 c0 = toU32(render::fieldColour(t0)), c1 = toU32(render::fieldColour(t1));
        f.draw->AddRectFilledMultiColor(ImVec2(left + t0 * barWidth, y), ImVec2(left + t1 * barWidth, y + barHeight), c0,
                                        c1, c1, c0);
    }
    for (const float tick : kFieldTicksVPerMm) {
        const float x = left + render::fieldScalePosition(tick) * barWidth;
        char label[16];
        std::snprintf(label, sizeof label, "%g", tick);
        const float w = ImGui::CalcTextSize(label).x;
        f.draw->AddLine(ImVec2(x, y + barHeight), ImVec2(x, y + barHeight + 3.0f * f.uiScale), kLegendHeading, 1.0f);
        f.draw->AddText(ImVec2(std::clamp(x - 0.5f * w, left, right - w), y + barHeight + 3.0f * f.uiScale),
                        kLegendHeading, label);
    }
    const float thresholdX = left + render::fieldScalePosition(static_cast<float>(thresholdVPerMm)) * barWidth;
    f.draw->AddLine(ImVec2(thresholdX, y - 2.0f * f.uiScale), ImVec2(thresholdX, y + barHeight + 2.0f * f.uiScale),
                    kContourWhite, 2.0f * f.uiScale);
}

}  // namespace

void GuiApp::drawViewPanel(float x, float y, float width, float height) {
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(8.0f * uiScale_, 8.0f * uiScale_));
    if (!leadView_->hasAnatomySource()) {
        // Read when the view renders, after the frame's apply point, so a change shows in that frame.
        // A VTA grid finished in the background counts as a new evaluation: it brings the VTA surface.
        leadView_->setAnatomySource([this] {
            render::AnatomyView& anatomy = leadView_->anatomy();
            anatomy.pollVtaGrid();
            return render::AnatomyScene{sim_.patient, &sim_.evaluation, sim_.evaluationRevision + anatomy.vtaGridGeneration()};
        });
    }
    leadView_->syncAnatomy(ui_.camera);
    render::AnatomyView& anatomy = leadView_->anatomy();
    if (beginFixedPanel("Lead view", x, y, width, height, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
        // Toolbar: view controls left; the lead's name right, shortened when space runs out.
        // Patient education: plain names, no axes, grid or device model (issue 5: no jargon).
        const bool plain = ui_.mode == Mode::Patient;
        ImGui::AlignTextToFramePadding();
        if (ImGui::Button("Reset view")) resetCamera();
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Back to the starting view (also: double-click, or R)");
        if (!plain) {
            ImGui::SameLine();
            if (ImGui::Button(sim_.lead.directional ? "Face a (+x)" : "Front (+x)")) ui_.camera.setDirection(0.0f, 5.0f);
            ImGui::SameLine();
            if (ImGui::Button("Side (+y)")) ui_.camera.setDirection(90.0f, 5.0f);
            ImGui::SameLine(0.0f, 2.0f * ImGui::GetStyle().ItemSpacing.x);
            ImGui::Checkbox("Labels", &ui_.showLabels);
            ImGui::SameLine();
            ImGui::Checkbox("Grid", &ui_.showGrid);
        }
        if (anatomy.patient()) {
            ImGui::SameLine(0.0f, 2.0f * ImGui::GetStyle().ItemSpacing.x);
            ImGui::Checkbox(plain ? "Brain areas" : "Anatomy", &anatomy.options.showStructures);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip(plain ? "The parts of the brain around the lead" : "Structures around the lead (schematic atlas shapes)");
            ImGui::SameLine();
            ImGui::Checkbox(plain ? "Nerve paths" : "Fibres", &anatomy.options.showFibres);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip(plain ? "Nerve fibres near the lead: bright where the stimulation reaches them" : "Pathway axons: bright and wide where they fire");
            ImGui::SameLine();
            ImGui::Checkbox(plain ? "Reach" : "Field", &anatomy.options.showField);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip(plain ? "How far the stimulation reaches around the lead" : "Field strength |E| on a slice through the lead, with the activation contour");
            ImGui::SameLine();
            ImGui::Checkbox(plain ? "Reach in 3D" : "VTA", &anatomy.options.showVta);
            if (ImGui::IsItemHovered()) {
                if (plain) ImGui::SetTooltip("The space around the lead where the stimulation acts");
                else ImGui::SetTooltip("Volume where the field exceeds the activation threshold, %.3g V/mm", anatomy.thresholdVPerMm());
            }
        }
        if (!plain) {
            ImGui::SameLine(0.0f, 2.0f * ImGui::GetStyle().ItemSpacing.x);
            const float right = ImGui::GetWindowContentRegionMax().x;
            const float available = right - ImGui::GetCursorPosX();
            // The full name, else the model alone ("3389"), else nothing: a cut name reads as broken.
            ImGui::PushFont(fonts_.bold);
            const std::string* name = nullptr;
            for (const std::string* candidate : {&sim_.lead.displayName, &sim_.lead.model}) {
                if (!name && !candidate->empty() && ImGui::CalcTextSize(candidate->c_str()).x <= available) name = candidate;
            }
            if (name) {
                ImGui::SetCursorPosX(right - ImGui::CalcTextSize(name->c_str()).x);
                ImGui::TextUnformatted(name->c_str());
                if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s \xE2\x80\x94 lead frame, mm", sim_.lead.displayName.c_str());
            } else {
                ImGui::NewLine();
            }
            ImGui::PopFont();
        }

        // The image fills the rest of the panel.
        const ImVec2 origin = ImGui::GetCursorScreenPos();
        const ImVec2 size(std::max(ImGui::GetContentRegionAvail().x, 1.0f), std::max(ImGui::GetContentRegionAvail().y, 1.0f));
        const ImVec2 fbScale = ImGui::GetIO().DisplayFramebufferScale;
        viewWidthPx_ = std::max(1, static_cast<int>(std::lround(size.x * fbScale.x)));
        viewHeightPx_ = std::max(1, static_cast<int>(std::lround(size.y * fbScale.y)));
        anatomy.options.pixelScale = uiScale_ * fbScale.x;
        if (leadView_->takeAnatomyRebuilt() && anatomy.patient()) {
            // A new patient: widen the starting view so the structures near the contacts are in it.
            const render::LeadMesh& mesh = leadView_->leadMesh();
            ui_.camera.setHome(render::poseFraming(ui_.camera.home(), mesh.contactsMinZMm, mesh.contactsMaxZMm,
                                                   anatomy.structures(), size.x / size.y));
        }
        // Size the texture now: the draw list keeps its id until the end of the frame.
        leadView_->resize(viewWidthPx_, viewHeightPx_);
        const auto texture = reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(leadView_->colorTexture()));
        ImGui::Image(texture, size, ImVec2(0, 1), ImVec2(1, 0));  // GL textures are bottom-up

        // Mouse: an invisible button over the image takes drags and the wheel.
        ImGui::SetCursorScreenPos(origin);
        ImGui::InvisibleButton("##viewport", size,
                               ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight |
                                   ImGuiButtonFlags_MouseButtonMiddle);
        const ImGuiIO& io = ImGui::GetIO();
        if (ImGui::IsItemActive()) {
            if (ImGui::IsMouseDragging(ImGuiMouseButton_Left, 0.0f)) ui_.camera.orbit(io.MouseDelta.x, io.MouseDelta.y);
            if (ImGui::IsMouseDragging(ImGuiMouseButton_Right, 0.0f) || ImGui::IsMouseDragging(ImGuiMouseButton_Middle, 0.0f)) {
                ui_.camera.pan(io.MouseDelta.x, io.MouseDelta.y, size.y);
            }
        }
        if (ImGui::IsItemHovered()) {
            if (io.MouseWheel != 0.0f) ui_.camera.zoom(io.MouseWheel);
            if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) resetCamera();
            // ImGui 1.86 key indices are GLFW key codes.
            if (!io.WantTextInput && ImGui::IsKeyPressed(GLFW_KEY_R, false)) resetCamera();
        }
        layout_.viewImage = PixelRect{static_cast<int>(std::lround(origin.x * fbScale.x)),
                                      static_cast<int>(std::lround(origin.y * fbScale.y)), viewWidthPx_, viewHeightPx_};
        drawViewOverlay(origin.x, origin.y, size.x, size.y);
    }
    ImGui::End();
    ImGui::PopStyleVar();
}

void GuiApp::drawPlainViewOverlay(float imageX, float imageY, float imageW, float imageH) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->PushClipRect(ImVec2(imageX, imageY), ImVec2(imageX + imageW, imageY + imageH), true);
    const float pad = 8.0f * uiScale_, lineHeight = ImGui::GetTextLineHeight(), swatch = kSwatchWidthPx * uiScale_;
    // What each colour means, in the words of the education panel.
    struct Row {
        Eigen::Vector3f rgb;
        bool line;  ///< a stroke (fibres) rather than a patch
        std::string text;
    };
    std::vector<Row> rows{{render::palette::kCathode, false, "The part of the lead that is switched on"}};
    const render::AnatomyView& anatomy = leadView_->anatomy();
    if (anatomy.patient() && anatomy.options.showFibres) {
        const auto& pathways = anatomy.patient()->anatomy().pathways;
        for (const patient::PathwayRole role : {patient::PathwayRole::Target, patient::PathwayRole::SideEffect}) {
            const auto found = std::find_if(pathways.begin(), pathways.end(), [&](const patient::Pathway& p) { return p.role == role; });
            if (found == pathways.end()) continue;
            rows.push_back({Eigen::Vector3f(found->colour[0], found->colour[1], found->colour[2]), true,
                            role == patient::PathwayRole::Target ? "Nerve paths the setting should calm (bright when reached)"
                                                                  : "Nearby paths: reaching them causes side effects"});
        }
    }
    if (anatomy.patient() && (anatomy.options.showVta || anatomy.options.showField)) {
        // The colour the VTA surface and the slice's contour have at the activation threshold.
        const float threshold = static_cast<float>(anatomy.thresholdVPerMm());
        rows.push_back({render::fieldColour(render::fieldScalePosition(threshold)), false, "How far the stimulation reaches"});
    }
    float textWidth = 0.0f;
    for (const Row& row : rows) textWidth = std::max(textWidth, ImGui::CalcTextSize(row.text.c_str()).x);
    const ImVec2 boxMin(imageX + 10.0f * uiScale_, imageY + 10.0f * uiScale_);
    const ImVec2 boxMax(boxMin.x + 3.0f * pad + swatch + textWidth,
                        boxMin.y + 2.0f * pad + static_cast<float>(rows.size()) * (lineHeight + kLegendRowGapPx));
    draw->AddRectFilled(boxMin, boxMax, kLegendBackdrop, 4.0f);
    float y = boxMin.y + pad;
    for (const Row& row : rows) {
        const float midY = y + 0.5f * lineHeight;
        if (row.line) {
            draw->AddLine(ImVec2(boxMin.x + pad, midY), ImVec2(boxMin.x + pad + swatch, midY), toU32(lifted(row.rgb, 0.35f)),
                          3.0f * uiScale_);
        } else {
            draw->AddRectFilled(ImVec2(boxMin.x + pad, midY - 0.5f * swatch), ImVec2(boxMin.x + pad + swatch, midY + 0.5f * swatch),
                                toU32(row.rgb), 2.0f);
        }
        draw->AddText(ImVec2(boxMin.x + 2.0f * pad + swatch, y), kLegendText, row.text.c_str());
        y += lineHeight + kLegendRowGapPx;
    }
    draw->AddText(ImVec2(imageX + 10.0f * uiScale_, imageY + imageH - lineHeight - 8.0f * uiScale_), IM_COL32(150, 158, 168, 230),
                  "Drag to turn the picture  \xC2\xB7  Wheel to zoom  \xC2\xB7  Double-click to go back");
    draw->PopClipRect();
}

void GuiApp::drawViewOverlay(float imageX, float imageY, float imageW, float imageH) {
    if (ui_.mode == Mode::Patient) {
        drawPlainViewOverlay(imageX, imageY, imageW, imageH);
        return;
    }
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->PushClipRect(ImVec2(imageX, imageY), ImVec2(imageX + imageW, imageY + imageH), true);
    const float pad = 6.0f * uiScale_;
    const float lineHeight = ImGui::GetTextLineHeight();
    const char* minus = fonts_.unicode ? "\xE2\x88\x92" : "-";
    const render::OrbitCamera& camera = ui_.camera;

    // Legend, top-left; drawn last, but its box is known first so labels can keep clear of it.
    const float swatch = lineHeight - 4.0f * uiScale_;
    std::string caseLine;
    if (const device::Program* program = sim_.program(); program && program->monopolar()) {
        const bool caseAnode = sim_.report->caseCurrentMa >= 0.0;
        caseLine = std::string("Case (C): ") + (caseAnode ? "anode (+)" : std::string("cathode (") + minus + ")");
    }
    const std::string cathodeText = std::string("Cathode (") + minus + ")";
    const char* legendRows[] = {cathodeText.c_str(), "Anode (+)", "Off"};
    const Eigen::Vector3f legendSwatches[] = {render::palette::kCathode, render::palette::kAnode,
                                              render::palette::kContactOff};
    float legendTextWidth = 0.0f;
    for (const char* row : legendRows) legendTextWidth = std::max(legendTextWidth, ImGui::CalcTextSize(row).x);
    if (!caseLine.empty()) legendTextWidth = std::max(legendTextWidth, ImGui::CalcTextSize(caseLine.c_str()).x - swatch - pad);
    const int legendRowCount = caseLine.empty() ? 3 : 4;
    const ImVec2 legendMin(imageX + 10.0f * uiScale_, imageY + 10.0f * uiScale_);
    const ImVec2 legendMax(legendMin.x + legendTextWidth + swatch + 3.0f * pad,
                           legendMin.y + static_cast<float>(legendRowCount) * (lineHeight + 2.0f) + 1.5f * pad);
    auto clearOfLegend = [&](float left, float right, float centreY) {
        const bool overlapsX = left < legendMax.x + pad && right > legendMin.x - pad;
        const float lowest = legendMax.y + 0.5f * lineHeight + pad;
        return overlapsX && centreY < lowest ? lowest : centreY;
    };

    // Anatomy: its legend bottom-right (above the hint line if they would meet), structure names at
    // the sides. Drawn before the contact labels, which sit on top near the lead.
    const std::string hint = std::string("Drag: rotate  \xC2\xB7  Right-drag: pan  \xC2\xB7  Wheel: zoom") +
                             (ui_.showGrid ? "  \xC2\xB7  Grid: 1 mm" : "");
    const render::AnatomyView& anatomy = leadView_->anatomy();
    AnatomyOverlayFrame frame;
    LegendBox fibreBox, fieldBox;
    if (anatomy.patient()) {
        frame.draw = draw;
        frame.imageMin = ImVec2(imageX, imageY);
        frame.imageMax = ImVec2(imageX + imageW, imageY + imageH);
        frame.uiScale = uiScale_;
        frame.lineHeight = lineHeight;
        frame.ellipsis = fonts_.unicode ? "\xE2\x80\xA6" : "...";
        const Eigen::Vector3f axisPoint(0.0f, 0.0f, camera.pose().targetMm.z());
        const auto axis = camera.project(axisPoint, imageW, imageH);
        const auto edge = camera.project(axisPoint + leadView_->leadMesh().radiusMm * camera.right(), imageW, imageH);
        frame.axisX = axis ? imageX + axis->x() : imageX + 0.5f * imageW;
        frame.leadRadiusPx = axis && edge ? (*edge - *axis).norm() : 0.0f;
        frame.topClearY = legendMax.y + pad;
        // As the contact labels below place themselves: a gap beyond the lead, then a short name.
        frame.contactLabelsRightPx = frame.axisX + frame.leadRadiusPx + kContactLabelGapPx * uiScale_ +
                                     ImGui::CalcTextSize(kWidestContactLabel).x + pad;
        const render::LeadMesh& leadMesh = leadView_->leadMesh();
        const auto contactsTop = camera.project(Eigen::Vector3f(0, 0, leadMesh.contactsMaxZMm), imageW, imageH);
        const auto contactsBottom = camera.project(Eigen::Vector3f(0, 0, leadMesh.contactsMinZMm), imageW, imageH);
        frame.contactsTopY = imageY + (contactsTop ? contactsTop->y() : 0.0f);
        frame.contactsBottomY = imageY + (contactsBottom ? contactsBottom->y() : imageH);
        const float hintRight = imageX + 10.0f * uiScale_ + ImGui::CalcTextSize(hint.c_str()).x;
        const float hintTop = imageY + imageH - lineHeight - 8.0f * uiScale_;
        if (anatomy.options.showFibres) fibreBox = fibreLegendBox(frame, anatomy.patient()->anatomy());
        if (anatomy.options.showField) fieldBox = fieldLegendBox(frame, hintRight, hintTop);
        if (ui_.showLabels && anatomy.options.showStructures) {
            const float top = fibreBox.visible ? fibreBox.max.y + pad : imageY + pad;
            const float bottom = fieldBox.visible ? fieldBox.min.y - pad : hintTop - pad;
            drawStructureCallouts(frame, anatomy, camera, top, bottom);
        }
    }

    // Contact labels: rings to the right of the lead; visible segments on the side they face.
    if (ui_.showLabels) {
        const render::LeadMesh& mesh = leadView_->leadMesh();
        const auto& states = leadView_->contactStates();
        const Eigen::Vector3f eye = camera.eye();
        std::vector<PlacedLabel> labels;
        for (const render::ContactAnchor& anchor : leadView_->anchors()) {
            const auto axis = camera.project(anchor.axisPointMm, imageW, imageH);
            const auto edge = camera.project(anchor.axisPointMm + mesh.radiusMm * camera.right(), imageW, imageH);
            if (!axis || !edge) continue;
            const float radiusPx = (*edge - *axis).norm();
            PlacedLabel label;
            if (anchor.directional) {
                const Eigen::Vector3f surface = anchor.axisPointMm + mesh.radiusMm * anchor.facing;
                if (anchor.facing.dot((eye - surface).normalized()) < 0.15f) continue;  // turned away
                const auto onSurface = camera.project(surface, imageW, imageH);
                if (!onSurface) continue;
                label.anchor = ImVec2(imageX + onSurface->x(), imageY + onSurface->y());
                label.right = onSurface->x() >= axis->x() - 0.25f * radiusPx;
            } else {
                label.anchor = ImVec2(imageX + axis->x() + radiusPx, imageY + axis->y());
                label.right = true;
            }
            label.y = label.anchor.y;
            const auto index = static_cast<std::size_t>(anchor.contactIndex);
            const render::ContactState state = index < states.size() ? states[index] : render::ContactState::Off;
            const std::string& name = sim_.lead.contacts[index].name;
            if (state == render::ContactState::Cathode) {
                label.text = name + " " + minus;
                label.color = toU32(lifted(render::palette::kCathode, 0.35f));
            } else if (state == render::ContactState::Anode) {
                label.text = name + " +";
                label.color = toU32(lifted(render::palette::kAnode, 0.35f));
            } else {
                label.text = name;
                label.color = IM_COL32(214, 218, 224, 255);
            }
            labels.push_back(label);
        }
        const auto leadAxis = camera.project(Eigen::Vector3f(0, 0, camera.pose().targetMm.z()), imageW, imageH);
        const auto leadEdge = camera.project(Eigen::Vector3f(0, 0, camera.pose().targetMm.z()) +
                                                 mesh.radiusMm * camera.right(), imageW, imageH);
        const float radiusPx = leadAxis && leadEdge ? (*leadEdge - *leadAxis).norm() : 0.0f;
        const float axisX = leadAxis ? imageX + leadAxis->x() : imageX + 0.5f * imageW;
        const float gapPx = radiusPx + kContactLabelGapPx * uiScale_;
        auto labelLeft = [&](const PlacedLabel& label) {
            const float textWidth = ImGui::CalcTextSize(label.text.c_str()).x;
            return label.right ? axisX + gapPx : axisX - gapPx - textWidth;
        };
        // De-overlap each side from top to bottom, below the legend where they share columns.
        for (const bool right : {true, false}) {
            std::vector<PlacedLabel*> side;
            for (PlacedLabel& label : labels) {
                if (label.right == right) side.push_back(&label);
            }
            std::sort(side.begin(), side.end(), [](const PlacedLabel* a, const PlacedLabel* b) { return a->y < b->y; });
            for (std::size_t i = 0; i < side.size(); ++i) {
                const float left = labelLeft(*side[i]);
                side[i]->y = clearOfLegend(left, left + ImGui::CalcTextSize(side[i]->text.c_str()).x, side[i]->y);
                if (i > 0) side[i]->y = std::max(side[i]->y, side[i - 1]->y + lineHeight + 4.0f * uiScale_);
            }
        }
        for (const PlacedLabel& label : labels) {
            const float textWidth = ImGui::CalcTextSize(label.text.c_str()).x;
            const float textX = label.right ? axisX + gapPx : axisX - gapPx - textWidth;
            const ImVec2 lineEnd(label.right ? textX - pad : textX + textWidth + pad, label.y);
            draw->AddLine(label.anchor, lineEnd, IM_COL32(200, 205, 212, 150), 1.0f);
            draw->AddCircleFilled(label.anchor, 2.0f * uiScale_, IM_COL32(230, 232, 236, 220));
            labelWithBackdrop(draw, ImVec2(textX, label.y - 0.5f * lineHeight), label.text.c_str(), label.color,
                              4.0f * uiScale_);
        }
        // Orientation marker, when it faces the viewer.
        if (mesh.hasMarker) {
            const Eigen::Vector3f marker(mesh.radiusMm, 0.0f, 0.5f * (mesh.markerZMinMm + mesh.markerZMaxMm));
            const bool facing = Eigen::Vector3f::UnitX().dot((eye - marker).normalized()) > 0.15f;
            const auto at = camera.project(marker, imageW, imageH);
            if (facing && at) {
                const ImVec2 anchor(imageX + at->x(), imageY + at->y());
                const char* text = "marker (a, +x)";
                const float textX = axisX - gapPx - ImGui::CalcTextSize(text).x;
                const float textY = clearOfLegend(textX, axisX - gapPx, anchor.y);
                draw->AddLine(anchor, ImVec2(axisX - gapPx + pad, textY), IM_COL32(200, 205, 212, 150), 1.0f);
                labelWithBackdrop(draw, ImVec2(textX, textY - 0.5f * lineHeight), text,
                                  toU32(render::palette::kMarker), 4.0f * uiScale_);
            }
        }
        // The +x axis end, so the grid's gold line is named.
        if (ui_.showGrid) {
            const auto xEnd = camera.project(Eigen::Vector3f(leadView_->options.gridHalfSizeMm, 0, 0), imageW, imageH);
            if (xEnd) {
                draw->AddText(ImVec2(imageX + xEnd->x() + 4.0f, imageY + xEnd->y() - 0.5f * lineHeight),
                              toU32(render::palette::kMarker), "+x");
            }
        }
    }

    // Anatomy legends over the labels and the +x mark, like the polarity legend.
    if (fibreBox.visible) drawFibreLegend(frame, fibreBox, anatomy.patient()->anatomy(), sim_.evaluation);
    if (fieldBox.visible) drawFieldLegend(frame, fieldBox, anatomy.thresholdVPerMm());

    draw->AddRectFilled(legendMin, legendMax, IM_COL32(12, 14, 17, 190), 4.0f);
    float rowY = legendMin.y + pad;
    for (int i = 0; i < 3; ++i) {
        const ImVec2 swatchMin(legendMin.x + pad, rowY + 2.0f * uiScale_);
        draw->AddRectFilled(swatchMin, ImVec2(swatchMin.x + swatch, swatchMin.y + swatch), toU32(legendSwatches[i]), 2.0f);
        draw->AddText(ImVec2(swatchMin.x + swatch + pad, rowY), IM_COL32(225, 228, 232, 255), legendRows[i]);
        rowY += lineHeight + 2.0f;
    }
    if (!caseLine.empty()) draw->AddText(ImVec2(legendMin.x + pad, rowY), IM_COL32(170, 176, 184, 255), caseLine.c_str());

    // Hints, bottom-left.
    draw->AddText(ImVec2(imageX + 10.0f * uiScale_, imageY + imageH - lineHeight - 8.0f * uiScale_),
                  IM_COL32(150, 158, 168, 230), hint.c_str());
    draw->PopClipRect();
}

}  // namespace dbsprog::gui
