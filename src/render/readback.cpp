#include "render/readback.hpp"

#include <algorithm>
#include <cstring>

namespace dbsprog::render {

Image readFramebufferRgba(GLuint framebuffer, int x, int y, int widthPx, int heightPx) {
    Image image;
    if (widthPx <= 0 || heightPx <= 0) return image;
    image.width = widthPx;
    image.height = heightPx;
    image.rgba.resize(static_cast<std::size_t>(widthPx) * heightPx * 4);

    GLint previousRead = 0;
    glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &previousRead);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, framebuffer);
    glReadBuffer(framebuffer == 0 ? GL_BACK : GL_COLOR_ATTACHMENT0);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);  // rows are tightly packed in our buffer
    glReadPixels(x, y, widthPx, heightPx, GL_RGBA, GL_UNSIGNED_BYTE, image.rgba.data());
    glBindFramebuffer(GL_READ_FRAMEBUFFER, static_cast<GLuint>(previousRead));

    // GL's first row is the bottom one.
    const std::size_t rowBytes = static_cast<std::size_t>(widthPx) * 4;
    std::vector<std::uint8_t> row(rowBytes);
    for (int top = 0, bottom = heightPx - 1; top < bottom; ++top, --bottom) {
        std::uint8_t* a = image.rgba.data() + top * rowBytes;
        std::uint8_t* b = image.rgba.data() + bottom * rowBytes;
        std::memcpy(row.data(), a, rowBytes);
        std::memcpy(a, b, rowBytes);
        std::memcpy(b, row.data(), rowBytes);
    }
    return image;
}

Image readDefaultFramebufferRgba(int widthPx, int heightPx) { return readFramebufferRgba(0, 0, 0, widthPx, heightPx); }

}  // namespace dbsprog::render
