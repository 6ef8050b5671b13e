// The 3D view panel: toolbar, the offscreen-rendered lead as an image, mouse camera control, and
// the overlay (legend, contact labels, hints) drawn over the image.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "gui/gui_app.hpp"
#include "gui/text_format.hpp"
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

}  // namespace

void GuiApp::drawViewPanel(float x, float y, float width, float height) {
    ImGui::SetNextWindowPos(ImVec2(x, y));
    ImGui::SetNextWindowSize(ImVec2(width, height));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(8.0f * uiScale_, 8.0f * uiScale_));
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                   ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                   ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse |
                                   ImGuiWindowFlags_NoBringToFrontOnFocus;
    if (ImGui::Begin("Lead view", nullptr, flags)) {
        // Toolbar: view controls left; the lead's name right, shortened when space runs out.
        ImGui::AlignTextToFramePadding();
        if (ImGui::Button("Reset view")) resetCamera();
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Back to the starting view (also: double-click, or R)");
        ImGui::SameLine();
        if (ImGui::Button(sim_.lead.directional ? "Face a (+x)" : "Front (+x)")) ui_.camera.setDirection(0.0f, 5.0f);
        ImGui::SameLine();
        if (ImGui::Button("Side (+y)")) ui_.camera.setDirection(90.0f, 5.0f);
        ImGui::SameLine(0.0f, 2.0f * ImGui::GetStyle().ItemSpacing.x);
        ImGui::Checkbox("Labels", &ui_.showLabels);
        ImGui::SameLine();
        ImGui::Checkbox("Grid", &ui_.showGrid);
        ImGui::SameLine(0.0f, 2.0f * ImGui::GetStyle().ItemSpacing.x);
        {
            const float right = ImGui::GetWindowContentRegionMax().x;
            const float available = right - ImGui::GetCursorPosX();
            std::string name = sim_.lead.displayName;
            ImGui::PushFont(fonts_.bold);
            const char* ellipsis = fonts_.unicode ? "\xE2\x80\xA6" : "...";
            if (ImGui::CalcTextSize(name.c_str()).x > available) {
                // Drop whole UTF-8 characters until the name and an ellipsis fit.
                while (!name.empty() && ImGui::CalcTextSize((name + ellipsis).c_str()).x > available) {
                    name.pop_back();
                    while (!name.empty() && (static_cast<unsigned char>(name.back()) & 0xC0) == 0x80) name.pop_back();
                }
                while (!name.empty() && name.back() == ' ') name.pop_back();
                name += ellipsis;
            }
            ImGui::SetCursorPosX(right - ImGui::CalcTextSize(name.c_str()).x);
            ImGui::TextUnformatted(name.c_str());
            ImGui::PopFont();
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s \xE2\x80\x94 lead frame, mm", sim_.lead.displayName.c_str());
        }

        // The image fills the rest of the panel.
        const ImVec2 origin = ImGui::GetCursorScreenPos();
        const ImVec2 size(std::max(ImGui::GetContentRegionAvail().x, 1.0f), std::max(ImGui::GetContentRegionAvail().y, 1.0f));
        const ImVec2 fbScale = ImGui::GetIO().DisplayFramebufferScale;
        viewWidthPx_ = std::max(1, static_cast<int>(std::lround(size.x * fbScale.x)));
        viewHeightPx_ = std::max(1, static_cast<int>(std::lround(size.y * fbScale.y)));
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

void GuiApp::drawViewOverlay(float imageX, float imageY, float imageW, float imageH) {
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
        const float gapPx = radiusPx + 28.0f * uiScale_;
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
    const std::string hint = std::string("Drag: rotate  \xC2\xB7  Right-drag: pan  \xC2\xB7  Wheel: zoom") +
                             (ui_.showGrid ? "  \xC2\xB7  Grid: 1 mm" : "");
    draw->AddText(ImVec2(imageX + 10.0f * uiScale_, imageY + imageH - lineHeight - 8.0f * uiScale_),
                  IM_COL32(150, 158, 168, 230), hint.c_str());
    draw->PopClipRect();
}

}  // namespace dbsprog::gui
