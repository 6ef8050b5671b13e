#pragma once
/// Reading rendered pixels back to the CPU, for screenshots and pixel-statistics tests.
#include <cstdint>
#include <vector>

#include "render/gl.hpp"

namespace dbsprog::render {

/// 8-bit RGBA pixels, rows top to bottom (as image files store them, unlike GL's bottom-up rows).
struct Image {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgba;

    bool empty() const { return width <= 0 || height <= 0; }
    const std::uint8_t* pixel(int x, int y) const { return rgba.data() + (static_cast<std::size_t>(y) * width + x) * 4; }
};

/// Reads colour attachment 0 of `framebuffer` (0 = the window's back buffer), the rectangle with
/// lower-left corner (x, y) in GL pixel coordinates; returns it with rows flipped to top-down.
Image readFramebufferRgba(GLuint framebuffer, int x, int y, int widthPx, int heightPx);

/// The whole back buffer of the window whose context is current. Call after drawing and before
/// swapping buffers: after the swap the back buffer's contents are undefined.
Image readDefaultFramebufferRgba(int widthPx, int heightPx);

}  // namespace dbsprog::render
