#pragma once
/// Move-only RAII owners of OpenGL objects. Each deletes its object when it goes out of scope,
/// so the context that created it must still be current then (GuiApp destroys the renderer
/// before the window).
#include <utility>

#include "render/gl.hpp"

namespace dbsprog::render {

template <typename Traits>
class GlObject {
public:
    GlObject() = default;
    /// Creates a new object; arguments go to the GL create call (e.g. the shader stage).
    template <typename... Args>
    static GlObject create(Args&&... args) {
        return GlObject(Traits::create(std::forward<Args>(args)...));
    }

    ~GlObject() { reset(); }
    GlObject(const GlObject&) = delete;
    GlObject& operator=(const GlObject&) = delete;
    GlObject(GlObject&& other) noexcept : id_(std::exchange(other.id_, 0)) {}
    GlObject& operator=(GlObject&& other) noexcept {
        if (this != &other) {
            reset();
            id_ = std::exchange(other.id_, 0);
        }
        return *this;
    }

    GLuint id() const { return id_; }
    explicit operator bool() const { return id_ != 0; }
    void reset() {
        if (id_ != 0) Traits::destroy(id_);
        id_ = 0;
    }

private:
    explicit GlObject(GLuint id) : id_(id) {}
    GLuint id_ = 0;
};

struct BufferTraits {
    static GLuint create();
    static void destroy(GLuint id);
};
struct VertexArrayTraits {
    static GLuint create();
    static void destroy(GLuint id);
};
struct TextureTraits {
    static GLuint create();
    static void destroy(GLuint id);
};
struct FramebufferTraits {
    static GLuint create();
    static void destroy(GLuint id);
};
struct RenderbufferTraits {
    static GLuint create();
    static void destroy(GLuint id);
};
struct ShaderTraits {
    static GLuint create(GLenum stage);
    static void destroy(GLuint id);
};
struct ProgramTraits {
    static GLuint create();
    static void destroy(GLuint id);
};

using Buffer = GlObject<BufferTraits>;
using VertexArray = GlObject<VertexArrayTraits>;
using Texture = GlObject<TextureTraits>;
using Framebuffer = GlObject<FramebufferTraits>;
using Renderbuffer = GlObject<RenderbufferTraits>;
using Shader = GlObject<ShaderTraits>;
using Program = GlObject<ProgramTraits>;

}  // namespace dbsprog::render
