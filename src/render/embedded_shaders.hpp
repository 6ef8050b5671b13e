#pragma once
/// Shader sources from shaders/, embedded at build time (embed_shaders.cmake).
#include <string_view>
#include <vector>

namespace dbsprog::render {

struct EmbeddedShader {
    std::string_view name;    ///< file name, e.g. "lead.frag"
    std::string_view source;  ///< the file's text
};

/// Every embedded shader, sorted by file name. Defined in the generated source.
const std::vector<EmbeddedShader>& embeddedShaders();

/// The source of shader file `name`; throws std::runtime_error listing the embedded names.
std::string_view embeddedShader(std::string_view name);

}  // namespace dbsprog::render
