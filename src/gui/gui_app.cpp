#include "gui/gui_app.hpp"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <utility>

#include "dbsprog/error.hpp"
#include "dbsprog/field/stimulus.hpp"
#include "dbsprog/io/paths.hpp"
#include "render/gl.hpp"

namespace dbsprog::gui {

/// ImGui context and backends, shut down before the window goes.
struct GuiApp::ImGuiSession {
    ImGuiSession(GLFWwindow* window, float scale, Fonts& fonts) {
        IMGUI_CHECKVERSION();
        ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;  // the layout is fixed; nothing to remember between runs
        // No keyboard navigation: the arrow keys and Space are the programmer's shortcuts.
        fonts = loadFonts(scale);
        applyTheme(scale);
        glfwReady = ImGui_ImplGlfw_InitForOpenGL(window, true);
        openglReady = ImGui_ImplOpenGL3_Init("#version 330 core");
    }
    ~ImGuiSession() {
        if (openglReady) ImGui_ImplOpenGL3_Shutdown();
        if (glfwReady) ImGui_ImplGlfw_Shutdown();
        ImGui::DestroyContext();
    }
    bool glfwReady = false;
    bool openglReady = false;
};

namespace {

// Timeline recording: one sample per this much simulated time within a jump, at most this many
// per jump, and at most this many kept in all (older ones thinned).
constexpr double kTimelineResolutionS = 3600.0;
constexpr int kTimelineSubsteps = 96;
constexpr std::size_t kTimelineMaxSamples = 4000;
constexpr double kMaxFrameStepS = 0.1;
// What counts as a threshold the user found: the review's criteria (virtual_patient.hpp ReviewOptions).
constexpr int kFoundSideEffectGrade = 2;
constexpr double kFoundEfficacyShare = 0.5;

device::CheckReport checkFor(const device::Program& program, const SimulationState& sim) {
    return device::checkProgram(program, sim.lead, sim.ipg, sim.patientCase.impedanceOhm);
}

/// Whether `path` is a file directly in `folder` (the same folder however either is spelled).
bool isFileInFolder(const std::string& path, const std::string& folder) {
    std::error_code ec;
    return std::filesystem::equivalent(std::filesystem::path(path).parent_path(), folder, ec) && !ec;
}

/// A case file's error names the file: the core's message does unless the fault is in what the
/// file refers to (an unknown lead or generator id).
std::string caseFileError(const std::string& path, const std::string& message) {
    return message.find(path) != std::string::npos ? message : path + ": " + message;
}

}  // namespace

GuiApp::GuiApp(GuiAppOptions options) : options_(std::move(options)) {
    // Core data first: a bad models folder, case or --program is reported before a window opens.
    modelsDir_ = options_.modelsDir.empty() ? io::modelsDir() : options_.modelsDir;
    catalog_ = device::loadCatalog(modelsDir_);
    cases_ = patient::loadCases(modelsDir_);
    loadCase(patient::findCase(modelsDir_, options_.caseId));
    ui_.mode = options_.mode;
    if (options_.programText) {
        // Refused like the CLI refuses a bad program: the caller prints the message.
        sim_.report = checkFor(device::parseProgram(*options_.programText), sim_);
        ++sim_.programRevision;
        ui_.programText = ui_.appliedProgramText = sim_.report->program.toString();
        ui_.programError.clear();
        sim_.events.clear();
        reevaluate(sim_.report->program.toString());
    }
    if (options_.afterS > 0.0) simulate(options_.afterS);

    WindowOptions windowOptions;
    windowOptions.widthPx = options_.widthPx;
    windowOptions.heightPx = options_.heightPx;
    windowOptions.visible = options_.visible;
    windowOptions.vsync = options_.vsync;
    windowOptions.title = "dbsprog \xE2\x80\x94 " + sim_.patientCase.title;
    window_ = std::make_unique<GlWindow>(windowOptions);

    // Follow the monitor's content scale so text stays readable on high-density screens.
    float scaleX = 1.0f, scaleY = 1.0f;
    glfwGetWindowContentScale(window_->handle(), &scaleX, &scaleY);
    uiScale_ = std::clamp(std::max(scaleX, scaleY), 1.0f, 3.0f);
    imgui_ = std::make_unique<ImGuiSession>(window_->handle(), uiScale_, fonts_);

    leadView_ = std::make_unique<render::LeadView>();
    glInfo_ = "OpenGL " + render::glVersionString() + " \xC2\xB7 " + render::glRendererString();
    syncView();
}

GuiApp::~GuiApp() {
    if (window_) {
        // A VTA grid still building in the background is waited for (up to seconds): out of sight.
        window_->hide();
        window_->makeCurrent();
    }
    leadView_.reset();
    imgui_.reset();
    window_.reset();
}

void GuiApp::loadCase(const patient::Case& patientCase) {
    // Resolve everything before changing state, so a bad case leaves the open one intact.
    const device::Lead& lead = catalog_.lead(patientCase.leadId);
    const device::Ipg& ipg = catalog_.ipg(patientCase.ipgId);
    const auto buildStart = std::chrono::steady_clock::now();
    auto virtualPatient = std::make_shared<const patient::VirtualPatient>(patientCase, modelsDir_);
    sim_.patientBuildMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - buildStart).count();

