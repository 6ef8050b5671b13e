#include "gui/theme.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace dbsprog::gui {
namespace {

constexpr float kBaseFontPx = 15.0f;
constexpr float kHeadingFontPx = 18.0f;

std::string findFont(const char* fileName) {
    const std::vector<std::string> folders = {
        "/usr/share/fonts/truetype/dejavu",  // Debian, Ubuntu
        "/usr/share/fonts/dejavu",           // Fedora
        "/usr/share/fonts/TTF",              // Arch
        "/usr/local/share/fonts",
        "/usr/share/fonts/dejavu-sans-fonts",
    };
    for (const std::string& folder : folders) {
        const std::filesystem::path path = std::filesystem::path(folder) / fileName;
        std::error_code error;
        if (std::filesystem::is_regular_file(path, error)) return path.string();
    }
    return {};
}

// Latin-1 (µ, ², °), Greek (Ω), dashes and the minus sign, arrows, geometric shapes (■ ▲).
const ImWchar kGlyphRanges[] = {0x0020, 0x00FF, 0x0391, 0x03C9, 0x2010, 0x2027, 0x2190, 0x2195,
                                0x2212, 0x2212, 0x2248, 0x2248, 0x2264, 0x2265, 0x25A0, 0x25CF, 0};

}  // namespace

Fonts loadFonts(float scale) {
    ImGuiIO& io = ImGui::GetIO();
    Fonts fonts;
    const std::string regular = findFont("DejaVuSans.ttf");
    const std::string bold = findFont("DejaVuSans-Bold.ttf");
    if (!regular.empty()) {
        ImFontConfig config;
        config.OversampleH = 2;
        config.OversampleV = 2;
        fonts.regular = io.Fonts->AddFontFromFileTTF(regular.c_str(), kBaseFontPx * scale, &config, kGlyphRanges);
        const std::string& boldPath = bold.empty() ? regular : bold;
        fonts.bold = io.Fonts->AddFontFromFileTTF(boldPath.c_str(), kBaseFontPx * scale, &config, kGlyphRanges);
        fonts.heading = io.Fonts->AddFontFromFileTTF(boldPath.c_str(), kHeadingFontPx * scale, &config, kGlyphRanges);
        fonts.unicode = fonts.regular && fonts.bold && fonts.heading;
    }
    if (!fonts.unicode) {
        io.Fonts->Clear();
        ImFontConfig config;
        config.SizePixels = 13.0f * scale;
        fonts.regular = io.Fonts->AddFontDefault(&config);
        fonts.bold = fonts.regular;
        fonts.heading = fonts.regular;
    }
    io.FontDefault = fonts.regular;
    return fonts;
}

void applyTheme(float scale) {
    ImGuiStyle& style = ImGui::GetStyle();
    style = ImGuiStyle();
    ImGui::StyleColorsDark(&style);

    style.WindowPadding = ImVec2(12, 10);
    style.FramePadding = ImVec2(7, 4);
    style.ItemSpacing = ImVec2(8, 5);
    style.ItemInnerSpacing = ImVec2(6, 4);
    style.CellPadding = ImVec2(6, 2);
    style.IndentSpacing = 16;
    style.ScrollbarSize = 12;
    style.WindowRounding = 0;
    style.ChildRounding = 3;
    style.FrameRounding = 3;
    style.GrabRounding = 3;
    style.PopupRounding = 3;
    style.TabRounding = 3;
    style.WindowBorderSize = 1;
    style.FrameBorderSize = 0;
    style.GrabMinSize = 8;
    style.ScaleAllSizes(scale);

    ImVec4* c = style.Colors;
    c[ImGuiCol_Text] = ImVec4(0.92f, 0.93f, 0.94f, 1.00f);
    c[ImGuiCol_TextDisabled] = ImVec4(0.50f, 0.54f, 0.58f, 1.00f);
    c[ImGuiCol_WindowBg] = ImVec4(0.115f, 0.125f, 0.140f, 1.00f);
    c[ImGuiCol_ChildBg] = ImVec4(0.095f, 0.105f, 0.120f, 1.00f);
    c[ImGuiCol_PopupBg] = ImVec4(0.10f, 0.11f, 0.13f, 0.98f);
    c[ImGuiCol_ModalWindowDimBg] = ImVec4(0.0f, 0.0f, 0.0f, 0.45f);  // darken behind a modal, not a grey wash
    c[ImGuiCol_Border] = ImVec4(0.22f, 0.25f, 0.28f, 1.00f);
    c[ImGuiCol_FrameBg] = ImVec4(0.17f, 0.19f, 0.22f, 1.00f);
    c[ImGuiCol_FrameBgHovered] = ImVec4(0.21f, 0.24f, 0.28f, 1.00f);
    c[ImGuiCol_FrameBgActive] = ImVec4(0.24f, 0.28f, 0.32f, 1.00f);
    c[ImGuiCol_TitleBg] = ImVec4(0.085f, 0.095f, 0.11f, 1.00f);
    c[ImGuiCol_TitleBgActive] = ImVec4(0.085f, 0.095f, 0.11f, 1.00f);
    c[ImGuiCol_TitleBgCollapsed] = ImVec4(0.085f, 0.095f, 0.11f, 1.00f);
    c[ImGuiCol_MenuBarBg] = ImVec4(0.09f, 0.10f, 0.115f, 1.00f);
    c[ImGuiCol_ScrollbarBg] = ImVec4(0.10f, 0.11f, 0.12f, 1.00f);
    c[ImGuiCol_CheckMark] = ImVec4(0.45f, 0.80f, 0.88f, 1.00f);
    c[ImGuiCol_SliderGrab] = ImVec4(0.30f, 0.55f, 0.62f, 1.00f);
    c[ImGuiCol_SliderGrabActive] = ImVec4(0.46f, 0.78f, 0.86f, 1.00f);
    c[ImGuiCol_Button] = ImVec4(0.19f, 0.31f, 0.36f, 1.00f);
    c[ImGuiCol_ButtonHovered] = ImVec4(0.25f, 0.42f, 0.49f, 1.00f);
    c[ImGuiCol_ButtonActive] = ImVec4(0.30f, 0.51f, 0.59f, 1.00f);
    c[ImGuiCol_Header] = ImVec4(0.16f, 0.26f, 0.30f, 1.00f);
    c[ImGuiCol_HeaderHovered] = ImVec4(0.20f, 0.33f, 0.39f, 1.00f);
    c[ImGuiCol_HeaderActive] = ImVec4(0.24f, 0.40f, 0.47f, 1.00f);
    c[ImGuiCol_Separator] = ImVec4(0.22f, 0.25f, 0.28f, 1.00f);
    c[ImGuiCol_TableHeaderBg] = ImVec4(0.15f, 0.18f, 0.21f, 1.00f);
    c[ImGuiCol_TableBorderStrong] = ImVec4(0.24f, 0.27f, 0.30f, 1.00f);
    c[ImGuiCol_TableBorderLight] = ImVec4(0.19f, 0.21f, 0.24f, 1.00f);
    c[ImGuiCol_TableRowBg] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_TableRowBgAlt] = ImVec4(1, 1, 1, 0.03f);
    c[ImGuiCol_TextSelectedBg] = ImVec4(0.30f, 0.55f, 0.65f, 0.45f);
}

}  // namespace dbsprog::gui
