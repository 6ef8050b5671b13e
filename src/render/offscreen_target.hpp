#pragma once
/// A framebuffer object the 3D view renders into, so the GUI can show it as an image in a panel.
/// With multisampling it draws into multisampled renderbuffers and resolves into a plain texture.
#include "render/gl_objects.hpp"
#include "render/readback.hpp"

namespace dbsprog::render {

class OffscreenTarget {
public:
    /// (Re)allocates storage when the size or sample count changes; cheap when nothing changed.
    /// `samples` <= 1 disables multisampling; it is clamped to what the driver offers.
    /// Throws std::runtime_error if the driver rejects the framebuffer.
    void resize(int widthPx, int heightPx, int samples);

    /// Binds the framebuffer to draw into and sets the viewport to cover it.
    void bindForDrawing() const;
    /// Copies the multisampled image into the texture (no-op without multisampling) and rebinds
    /// the window's framebuffer.
    void resolve() const;

    /// Stretches this target's resolved image over all of `destination`'s (bilinear) and rebinds
    /// the window's framebuffer.
    void stretchInto(const OffscreenTarget& destination) const;

    GLuint colorTexture() const { return colorTexture_.id(); }
    int widthPx() const { return widthPx_; }
    int heightPx() const { return heightPx_; }
    int samples() const { return samples_; }
    bool valid() const { return static_cast<bool>(resolveFramebuffer_); }

    /// The resolved image, rows top-down.
    Image readPixels() const;

private:
    int widthPx_ = 0;
    int heightPx_ = 0;
    int samples_ = 0;
    int requestedSamples_ = -1;

    Framebuffer resolveFramebuffer_;  ///< colour texture (+ depth when not multisampled)
    Texture colorTexture_;
    Renderbuffer resolveDepth_;
    Framebuffer msaaFramebuffer_;
    Renderbuffer msaaColor_;
    Renderbuffer msaaDepth_;
};

}  // namespace dbsprog::render