    sim_.patientCase = patientCase;
    sim_.patient = std::move(virtualPatient);
    sim_.patientState = sim_.patient->initialState();
    sim_.stimulationOn = true;
    sim_.rampElapsedS.reset();
    sim_.history.clear();
    sim_.events.clear();
    sim_.foundThresholds.clear();
    sim_.review.reset();
    sim_.contactImpedancesOhm.reset();
    sim_.lead = lead;
    sim_.ipg = ipg;
    ui_.programError.clear();
    try {
        sim_.report = checkFor(patientCase.program, sim_);
    } catch (const InputError& error) {
        sim_.report.reset();
        ui_.programError = std::string("The case's program is refused: ") + error.what();
    }
    ++sim_.programRevision;
    ui_.programText = sim_.report ? sim_.report->program.toString() : patientCase.program.toString();
    ui_.appliedProgramText = ui_.programText;
    ui_.pendingProgram.reset();
    ui_.pendingProgramText.reset();
    reevaluate(sim_.report ? sim_.report->program.toString() : "no program");
    sim_.history.push_back({0.0, sim_.patient->severity(sim_.patientState).clinicalScore});

    const auto [zMin, zMax] = lead.contactSpanMm();
    ui_.camera.frame(static_cast<float>(zMin), static_cast<float>(zMax));
    // Turn the starting view toward the active directional segments, so a steered program's
    // cathodes are in sight; ring-only programs keep segment "a" turned toward the viewer.
    if (sim_.report) {
        double sumX = 0.0, sumY = 0.0;
        for (const device::ContactLoad& load : sim_.report->contacts) {
            const auto index = lead.contactIndex(load.name);
            if (!index) continue;
            const device::Contact& contact = lead.contacts[static_cast<std::size_t>(*index)];
            if (contact.shape != device::ContactShape::Segment) continue;
            const double angle = contact.angleDeg * 3.14159265358979323846 / 180.0;
            sumX += std::abs(load.currentMa) * std::cos(angle);
            sumY += std::abs(load.currentMa) * std::sin(angle);
        }
        if (std::hypot(sumX, sumY) > 1e-9) {
            render::CameraPose home = ui_.camera.home();
            home.yawDeg = static_cast<float>(std::atan2(sumY, sumX) * 180.0 / 3.14159265358979323846);
            ui_.camera.setHome(home);
        }
    }
    if (window_) window_->setTitle("dbsprog \xE2\x80\x94 " + patientCase.title);
}

// ---- actions ----

void GuiApp::editProgramText(std::string text) { ui_.programText = std::move(text); }

void GuiApp::applyProgramText() { ui_.pendingProgramText = ui_.programText; }

void GuiApp::stepSetting(Setting setting, int steps) {
    // Build on an edit already queued this frame, so two clicks in one frame make two steps.
    const device::Program* base = ui_.pendingProgram ? &*ui_.pendingProgram : sim_.program();
    if (base == nullptr) return;
    const device::SteppedRange& range = rangeFor(sim_.ipg, base->mode, setting);
    const double value = steppedValue(range, settingValue(*base, setting), steps);
    ui_.pendingProgram = withSetting(*base, setting, value);
}

void GuiApp::setSetting(Setting setting, double value) {
    const device::Program* base = ui_.pendingProgram ? &*ui_.pendingProgram : sim_.program();
    if (base == nullptr) return;
    const device::SteppedRange& range = rangeFor(sim_.ipg, base->mode, setting);
    ui_.pendingProgram = withSetting(*base, setting, snappedToStep(range, value));
}

void GuiApp::openCase(const std::string& caseId) { ui_.pendingCaseId = caseId; }

void GuiApp::openCaseFile(const std::string& path) { ui_.pendingCasePath = path; }

