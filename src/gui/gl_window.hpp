#pragma once
/// A GLFW window with a current OpenGL 3.3 core context. Owns GLFW's initialisation: the library
/// is initialised by the first window and terminated with the last.
#include <stdexcept>
#include <string>

struct GLFWwindow;

namespace dbsprog::gui {

/// No display could be opened (no X server, no DISPLAY) or it cannot give OpenGL 3.3 core.
class DisplayUnavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct WindowOptions {
    int widthPx = 1280;   ///< window size in screen coordinates
    int heightPx = 800;
    bool visible = true;  ///< false: hidden window for screenshots and tests (still renders)
    bool vsync = true;
    std::string title = "dbsprog";
};

class GlWindow {
public:
    /// Creates the window and makes its context current; throws DisplayUnavailable.
    explicit GlWindow(const WindowOptions& options);
    ~GlWindow();
    GlWindow(const GlWindow&) = delete;
    GlWindow& operator=(const GlWindow&) = delete;

    GLFWwindow* handle() const { return window_; }
    void makeCurrent() const;
    void framebufferSize(int& widthPx, int& heightPx) const;
    void setTitle(const std::string& title);
    /// Asks for a new size; takes effect after the window system answers (next event poll).
    void resize(int widthPx, int heightPx);
    bool shouldClose() const;
    void swapBuffers();
    /// Takes the window off the screen (closing: the rest of the shutdown happens out of sight).
    void hide();

private:
    GLFWwindow* window_ = nullptr;
};

}  // namespace dbsprog::gui
