#pragma once
/// Fonts and colours of the programmer window.
#include <imgui.h>

namespace dbsprog::gui {

struct Fonts {
    ImFont* regular = nullptr;
    ImFont* bold = nullptr;
    ImFont* heading = nullptr;  ///< larger bold, for the case title
    /// A font with Greek and typographic glyphs (Ω, µ, −) was found; otherwise ImGui's built-in
    /// font is used and units are spelled in ASCII ("ohm").
    bool unicode = false;
};

/// Loads DejaVu Sans from the usual system font folders (Debian: fonts-dejavu-core), at `scale`
/// times the base size; falls back to ImGui's built-in font. Call before the first frame.
Fonts loadFonts(float scale);

/// Dark slate theme with a teal accent; sizes multiplied by `scale`.
void applyTheme(float scale);

/// Colours with a meaning, used by every panel.
namespace colors {
inline const ImVec4 kLabel{0.60f, 0.65f, 0.70f, 1.0f};    ///< field names beside values
inline const ImVec4 kMuted{0.52f, 0.56f, 0.61f, 1.0f};    ///< hints
inline const ImVec4 kCaution{0.98f, 0.71f, 0.22f, 1.0f};  ///< amber: warn, do not refuse
inline const ImVec4 kDanger{0.97f, 0.36f, 0.33f, 1.0f};   ///< red: refused, or damage threshold
inline const ImVec4 kOk{0.47f, 0.80f, 0.50f, 1.0f};
inline const ImVec4 kAccent{0.42f, 0.78f, 0.86f, 1.0f};
}  // namespace colors

}  // namespace dbsprog::gui
