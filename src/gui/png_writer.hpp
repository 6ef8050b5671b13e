#pragma once
#include <string>

#include "render/readback.hpp"

namespace dbsprog::gui {

/// Writes an RGBA image (rows top-down) as PNG; throws dbsprog::InputError naming the path if
/// the file cannot be written.
void writePng(const std::string& path, const render::Image& image);

}  // namespace dbsprog::gui
