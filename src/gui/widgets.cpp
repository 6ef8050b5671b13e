#include "gui/widgets.hpp"

#include <algorithm>
#include <vector>

#include "gui/gui_state.hpp"
#include "gui/theme.hpp"

namespace dbsprog::gui {

/// Text wrapped at spaces only. ImGui 1.86 also breaks after '.', which splits numbers ("1." / "5");
/// a single word longer than the line still falls back to ImGui's own wrapping.
void wrappedText(const std::string& text) {
    const float width = std::max(ImGui::GetContentRegionAvail().x, 1.0f);
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        const std::string paragraph = text.substr(start, end - start);
        std::string line;
        std::size_t at = 0;
        while (at <= paragraph.size()) {
            const std::size_t space = std::min(paragraph.find(' ', at), paragraph.size());
            const std::string word = paragraph.substr(at, space - at);
            const std::string candidate = line.empty() ? word : line + " " + word;
            if (line.empty() || ImGui::CalcTextSize(candidate.c_str()).x <= width) {
                line = candidate;
            } else {
                lines.push_back(line);
                line = word;
            }
            at = space + 1;
        }
        lines.push_back(line);
        start = end + 1;
    }
    // Lines of one paragraph sit closer together than separate items.
    const ImVec2 spacing = ImGui::GetStyle().ItemSpacing;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const bool last = i + 1 == lines.size();
        if (!last) ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(spacing.x, 1.0f));
        if (ImGui::CalcTextSize(lines[i].c_str()).x <= width) {
            ImGui::TextUnformatted(lines[i].c_str());
        } else {
            ImGui::PushTextWrapPos(0.0f);
            ImGui::TextUnformatted(lines[i].c_str());
            ImGui::PopTextWrapPos();
        }
        if (!last) ImGui::PopStyleVar();
    }
}

void wrappedColored(const ImVec4& color, const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    wrappedText(text);
    ImGui::PopStyleColor();
}

/// One "label   value" row of a two-column info table.
void infoRow(const char* label, const std::string& value, const ImVec4* valueColor) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::TextColored(colors::kLabel, "%s", label);
    ImGui::TableSetColumnIndex(1);
    if (valueColor) ImGui::PushStyleColor(ImGuiCol_Text, *valueColor);
    wrappedText(value);
    if (valueColor) ImGui::PopStyleColor();
}

bool beginInfoTable(const char* id, float labelWidth) {
    if (!ImGui::BeginTable(id, 2, ImGuiTableFlags_SizingFixedFit)) return false;
    ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthFixed, labelWidth);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    return true;
}

PixelRect lastItemRect() {
    const ImVec2 min = ImGui::GetItemRectMin(), size = ImGui::GetItemRectSize();
    return PixelRect{static_cast<int>(min.x), static_cast<int>(min.y), static_cast<int>(size.x), static_cast<int>(size.y)};
}

float cellHeightLeft() { return std::max(0.0f, ImGui::GetContentRegionAvail().y - ImGui::GetStyle().CellPadding.y); }

bool beginFixedPanel(const char* name, float x, float y, float width, float height, ImGuiWindowFlags extraFlags) {
    ImGui::SetNextWindowPos(ImVec2(x, y));
    ImGui::SetNextWindowSize(ImVec2(width, height));
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                   ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoBackground | extraFlags;
    return ImGui::Begin(name, nullptr, flags);
}

bool sectionHeader(const char* label, ImFont* font) {
    ImGui::PushFont(font);
    const bool open = ImGui::CollapsingHeader(label, ImGuiTreeNodeFlags_DefaultOpen);
    ImGui::PopFont();
    return open;
}

}  // namespace dbsprog::gui
