#pragma once
/// The window's state, in two halves (DESIGN.md): the simulation side holds what the core
/// validated and computed; the UI side holds what the user is editing and looking at. Widgets
/// write only the UI side and queue edits; GuiApp::applyPendingEdits() is the one point per
/// frame where queued edits reach the simulation side.
#include <optional>
#include <string>

#include "dbsprog/device/check.hpp"
#include "dbsprog/device/ipg.hpp"
#include "dbsprog/device/lead.hpp"
#include "dbsprog/patient/case.hpp"
#include "render/orbit_camera.hpp"

namespace dbsprog::gui {

struct SimulationState {
    patient::Case patientCase;
    device::Lead lead;
    device::Ipg ipg;
    /// The validated program and its check; nullopt only when the case's own program is refused.
    std::optional<device::CheckReport> report;
    /// Increments whenever `report` changes, so views recolour once, not every frame.
    int programRevision = 0;

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

    // Edits queued by widgets this frame; applied by GuiApp::applyPendingEdits().
    std::optional<std::string> pendingProgramText;  ///< "Apply" or Enter on the program field
    std::optional<device::Program> pendingProgram;  ///< from the -/+ buttons and sliders
    std::optional<std::string> pendingCaseId;       ///< from the case selector

    bool programTextEdited() const { return programText != appliedProgramText; }
};

/// Where things were drawn in the last frame, in framebuffer pixels, origin top-left.
struct PixelRect {
    int x = 0, y = 0, width = 0, height = 0;
};

struct FrameLayout {
    PixelRect leftPanel;   ///< patient, program, contacts, energy
    PixelRect viewImage;   ///< the 3D view's image
    PixelRect statusBar;
    int framebufferWidthPx = 0;
    int framebufferHeightPx = 0;
};

}  // namespace dbsprog::gui
