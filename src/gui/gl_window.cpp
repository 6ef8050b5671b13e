#include "gui/gl_window.hpp"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

namespace dbsprog::gui {
namespace {

constexpr int kOpenAttempts = 40;  ///< 2 s in all
int liveWindows = 0;
std::string lastGlfwError;

void recordGlfwError(int /*code*/, const char* description) { lastGlfwError = description ? description : ""; }

std::string withReason(const std::string& sentence) {
    return lastGlfwError.empty() ? sentence : sentence + " (" + lastGlfwError + ")";
}

}  // namespace

GlWindow::GlWindow(const WindowOptions& options) {
    glfwSetErrorCallback(recordGlfwError);
    if (liveWindows == 0) {
        for (int attempt = 1;; ++attempt) {
            lastGlfwError.clear();
            if (glfwInit() == GLFW_TRUE) break;
            // An X server whose last client just left resets and refuses connections for a
            // moment (Xvfb without -noreset, between tests); retry briefly before giving up.
            const char* display = std::getenv("DISPLAY");
            if (attempt >= kOpenAttempts || display == nullptr || *display == '\0') {
                throw DisplayUnavailable(withReason("cannot open a display for the dbsprog window"));
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    glfwDefaultWindowHints();
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);  // required on macOS, harmless elsewhere
    glfwWindowHint(GLFW_VISIBLE, options.visible ? GLFW_TRUE : GLFW_FALSE);
    glfwWindowHint(GLFW_DEPTH_BITS, 24);
    window_ = glfwCreateWindow(options.widthPx, options.heightPx, options.title.c_str(), nullptr, nullptr);
    if (window_ == nullptr) {
        if (liveWindows == 0) glfwTerminate();
        throw DisplayUnavailable(withReason("cannot create an OpenGL 3.3 core window on this display"));
    }
    ++liveWindows;
    glfwMakeContextCurrent(window_);
    glfwSwapInterval(options.vsync ? 1 : 0);
}

GlWindow::~GlWindow() {
    if (window_ != nullptr) glfwDestroyWindow(window_);
    if (--liveWindows == 0) glfwTerminate();
}

void GlWindow::makeCurrent() const { glfwMakeContextCurrent(window_); }

void GlWindow::framebufferSize(int& widthPx, int& heightPx) const { glfwGetFramebufferSize(window_, &widthPx, &heightPx); }

void GlWindow::setTitle(const std::string& title) { glfwSetWindowTitle(window_, title.c_str()); }

void GlWindow::resize(int widthPx, int heightPx) { glfwSetWindowSize(window_, widthPx, heightPx); }

bool GlWindow::shouldClose() const { return glfwWindowShouldClose(window_) == GLFW_TRUE; }

void GlWindow::swapBuffers() { glfwSwapBuffers(window_); }

void GlWindow::hide() { glfwHideWindow(window_); }

}  // namespace dbsprog::gui
