#pragma once
// Helpers shared by the GUI tests: a hidden-window app and pixel statistics over screen regions.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "gui/gui_app.hpp"
#include "render/readback.hpp"

namespace dbsprog::gui::testing {

inline GuiAppOptions hiddenWindow(int widthPx = 1280, int heightPx = 800) {
    GuiAppOptions options;
    options.modelsDir = DBSPROG_TEST_MODELS_DIR;
    options.visible = false;
    options.vsync = false;
    options.widthPx = widthPx;
    options.heightPx = heightPx;
    return options;
}

struct Rgb {
    int r, g, b;
    double luma() const { return 0.299 * r + 0.587 * g + 0.114 * b; }
};

inline Rgb pixelAt(const render::Image& image, int x, int y) {
    const std::uint8_t* p = image.pixel(x, y);
    return {p[0], p[1], p[2]};
}

/// The cathode red as the lit lead shows it: red clearly dominant, at any shading.
inline bool isCathodeRed(const Rgb& c) { return c.r > 110 && c.r > 3 * c.g && c.r > 3 * c.b; }
/// Silver of an unused contact, or the lit grey shaft: neutral and well above the background.
inline bool isLeadGrey(const Rgb& c) {
    const int hi = std::max({c.r, c.g, c.b}), lo = std::min({c.r, c.g, c.b});
    return hi > 90 && hi - lo < 40;
}
/// The red of error text (colors::kDanger) on the panel.
inline bool isErrorRed(const Rgb& c) { return c.r > 170 && c.g < 130 && c.b < 130 && c.r > c.g + 80; }

struct RegionStats {
    long pixels = 0;
    long cathodeRed = 0;
    long leadGrey = 0;
    long errorRed = 0;
    long sharpEdges = 0;  ///< horizontal neighbours differing by > 60 in luma: text strokes
    double lumaMean = 0.0;
    double lumaVariance = 0.0;
};

inline RegionStats regionStats(const render::Image& image, const PixelRect& rect) {
    RegionStats s;
    const int x0 = std::clamp(rect.x, 0, image.width), x1 = std::clamp(rect.x + rect.width, 0, image.width);
    const int y0 = std::clamp(rect.y, 0, image.height), y1 = std::clamp(rect.y + rect.height, 0, image.height);
    double sum = 0.0, sumSquares = 0.0;
    for (int y = y0; y < y1; ++y) {
        double previous = -1.0;
        for (int x = x0; x < x1; ++x) {
            const Rgb c = pixelAt(image, x, y);
            const double l = c.luma();
            ++s.pixels;
            sum += l;
            sumSquares += l * l;
            if (isCathodeRed(c)) ++s.cathodeRed;
            if (isLeadGrey(c)) ++s.leadGrey;
            if (isErrorRed(c)) ++s.errorRed;
            if (previous >= 0.0 && std::abs(l - previous) > 60.0) ++s.sharpEdges;
            previous = l;
        }
    }
    if (s.pixels > 0) {
        s.lumaMean = sum / static_cast<double>(s.pixels);
        s.lumaVariance = sumSquares / static_cast<double>(s.pixels) - s.lumaMean * s.lumaMean;
    }
    return s;
}

/// The middle of the 3D view, clear of the legend (top-left) and the hint line (bottom).
inline PixelRect viewCentre(const PixelRect& view) {
    return {view.x + view.width / 4, view.y + view.height / 8, view.width / 2, view.height * 3 / 4};
}

}  // namespace dbsprog::gui::testing
