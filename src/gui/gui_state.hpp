#pragma once
/// The window's state, in two halves (DESIGN.md): the simulation side holds what the core
/// validated and computed; the UI side holds what the user is editing and looking at. Widgets
/// write only the UI side and queue edits; GuiApp::applyPendingEdits() is the one point per
/// frame where queued edits reach the simulation side.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dbsprog/device/check.hpp"
#include "dbsprog/device/ipg.hpp"
#include "dbsprog/device/lead.hpp"
#include "dbsprog/patient/case.hpp"
#include "dbsprog/patient/virtual_patient.hpp"
#include "gui/file_dialog.hpp"
#include "render/orbit_camera.hpp"

namespace dbsprog::gui {

/// Who the window is for (issue 5 "Modes").
enum class Mode { Clinician, Patient, Research };

/// A programming change, drawn as a marker on the timeline.
struct TimelineEvent {
    double timeS = 0.0;   ///< simulated time since the case opened
    std::string label;    ///< "C+ 1- 3.0V 90us 130Hz", "stimulation off"
};

/// The patient's severity at one simulated moment, for the timeline plot.
struct TimelineSample {
    double timeS = 0.0;
    double clinicalScore = 0.0;  ///< on the case's scale
};

struct SimulationState {
    patient::Case patientCase;
    /// The file the case was opened from when it lies outside the shipped patients folder;
    /// "" for a shipped case (opened by id or from that folder).
    std::string caseFilePath;
    device::Lead lead;
    device::Ipg ipg;
    /// The validated program and its check; nullopt only when the case's own program is refused.
    std::optional<device::CheckReport> report;
    /// Increments whenever `report` changes, so views recolour once, not every frame.
    int programRevision = 0;

    /// The virtual patient (anatomy, conductor, axons, response), built when the case opens.
    std::shared_ptr<const patient::VirtualPatient> patient;
    bool stimulationOn = true;
    /// Soft start (Ipg::rampS): seconds into the ramp since stimulation was switched on; nullopt
    /// once the programmed amplitude is reached.
    std::optional<double> rampElapsedS;
    /// What the running program does (stimulation off: the off evaluation). Follows `report`.
    patient::Evaluation evaluation;
    int evaluationRevision = 0;
    /// The patient in simulated time, and its history since the case opened.
    patient::PatientState patientState;
    std::vector<TimelineSample> history;
    std::vector<TimelineEvent> events;

    /// Thresholds the user found on monopolar settings, per contact (the window chart).
    struct FoundThresholds {
        std::optional<double> efficacy;    ///< lowest amplitude whose steady relief reached half the best seen
        std::optional<double> sideEffect;  ///< lowest amplitude with a side effect of grade >= 2
        std::string sideEffectName;
    };
    std::map<std::string, FoundThresholds> foundThresholds;
    std::optional<patient::Review> review;  ///< automated review (research mode), per case
    /// The last impedance check: each lead contact against the case (Lead::contacts order), ohm.
    std::optional<std::vector<double>> contactImpedancesOhm;

    // Research numbers.
    double patientBuildMs = 0.0;  ///< building the patient (unit potentials at every axon node)
    double evaluateMs = 0.0;      ///< the last evaluation (superposition + activation + response)

    const device::Program* program() const { return report ? &report->program : nullptr; }
};

struct UiState {
    std::string programText;         ///< the program field's edit buffer
    std::string appliedProgramText;  ///< the field's text after the last successful apply
    std::string programError;        ///< the last refusal, shown in red under the field
    std::string caseError;           ///< a case that could not be opened
    render::OrbitCamera camera;
    bool showLabels = true;
    bool showGrid = true;

    Mode mode = Mode::Clinician;
    /// Simulated seconds per real second while the clock runs (1: real time, 3600: an hour per second).
    double clockSpeed = 0.0;
    bool clockRunning = false;
    std::string exportMessage;  ///< research exports: what was written last
    /// "Open file…" beside the case selector; keeps its folder between openings.
    FileBrowser caseFileBrowser{ListingOptions{".json", false}};

    // Edits queued by widgets this frame; applied by GuiApp::applyPendingEdits().
    std::optional<std::string> pendingProgramText;  ///< "Apply" or Enter on the program field
    std::optional<device::Program> pendingProgram;  ///< from the -/+ buttons and sliders
    std::optional<std::string> pendingCaseId;       ///< from the case selector
    std::optional<std::string> pendingCasePath;     ///< from the case file dialog
    std::optional<bool> pendingStimulation;         ///< the on/off switch
    std::optional<double> pendingAdvanceS;          ///< follow-up jumps ("+3 months")
    std::optional<double> pendingStress;            ///< the stress/fatigue slider, 0..1

    bool programTextEdited() const { return programText != appliedProgramText; }
};

/// Where things were drawn in the last frame, in framebuffer pixels, origin top-left.
struct PixelRect {
    int x = 0, y = 0, width = 0, height = 0;
};

struct FrameLayout {
    PixelRect leftPanel;   ///< patient, program, contacts, energy
    PixelRect viewImage;   ///< the 3D view's image
    PixelRect patientPanel;  ///< figure, response, timeline (below the view)
    PixelRect figure;        ///< the patient figure, screen coordinates
    PixelRect timeline;      ///< the timeline plot, screen coordinates
    PixelRect impedanceReadings;  ///< the impedance check's readings, screen coordinates (empty before a check)
    PixelRect statusBar;
    /// Clickable widgets by name, screen coordinates ("Amplitude +", "contact 2", "+3 months"):
    /// where a scripted session (GuiApp::queueClick) clicks, as a user would.
    std::map<std::string, PixelRect> widgets;
    int framebufferWidthPx = 0;
    int framebufferHeightPx = 0;
};

}  // namespace dbsprog::gui
