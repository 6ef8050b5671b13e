#pragma once
/// The programmer window: patient and program panels on the left, the 3D lead view on the right.
/// Constructed by dbsprog-gui's main() and, with a hidden window, by the GUI tests, which drive
/// it through the same actions the widgets call.
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dbsprog/device/catalog.hpp"
#include "dbsprog/patient/case.hpp"
#include "gui/gl_window.hpp"
#include "gui/gui_state.hpp"
#include "gui/program_editing.hpp"
#include "gui/theme.hpp"
#include "render/lead_view.hpp"
#include "render/readback.hpp"

namespace dbsprog::gui {

struct GuiAppOptions {
    std::string modelsDir;  ///< empty: dbsprog::io::modelsDir()
    std::string caseId = patient::kDefaultCaseId;
    /// Replaces the case's program at start; refused like the CLI refuses (InputError).
    std::optional<std::string> programText;
    int widthPx = 1280;  ///< window size, screen coordinates
    int heightPx = 800;
    Mode mode = Mode::Clinician;
    /// Simulated time to run the program for before the first frame (--after), seconds.
    double afterS = 0.0;
    bool visible = true;  ///< false: hidden window (screenshots, tests)
    bool vsync = true;
};

class GuiApp {
public:
    /// Opens the window and loads catalogue and case. Throws DisplayUnavailable when there is no
    /// display, dbsprog::InputError for a bad models folder, case id or --program.
    explicit GuiApp(GuiAppOptions options);
    ~GuiApp();
    GuiApp(const GuiApp&) = delete;
    GuiApp& operator=(const GuiApp&) = delete;

    /// One frame: events, widgets, the one apply point, 3D view, draw, swap.
    void runFrame();
    /// One frame, reading the finished frame back before the swap (rows top-down).
    render::Image runFrameAndCapture();
    /// Interactive loop until the window is closed; returns the process exit code.
    int runUntilClosed();

    // ---- actions: exactly what the widgets call; applied at the next frame's apply point ----
    /// Sets the program field's edit buffer (typing).
    void editProgramText(std::string text);
    /// "Apply" / Enter: parse and validate the edit buffer.
    void applyProgramText();
    /// -/+ buttons: move a setting by whole generator steps.
    void stepSetting(Setting setting, int steps);
    void stepAmplitude(int steps) { stepSetting(Setting::Amplitude, steps); }
    /// Slider: set a value; it is snapped to the generator's step.
    void setSetting(Setting setting, double value);
    /// Case selector.
    void openCase(const std::string& caseId);
    /// A case file by path (the file dialog's "Open"); a malformed file leaves the open case as it is.
    void openCaseFile(const std::string& path);
    /// "Open file…": shows the file dialog in the last folder used (first time: the current case
    /// file's folder, the shipped patients folder for a shipped case).
    void showCaseFileDialog();
    /// Stimulation on/off switch.
    void setStimulation(bool on) { ui_.pendingStimulation = on; }
    /// Runs the soft start forward by this many seconds (each frame: its real or simulated time,
    /// whichever is longer), re-evaluating when the delivered amplitude reaches the next step.
    void advanceRamp(double seconds);
    /// Amplitude the generator delivers now, in the program's unit: the programmed one, or less
    /// while the soft start climbs in the generator's amplitude steps. 0 without a program.
    double deliveredAmplitude() const;
    /// Follow-up visit: run simulated time forward with the present program.
    void advanceTime(double seconds) { ui_.pendingAdvanceS = ui_.pendingAdvanceS.value_or(0.0) + seconds; }
    /// The patient's stress, fatigue and anxiety, 0 calm .. 1 very stressed.
    void setStress(double stress) { ui_.pendingStress = stress; }
    /// Clock speed in simulated seconds per real second; 0 pauses.
    void setClockSpeed(double simSecondsPerSecond);
    void setMode(Mode mode) { ui_.mode = mode; }
    /// The programmer's impedance check: each contact's monopolar impedance on this patient.
    void checkImpedances();
    /// The automated monopolar review at the running program's pulse width and frequency.
    void runReview();
    /// Research exports, written atomically; return what was written.
    void exportEvaluationCsv(const std::string& path) const;
    /// The 3D view's VTA as a NIfTI mask; false (nothing written) until its grid is ready.
    bool exportVtaNifti(const std::string& path) const;
    /// Reset button of the 3D view.
    void resetCamera();
    /// Asks the window system for a new window size (screen coordinates).
    void resizeWindow(int widthPx, int heightPx);
    /// A scripted session (tests, demonstrations): a left click at (x, y), screen coordinates,
    /// delivered over the next three frames (move there, press, release) in place of the window
    /// system's mouse, so it goes through the real widgets.
    void queueClick(float x, float y);
    bool scriptedInputPending() const { return !scriptedInput_.empty(); }
    /// Applies queued edits now (normally called once inside each frame).
    void applyPendingEdits();

