#include "render/gl_objects.hpp"

#include <sstream>

#include "render/gl.hpp"

namespace dbsprog::render {

GLuint BufferTraits::create() {
    GLuint id = 0;
    glGenBuffers(1, &id);
    return id;
}
void BufferTraits::destroy(GLuint id) { glDeleteBuffers(1, &id); }

GLuint VertexArrayTraits::create() {
    GLuint id = 0;
    glGenVertexArrays(1, &id);
    return id;
}
void VertexArrayTraits::destroy(GLuint id) { glDeleteVertexArrays(1, &id); }

GLuint TextureTraits::create() {
    GLuint id = 0;
    glGenTextures(1, &id);
    return id;
}
void TextureTraits::destroy(GLuint id) { glDeleteTextures(1, &id); }

GLuint FramebufferTraits::create() {
    GLuint id = 0;
    glGenFramebuffers(1, &id);
    return id;
}
void FramebufferTraits::destroy(GLuint id) { glDeleteFramebuffers(1, &id); }

GLuint RenderbufferTraits::create() {
    GLuint id = 0;
    glGenRenderbuffers(1, &id);
    return id;
}
void RenderbufferTraits::destroy(GLuint id) { glDeleteRenderbuffers(1, &id); }

GLuint ShaderTraits::create(GLenum stage) { return glCreateShader(stage); }
void ShaderTraits::destroy(GLuint id) { glDeleteShader(id); }

GLuint ProgramTraits::create() { return glCreateProgram(); }
void ProgramTraits::destroy(GLuint id) { glDeleteProgram(id); }

std::vector<GLenum> takeGlErrors() {
    std::vector<GLenum> errors;
    // Bounded: a lost context can report GL_CONTEXT_LOST forever.
    for (int i = 0; i < 32; ++i) {
        const GLenum error = glGetError();
        if (error == GL_NO_ERROR) break;
        errors.push_back(error);
    }
    return errors;
}

std::string glErrorName(GLenum error) {
    switch (error) {
        case GL_NO_ERROR: return "GL_NO_ERROR";
        case GL_INVALID_ENUM: return "GL_INVALID_ENUM";
        case GL_INVALID_VALUE: return "GL_INVALID_VALUE";
        case GL_INVALID_OPERATION: return "GL_INVALID_OPERATION";
        case GL_INVALID_FRAMEBUFFER_OPERATION: return "GL_INVALID_FRAMEBUFFER_OPERATION";
        case GL_OUT_OF_MEMORY: return "GL_OUT_OF_MEMORY";
        default: {
            std::ostringstream out;
            out << "GL error 0x" << std::hex << error;
            return out.str();
        }
    }
}

namespace {
std::string glString(GLenum name) {
    const auto* text = reinterpret_cast<const char*>(glGetString(name));
    return text ? std::string(text) : std::string("unknown");
}
}  // namespace

std::string glVersionString() { return glString(GL_VERSION); }
std::string glRendererString() { return glString(GL_RENDERER); }

}  // namespace dbsprog::render
