#include "render/offscreen_target.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace dbsprog::render {
namespace {

void requireComplete(const char* what) {
    const GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
    if (status != GL_FRAMEBUFFER_COMPLETE) {
        throw std::runtime_error(std::string("offscreen ") + what + " framebuffer incomplete (status " +
                                 std::to_string(status) + ")");
    }
}

}  // namespace

void OffscreenTarget::resize(int widthPx, int heightPx, int samples) {
    widthPx = std::max(widthPx, 1);
    heightPx = std::max(heightPx, 1);
    if (valid() && widthPx == widthPx_ && heightPx == heightPx_ && samples == requestedSamples_) return;

    GLint maxSamples = 0;
    glGetIntegerv(GL_MAX_SAMPLES, &maxSamples);
    const int effectiveSamples = samples > 1 ? std::min(samples, static_cast<int>(maxSamples)) : 0;

    widthPx_ = widthPx;
    heightPx_ = heightPx;
    requestedSamples_ = samples;
    samples_ = effectiveSamples > 1 ? effectiveSamples : 0;

    // Resolve target: a texture the GUI samples.
    resolveFramebuffer_ = Framebuffer::create();
    colorTexture_ = Texture::create();
    glBindTexture(GL_TEXTURE_2D, colorTexture_.id());
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, widthPx_, heightPx_, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glBindTexture(GL_TEXTURE_2D, 0);
    glBindFramebuffer(GL_FRAMEBUFFER, resolveFramebuffer_.id());
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, colorTexture_.id(), 0);

    if (samples_ == 0) {
        resolveDepth_ = Renderbuffer::create();
        glBindRenderbuffer(GL_RENDERBUFFER, resolveDepth_.id());
        glRenderbufferStorage(GL_RENDERBUFFER, GL_DEPTH_COMPONENT24, widthPx_, heightPx_);
        glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER, resolveDepth_.id());
        requireComplete("view");
        msaaFramebuffer_.reset();
        msaaColor_.reset();
        msaaDepth_.reset();
    } else {
        resolveDepth_.reset();
        requireComplete("resolve");
        msaaFramebuffer_ = Framebuffer::create();
        msaaColor_ = Renderbuffer::create();
        msaaDepth_ = Renderbuffer::create();
        glBindFramebuffer(GL_FRAMEBUFFER, msaaFramebuffer_.id());
        glBindRenderbuffer(GL_RENDERBUFFER, msaaColor_.id());
        glRenderbufferStorageMultisample(GL_RENDERBUFFER, samples_, GL_RGBA8, widthPx_, heightPx_);
        glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, msaaColor_.id());
        glBindRenderbuffer(GL_RENDERBUFFER, msaaDepth_.id());
        glRenderbufferStorageMultisample(GL_RENDERBUFFER, samples_, GL_DEPTH_COMPONENT24, widthPx_, heightPx_);
        glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER, msaaDepth_.id());
        requireComplete("multisample");
    }
    glBindRenderbuffer(GL_RENDERBUFFER, 0);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
}

void OffscreenTarget::bindForDrawing() const {
    glBindFramebuffer(GL_FRAMEBUFFER, samples_ > 0 ? msaaFramebuffer_.id() : resolveFramebuffer_.id());
    glViewport(0, 0, widthPx_, heightPx_);
}

void OffscreenTarget::resolve() const {
    if (samples_ > 0) {
        glBindFramebuffer(GL_READ_FRAMEBUFFER, msaaFramebuffer_.id());
        glBindFramebuffer(GL_DRAW_FRAMEBUFFER, resolveFramebuffer_.id());
        glBlitFramebuffer(0, 0, widthPx_, heightPx_, 0, 0, widthPx_, heightPx_, GL_COLOR_BUFFER_BIT, GL_NEAREST);
    }
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
}

void OffscreenTarget::stretchInto(const OffscreenTarget& destination) const {
    glBindFramebuffer(GL_READ_FRAMEBUFFER, resolveFramebuffer_.id());
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, destination.resolveFramebuffer_.id());
    glBlitFramebuffer(0, 0, widthPx_, heightPx_, 0, 0, destination.widthPx_, destination.heightPx_, GL_COLOR_BUFFER_BIT,
                      GL_LINEAR);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
}

Image OffscreenTarget::readPixels() const {
    return readFramebufferRgba(resolveFramebuffer_.id(), 0, 0, widthPx_, heightPx_);
}

}  // namespace dbsprog::render