    // ---- read access for tests and the status bar ----
    const SimulationState& simulation() const { return sim_; }
    const UiState& ui() const { return ui_; }
    UiState& ui() { return ui_; }
    const FrameLayout& layout() const { return layout_; }
    const std::vector<patient::Case>& cases() const { return cases_; }
    const device::Catalog& catalog() const { return catalog_; }
    const render::LeadView& leadView() const { return *leadView_; }
    /// GL errors raised since the last call (empty: none).
    std::vector<unsigned> takeGlErrors();

private:
    void loadCase(const patient::Case& patientCase);
    void syncView();
    bool tryApplyProgram(const device::Program& program, bool fromText);
    void onProgramChanged();
    /// Re-evaluates the running program on the patient and marks the timeline.
    void reevaluate(const std::string& eventLabel);
    /// Evaluates what the generator delivers now (deliveredAmplitude), without a timeline mark.
    void evaluateDelivered();
    /// Runs simulated time forward, recording the timeline.
    void simulate(double seconds);
    /// Notes thresholds the user has just found on a monopolar setting (window chart).
    void recordThresholds();
    void drawFrame(render::Image* capture);

    // Panels (gui_panels.cpp, gui_view_panel.cpp).
    void buildUi();
    void drawLeftPanel(float x, float y, float width, float height);
    void drawPatientSection();
    void drawProgramSection();
    void drawSettingRow(const char* label, Setting setting);
    void drawContactsSection();
    void drawImpedanceCheck();
    void drawEnergySection();
    // Response and simulated time (gui_response_panel.cpp).
    void drawPatientPanel(float x, float y, float width, float height);
    void drawResponseSection();
    void drawTimelineSection();
    void drawFigureSection();
    void drawWindowChartSection();
    void drawClockControls();
    // Modes (gui_mode_panels.cpp).
    void drawEducationPanel(float x, float y, float width, float height);
    void drawResearchSection();
    void drawPlainResponse();
    void drawViewPanel(float x, float y, float width, float height);
    void drawViewOverlay(float imageX, float imageY, float imageW, float imageH);
    /// Patient education: one legend in plain words instead of labels, percentages and scales.
    void drawPlainViewOverlay(float imageX, float imageY, float imageW, float imageH);
    void drawStatusBar(float x, float y, float width, float height);
    std::string ohm() const;

    GuiAppOptions options_;
    std::string modelsDir_;
    device::Catalog catalog_;
    std::vector<patient::Case> cases_;

    SimulationState sim_;
    UiState ui_;
    FrameLayout layout_;

    // Destroyed in reverse order: renderer and ImGui before the window that owns the context.
    struct ImGuiSession;
    std::unique_ptr<GlWindow> window_;
    std::unique_ptr<ImGuiSession> imgui_;
    Fonts fonts_;
    float uiScale_ = 1.0f;
    std::unique_ptr<render::LeadView> leadView_;
    std::string viewLeadId_;       ///< lead the view's meshes were built for
    int viewStatesRevision_ = -1;  ///< programRevision the view's colours were last set from
    int viewWidthPx_ = 0;          ///< size of the 3D view this frame, framebuffer pixels
    int viewHeightPx_ = 0;
    std::string glInfo_;
    struct MouseState {
        float x = 0.0f, y = 0.0f;
        bool down = false;
    };
    std::deque<MouseState> scriptedInput_;  ///< one entry per frame (queueClick)
};

}  // namespace dbsprog::gui
