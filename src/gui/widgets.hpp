#pragma once
// Small ImGui building blocks shared by the window's panels.
#include <imgui.h>

#include <string>

namespace dbsprog::gui {

/// Text wrapped at spaces only (ImGui 1.86 also breaks after '.', which splits numbers).
void wrappedText(const std::string& text);
void wrappedColored(const ImVec4& color, const std::string& text);
/// One "label   value" row of a two-column table.
void infoRow(const char* label, const std::string& value, const ImVec4* valueColor = nullptr);
/// Begins a window that fills a fixed rectangle of the layout: no title, no moving or resizing;
/// `extraFlags` are added. Call ImGui::End() afterwards whatever it returns.
/// A two-column table of infoRow()s: labels in a fixed-width column, values wrapping in the rest.
/// Call ImGui::EndTable() when it returns true.
bool beginInfoTable(const char* id, float labelWidth);
/// The last item's rectangle, screen coordinates (for FrameLayout::widgets).
struct PixelRect;
PixelRect lastItemRect();
/// Height left in the current table cell down to the window's bottom edge, leaving the cell's own
/// bottom padding, so filling it does not make the window scroll.
float cellHeightLeft();

bool beginFixedPanel(const char* name, float x, float y, float width, float height, ImGuiWindowFlags extraFlags = 0);
/// A collapsing section header in `font`, open by default; returns whether it is open.
bool sectionHeader(const char* label, ImFont* font);

}  // namespace dbsprog::gui