void GuiApp::showCaseFileDialog() {
    FileBrowser& browser = ui_.caseFileBrowser;
    std::string folder = browser.folder();
    if (folder.empty()) folder = sim_.caseFilePath.empty() ? modelsDir_ + "/patients" : parentFolder(sim_.caseFilePath);
    browser.open(folder);
}

void GuiApp::resetCamera() { ui_.camera.reset(); }

void GuiApp::queueClick(float x, float y) {
    scriptedInput_.push_back({x, y, false});  // hover first: ImGui presses only a hovered item
    scriptedInput_.push_back({x, y, true});
    scriptedInput_.push_back({x, y, false});
}

void GuiApp::setClockSpeed(double simSecondsPerSecond) {
    ui_.clockSpeed = std::max(0.0, simSecondsPerSecond);
    ui_.clockRunning = ui_.clockSpeed > 0.0;
}

// ---- simulated time ----

double GuiApp::deliveredAmplitude() const {
    if (!sim_.report) return 0.0;
    const device::Program& program = sim_.report->program;
    if (!sim_.rampElapsedS || !(sim_.ipg.rampS > 0.0)) return program.amplitude;
    const double fraction = std::clamp(*sim_.rampElapsedS / sim_.ipg.rampS, 0.0, 1.0);
    // The generator climbs in its own amplitude steps; the tolerance absorbs binary rounding.
    const double stepSize = sim_.ipg.amplitudeRange(program.mode).step;
    if (!(stepSize > 0.0)) return fraction * program.amplitude;
    return std::min(program.amplitude, std::floor(fraction * program.amplitude / stepSize + 1e-9) * stepSize);
}

void GuiApp::evaluateDelivered() {
    if (!sim_.patient) return;
    const auto start = std::chrono::steady_clock::now();
    const bool on = sim_.stimulationOn && sim_.report;
    if (!on) {
        sim_.evaluation = sim_.patient->evaluateOff();
    } else {
        device::Program delivered = sim_.report->program;
        delivered.amplitude = deliveredAmplitude();
        // Below the generator's lowest amplitude nothing is delivered yet.
        const bool belowRange = delivered.amplitude < sim_.ipg.amplitudeRange(delivered.mode).min;
        sim_.evaluation = belowRange ? sim_.patient->evaluateOff() : sim_.patient->evaluate(delivered);
    }
    sim_.evaluateMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    // Thresholds count at amplitudes the user set, not at the steps a ramp passes through.
    if (on && !sim_.rampElapsedS) recordThresholds();
    ++sim_.evaluationRevision;
}

void GuiApp::reevaluate(const std::string& eventLabel) {
    if (!sim_.patient) return;
    evaluateDelivered();
    sim_.events.push_back({sim_.patientState.timeS, sim_.stimulationOn && sim_.report ? eventLabel : "stimulation off"});
}

void GuiApp::advanceRamp(double seconds) {
    if (!sim_.rampElapsedS || !(seconds > 0.0)) return;
    const double before = deliveredAmplitude();
    *sim_.rampElapsedS += seconds;
    if (*sim_.rampElapsedS >= sim_.ipg.rampS) sim_.rampElapsedS.reset();
    if (deliveredAmplitude() != before || !sim_.rampElapsedS) evaluateDelivered();
}

void GuiApp::recordThresholds() {
    // Only a monopolar setting with one cathode says something about one contact.
    const device::Program& p = sim_.report->program;
    const device::ProgramContact* cathode = nullptr;
    int cathodes = 0;
    for (const device::ProgramContact& c : p.contacts)
        if (c.polarity == device::Polarity::Cathode && !c.isCase()) cathode = &c, ++cathodes;
    if (cathodes != 1 || !p.monopolar()) return;
    auto& found = sim_.foundThresholds[cathode->name];
    if (sim_.evaluation.maxAcuteGrade >= kFoundSideEffectGrade && (!found.sideEffect || p.amplitude < *found.sideEffect)) {
        found.sideEffect = p.amplitude;
        int worst = 0;
        for (const patient::SideEffectReading& e : sim_.evaluation.sideEffects)
            if (!e.delayed && e.grade > worst) worst = e.grade, found.sideEffectName = e.name;
    }
    // Benefit as the model expects it once taken effect, against the most this patient can get.
    double best = 0.0;
    for (const patient::SymptomComponent& c : sim_.patientCase.components) best += c.share * c.maxRelief;
    if (best > 0.0 && sim_.evaluation.steadyRelief >= kFoundEfficacyShare * best &&
        (!found.efficacy || p.amplitude < *found.efficacy))
        found.efficacy = p.amplitude;
}

