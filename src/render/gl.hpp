#pragma once
/// The one place the renderer and GUI get OpenGL declarations from (libepoxy resolves entry
/// points per context, so no explicit loader initialisation is needed).
#include <epoxy/gl.h>

#include <string>
#include <vector>

namespace dbsprog::render {

/// Drains the context's error queue; empty means no GL error since the last call.
std::vector<GLenum> takeGlErrors();

/// "GL_INVALID_OPERATION" etc.
std::string glErrorName(GLenum error);

/// The context's GL_VERSION and GL_RENDERER strings, for the status bar and logs.
std::string glVersionString();
std::string glRendererString();

}  // namespace dbsprog::render
