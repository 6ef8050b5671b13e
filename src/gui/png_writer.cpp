#include "gui/png_writer.hpp"

#include "dbsprog/error.hpp"

#include <stb/stb_image_write.h>

namespace dbsprog::gui {

void writePng(const std::string& path, const render::Image& image) {
    if (image.empty()) throw InputError(path, "image", "empty", "a rendered frame of at least 1x1 pixels");
    const int ok = stbi_write_png(path.c_str(), image.width, image.height, 4, image.rgba.data(), image.width * 4);
    if (ok == 0) throw InputError(path, "file", "", "a writable path for the PNG screenshot");
}

}  // namespace dbsprog::gui