void GuiApp::checkImpedances() {
    if (!sim_.patient) return;
    const Eigen::VectorXd ohm = field::monopolarImpedancesOhm(sim_.patient->conductor(), sim_.patient->interfaceResistanceOhm());
    sim_.contactImpedancesOhm = std::vector<double>(ohm.data(), ohm.data() + ohm.size());
}

void GuiApp::runReview() {
    if (!sim_.patient) return;
    patient::ReviewOptions options;
    if (const device::Program* p = sim_.program()) {
        options.mode = p->mode;
        options.pulseWidthUs = p->pulseWidthUs;
        options.frequencyHz = p->frequencyHz;
    }
    sim_.review = sim_.patient->monopolarReview(options);
}

void GuiApp::simulate(double seconds) {
    if (!sim_.patient || !(seconds > 0.0)) return;
    // Advancing is exact for a constant program, so the substeps only give the plot its shape.
    const int substeps = std::clamp(static_cast<int>(seconds / kTimelineResolutionS), 1, kTimelineSubsteps);
    for (int i = 0; i < substeps; ++i) {
        sim_.patient->advance(sim_.patientState, sim_.evaluation, seconds / substeps);
        sim_.history.push_back({sim_.patientState.timeS, sim_.patient->severity(sim_.patientState).clinicalScore});
    }
    if (sim_.history.size() > kTimelineMaxSamples) {
        // Keep the first sample, then every other one: the curve's shape stays, memory is bounded.
        std::vector<TimelineSample> kept;
        for (std::size_t i = 0; i < sim_.history.size(); i += (i == 0 ? 1 : 2)) kept.push_back(sim_.history[i]);
        kept.push_back(sim_.history.back());
        sim_.history = std::move(kept);
    }
}

void GuiApp::resizeWindow(int widthPx, int heightPx) { window_->resize(widthPx, heightPx); }

// ---- the one point where UI edits reach the simulation ----

bool GuiApp::tryApplyProgram(const device::Program& program, bool fromText) {
    if (sim_.report && program == sim_.report->program) {
        // Nothing changed: no need to re-check; just show the canonical text again.
        if (fromText) ui_.programText = ui_.appliedProgramText = sim_.report->program.toString();
        ui_.programError.clear();
        return true;
    }
    try {
        sim_.report = checkFor(program, sim_);
    } catch (const InputError& error) {
        ui_.programError = error.what();  // the last valid program stays in force
        return false;
    }
    ++sim_.programRevision;
    ui_.programText = ui_.appliedProgramText = sim_.report->program.toString();
    ui_.programError.clear();
    reevaluate(sim_.report->program.toString());
    return true;
}

void GuiApp::applyPendingEdits() {
    if (auto stress = std::exchange(ui_.pendingStress, std::nullopt)) sim_.patientState.stress = std::clamp(*stress, 0.0, 1.0);
    if (auto on = std::exchange(ui_.pendingStimulation, std::nullopt); on && *on != sim_.stimulationOn) {
        sim_.stimulationOn = *on;
        // Switching on starts the soft start from zero; switching off stops at once.
        if (*on && sim_.ipg.rampS > 0.0) sim_.rampElapsedS = 0.0;
        else sim_.rampElapsedS.reset();
        reevaluate(sim_.report ? sim_.report->program.toString() : "no program");
    }
    if (auto advance = std::exchange(ui_.pendingAdvanceS, std::nullopt)) simulate(*advance);
    auto caseId = std::exchange(ui_.pendingCaseId, std::nullopt);
    auto casePath = std::exchange(ui_.pendingCasePath, std::nullopt);
    auto text = std::exchange(ui_.pendingProgramText, std::nullopt);
    auto program = std::exchange(ui_.pendingProgram, std::nullopt);
    // A refusal is shown where the user acted: under the case selector or under the program.
    const auto show = [&](const std::string& message) {
        if (casePath) ui_.caseError = caseFileError(*casePath, message);
        else (caseId ? ui_.caseError : ui_.programError) = message;
    };
    try {
        if (casePath) {
            // Parsed in full before loadCase touches anything, so a bad file leaves the open case.
            loadCase(patient::loadCase(*casePath));
            sim_.caseFilePath = isFileInFolder(*casePath, modelsDir_ + "/patients") ? std::string() : *casePath;
            ui_.caseError.clear();
            return;
        }
        if (caseId) {
            // A new case replaces any program edit queued for the old one. The same id opened
            // from another file is reloaded from the shipped one.
            if (*caseId != sim_.patientCase.id || !sim_.caseFilePath.empty()) {
                loadCase(patient::findCase(modelsDir_, *caseId));
                sim_.caseFilePath.clear();
            }
            ui_.caseError.clear();
            return;
        }
        if (text) {
            tryApplyProgram(device::parseProgram(*text), true);
        } else if (program) {
            tryApplyProgram(*program, false);
        }
    } catch (const InputError& error) {
        show(error.what());
    } catch (const std::exception& error) {
        show(std::string("internal error: ") + error.what());  // a fault, not bad input: shown, never a crash
    }
}

// ---- frames ----

void GuiApp::syncView() {
    if (!leadView_) return;
    if (viewLeadId_ != sim_.lead.id) {
        leadView_->setLead(sim_.lead);
        viewLeadId_ = sim_.lead.id;
        viewStatesRevision_ = -1;
    }
    if (viewStatesRevision_ != sim_.programRevision) {
        leadView_->setContactStates(sim_.report ? contactStatesFor(sim_.lead, *sim_.report)
                                                : std::vector<render::ContactState>{});
        viewStatesRevision_ = sim_.programRevision;
    }
    leadView_->options.showGrid = ui_.showGrid && ui_.mode != Mode::Patient;  // a grid in mm means nothing to a patient
}

void GuiApp::drawFrame(render::Image* capture) {
    window_->makeCurrent();
    glfwPollEvents();

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    if (!scriptedInput_.empty()) {
        // After the backend has read the real mouse, so the script wins for this frame.
        ImGuiIO& io = ImGui::GetIO();
        io.MousePos = ImVec2(scriptedInput_.front().x, scriptedInput_.front().y);
        io.MouseDown[0] = scriptedInput_.front().down;
        scriptedInput_.pop_front();
    }
    ImGui::NewFrame();
    syncView();
    buildUi();           // widgets: read the simulation, write UI state, queue edits
    applyPendingEdits();  // the one point per frame where the simulation changes
    // A long stall (window dragged, debugger) must not jump the patient forward by hours.
    const double frameS = std::min(static_cast<double>(ImGui::GetIO().DeltaTime), kMaxFrameStepS);
    const double simulatedS = ui_.clockRunning ? frameS * ui_.clockSpeed : 0.0;
    // The soft start runs in the patient's time, which is at least the real time the user watches.
    advanceRamp(std::max(frameS, simulatedS));
    if (simulatedS > 0.0) simulate(simulatedS);
    syncView();
    if (viewWidthPx_ > 0 && viewHeightPx_ > 0) {
        leadView_->render(viewWidthPx_, viewHeightPx_, ui_.camera, /*fullQuality=*/capture != nullptr);
    }
    ImGui::Render();

    int widthPx = 0, heightPx = 0;
    window_->framebufferSize(widthPx, heightPx);
    layout_.framebufferWidthPx = widthPx;
    layout_.framebufferHeightPx = heightPx;
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    glViewport(0, 0, widthPx, heightPx);
    // The fixed panels draw no background of their own (a software renderer pays for every blended
    // pixel): the clear gives them the theme's window colour.
    const ImVec4 background = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    glClearColor(background.x, background.y, background.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (capture != nullptr) *capture = render::readDefaultFramebufferRgba(widthPx, heightPx);
    window_->swapBuffers();
}

void GuiApp::runFrame() { drawFrame(nullptr); }

render::Image GuiApp::runFrameAndCapture() {
    render::Image image;
    drawFrame(&image);
    return image;
}

int GuiApp::runUntilClosed() {
    while (!window_->shouldClose()) {
        int widthPx = 0, heightPx = 0;
        window_->framebufferSize(widthPx, heightPx);
        if (widthPx == 0 || heightPx == 0) {
            glfwWaitEvents();  // minimised: nothing to draw until the window comes back
            continue;
        }
        // Sleep until input arrives (or a short timeout, for ImGui's hover animations).
        glfwWaitEventsTimeout(1.0 / 30.0);
        drawFrame(nullptr);
    }
    return 0;
}

std::vector<unsigned> GuiApp::takeGlErrors() {
    window_->makeCurrent();
    std::vector<unsigned> errors;
    for (GLenum error : render::takeGlErrors()) errors.push_back(error);
    return errors;
}

std::string GuiApp::ohm() const { return fonts_.unicode ? "\xCE\xA9" : "ohm"; }

}  // namespace dbsprog::gui
