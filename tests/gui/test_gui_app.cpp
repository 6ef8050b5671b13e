// The programmer window driven headlessly: real GLFW window (hidden), real ImGui, real renderer.
// Assertions use pixel statistics of the read-back frame, not golden images.
#include <gtest/gtest.h>

#include <string>

#include "dbsprog/device/program.hpp"
#include "dbsprog/error.hpp"
#include "dbsprog/patient/case.hpp"
#include "gui/gui_app.hpp"
#include "gui/settings.hpp"
#include "gui_test_support.hpp"
#include "render/gl.hpp"

namespace dbsprog::gui {
namespace {

using testing::hiddenWindow;
using testing::regionStats;
using testing::viewCentre;

std::string glErrorList(const std::vector<unsigned>& errors) {
    std::string out;
    for (unsigned e : errors) out += render::glErrorName(e) + " ";
    return out;
}

class GuiAppTest : public ::testing::Test {
protected:
    void SetUp() override { app_ = std::make_unique<GuiApp>(hiddenWindow()); }
    void TearDown() override { app_.reset(); }

    /// A few frames so auto-sized ImGui items settle, then the last one read back.
    render::Image settle(int frames = 3) {
        for (int i = 1; i < frames; ++i) app_->runFrame();
        return app_->runFrameAndCapture();
    }

    std::unique_ptr<GuiApp> app_;
};

TEST_F(GuiAppTest, RendersFramesWithoutGlError) {
    const render::Image frame = settle(5);
    EXPECT_EQ(frame.width, app_->layout().framebufferWidthPx);
    EXPECT_EQ(frame.height, app_->layout().framebufferHeightPx);
    EXPECT_EQ(frame.width, 1280);
    EXPECT_EQ(frame.height, 800);
    const auto errors = app_->takeGlErrors();
    EXPECT_TRUE(errors.empty()) << glErrorList(errors);
}

TEST_F(GuiAppTest, LayoutPutsPanelLeftAndViewRight) {
    settle();
    const FrameLayout& layout = app_->layout();
    EXPECT_EQ(layout.leftPanel.x, 0);
    EXPECT_GE(layout.leftPanel.width, 400);
    EXPECT_GE(layout.viewImage.x, layout.leftPanel.x + layout.leftPanel.width);
    EXPECT_GE(layout.viewImage.width, 500);
    EXPECT_GE(layout.viewImage.height, 320);  // the patient panel below takes half the height
    EXPECT_GE(layout.patientPanel.y, layout.viewImage.y + layout.viewImage.height);
    EXPECT_GE(layout.patientPanel.height, 250);
    EXPECT_LE(layout.viewImage.x + layout.viewImage.width, 1280);
    EXPECT_LE(layout.viewImage.y + layout.viewImage.height, layout.statusBar.y);
}

TEST_F(GuiAppTest, ViewShowsLeadAndCathodeOfDefaultProgram) {
    // The default case's program has a cathode on the lead; it must show in the cathode colour.
    ASSERT_TRUE(app_->simulation().report.has_value());
    bool hasCathode = false;
    for (const auto& load : app_->simulation().report->contacts) {
        hasCathode = hasCathode || load.polarity == device::Polarity::Cathode;
    }
    ASSERT_TRUE(hasCathode);

    app_->ui().showLabels = false;  // only the lead itself in the statistics
    const render::Image frame = settle();
    const auto stats = regionStats(frame, viewCentre(app_->layout().viewImage));
    // The lead is ~1.3 mm wide, framed to fill most of the view's height: thousands of pixels.
    EXPECT_GT(stats.leadGrey, 3000) << "no lit lead (shaft / unused contacts) in the view";
    // Fibres around the active contact cover part of it; hundreds of red pixels remain.
    EXPECT_GT(stats.cathodeRed, 250) << "no cathode-coloured contact in the view";
    // The programmer's lead diagram shows the same contact as a red tile.
    const auto panel = regionStats(frame, app_->layout().leftPanel);
    EXPECT_GT(panel.cathodeRed, 2000) << "no cathode tile in the lead diagram";
}

TEST_F(GuiAppTest, BipolarProgramColoursAnodeBlueAndCathodeRed) {
    app_->editProgramText("2+ 3- 2.5V 90us 130Hz");
    app_->applyProgramText();
    app_->ui().showLabels = false;
    const render::Image frame = settle();
    const auto& states = app_->leadView().contactStates();
    ASSERT_EQ(states.size(), app_->simulation().lead.contacts.size());
    const auto index2 = app_->simulation().lead.contactIndex("2");
    const auto index3 = app_->simulation().lead.contactIndex("3");
    const auto index1 = app_->simulation().lead.contactIndex("1");
    ASSERT_TRUE(index1 && index2 && index3);
    EXPECT_EQ(states[static_cast<std::size_t>(*index2)], render::ContactState::Anode);
    EXPECT_EQ(states[static_cast<std::size_t>(*index3)], render::ContactState::Cathode);
    EXPECT_EQ(states[static_cast<std::size_t>(*index1)], render::ContactState::Off);

    long blue = 0;
    const PixelRect centre = viewCentre(app_->layout().viewImage);
    for (int y = centre.y; y < centre.y + centre.height; ++y) {
        for (int x = centre.x; x < centre.x + centre.width; ++x) {
            const auto c = testing::pixelAt(frame, x, y);
            if (c.b > 110 && c.b > 2 * c.r && c.b > c.g + 40) ++blue;
        }
    }
    EXPECT_GT(blue, 250) << "no anode-coloured contact in the view";
}

TEST_F(GuiAppTest, LeftPanelShowsText) {
    const render::Image frame = settle();
    const auto stats = regionStats(frame, app_->layout().leftPanel);
    // Text is many sharp light/dark transitions on a dark panel.
    EXPECT_GT(stats.sharpEdges, 3000);
    EXPECT_GT(stats.lumaVariance, 300.0);
    // The status bar carries the training-simulator notice.
    const auto status = regionStats(frame, app_->layout().statusBar);
    EXPECT_GT(status.sharpEdges, 200);
}

TEST_F(GuiAppTest, ApplyingProgramTextChangesValidatedProgram) {
    settle(1);
    const device::Program before = app_->simulation().report->program;
    const device::Program wanted = device::parseProgram("C+ 2- 3.0V 60us 130Hz");
    ASSERT_FALSE(wanted == before);
    const int revision = app_->simulation().programRevision;

    app_->editProgramText("C+ 2- 3.0V 60us 130Hz");
    EXPECT_TRUE(app_->ui().programTextEdited());
    app_->applyProgramText();
    // Nothing changes until the frame's apply point.
    EXPECT_TRUE(app_->simulation().report->program == before);
    app_->runFrame();

    const device::CheckReport& report = *app_->simulation().report;
    EXPECT_NEAR(report.program.amplitude, 3.0, 1e-12);
    EXPECT_NEAR(report.program.pulseWidthUs, 60.0, 1e-12);
    ASSERT_EQ(report.contacts.size(), 1u);
    EXPECT_EQ(report.contacts[0].name, "2");
    EXPECT_EQ(app_->simulation().programRevision, revision + 1);
    EXPECT_TRUE(app_->ui().programError.empty());
    EXPECT_FALSE(app_->ui().programTextEdited());
    EXPECT_EQ(app_->ui().programText, report.program.toString());
    const auto errors = app_->takeGlErrors();
    EXPECT_TRUE(errors.empty()) << glErrorList(errors);
}

TEST_F(GuiAppTest, AmplitudePlusRaisesByExactlyOneGeneratorStep) {
    settle(1);
    const device::Program before = app_->simulation().report->program;
    const double step = app_->simulation().ipg.amplitudeRange(before.mode).step;
    ASSERT_GT(step, 0.0);

    app_->stepAmplitude(+1);  // what the "+" button calls
    app_->runFrame();
    const device::Program after = app_->simulation().report->program;
    EXPECT_NEAR(after.amplitude, before.amplitude + step, 1e-9);
    EXPECT_NEAR(after.pulseWidthUs, before.pulseWidthUs, 1e-12);
    EXPECT_NEAR(after.frequencyHz, before.frequencyHz, 1e-12);
    EXPECT_EQ(app_->ui().programText, after.toString());

    app_->stepAmplitude(-1);  // and "-" takes it back
    app_->runFrame();
    EXPECT_NEAR(app_->simulation().report->program.amplitude, before.amplitude, 1e-9);
}

TEST_F(GuiAppTest, PulseWidthAndFrequencyStepInGeneratorSteps) {
    settle(1);
    const device::Program before = app_->simulation().report->program;
    const device::Ipg& ipg = app_->simulation().ipg;
    app_->stepSetting(Setting::PulseWidth, +1);
    app_->runFrame();
    EXPECT_NEAR(app_->simulation().report->program.pulseWidthUs, before.pulseWidthUs + ipg.pulseWidthUs.step, 1e-9);
    app_->stepSetting(Setting::Frequency, -1);
    app_->runFrame();
    EXPECT_NEAR(app_->simulation().report->program.frequencyHz, before.frequencyHz - ipg.frequencyHz.step, 1e-9);
    // A slider value between steps lands on the generator's grid.
    app_->setSetting(Setting::Amplitude, before.amplitude + 0.37 * ipg.amplitudeRange(before.mode).step);
    app_->runFrame();
    EXPECT_NEAR(app_->simulation().report->program.amplitude, before.amplitude, 1e-9);
}

TEST_F(GuiAppTest, InvalidProgramShowsErrorAndKeepsLastValidProgram) {
    const render::Image clean = settle();
    const device::Program before = app_->simulation().report->program;
    const int revision = app_->simulation().programRevision;
    const auto cleanPanel = regionStats(clean, app_->layout().leftPanel);

    for (const char* bad : {"C+ 9- 3.0V 60us 130Hz", "hello", "C+ 1- 3.0V 60us", ""}) {
        SCOPED_TRACE(bad);
        app_->editProgramText(bad);
        app_->applyProgramText();
        EXPECT_NO_THROW(app_->runFrame());
        EXPECT_FALSE(app_->ui().programError.empty());
        EXPECT_TRUE(app_->simulation().report->program == before);
        EXPECT_EQ(app_->simulation().programRevision, revision);
        EXPECT_EQ(app_->ui().programText, bad);  // the user's text stays for correction
    }
    // The refusal names the offending contact.
    app_->editProgramText("C+ 9- 3.0V 60us 130Hz");
    app_->applyProgramText();
    const render::Image frame = settle();
    EXPECT_NE(app_->ui().programError.find('9'), std::string::npos) << app_->ui().programError;
    // ... and is on screen in red under the field.
    const auto panel = regionStats(frame, app_->layout().leftPanel);
    EXPECT_GT(panel.errorRed, cleanPanel.errorRed + 100);

    // A valid program afterwards clears the error.
    app_->editProgramText(before.toString());
    app_->applyProgramText();
    app_->runFrame();
    EXPECT_TRUE(app_->ui().programError.empty());
    const auto errors = app_->takeGlErrors();
    EXPECT_TRUE(errors.empty()) << glErrorList(errors);
}

TEST_F(GuiAppTest, StepBeyondGeneratorMaximumIsRefusedOrClamped) {
    settle(1);
    const device::Program before = app_->simulation().report->program;
    const device::SteppedRange& range = app_->simulation().ipg.amplitudeRange(before.mode);
    app_->setSetting(Setting::Amplitude, range.max + 100.0);  // slider dragged past the end
    app_->runFrame();
    const device::Program after = app_->simulation().report->program;
    EXPECT_LE(after.amplitude, range.max + 1e-9);
    EXPECT_NO_THROW(app_->runFrame());
}

TEST_F(GuiAppTest, CameraOrbitAndResetAreUiStateOnly) {
    settle(1);
    const render::CameraPose home = app_->ui().camera.pose();
    const int revision = app_->simulation().programRevision;
    app_->ui().camera.orbit(120.0f, -40.0f);
    app_->ui().camera.zoom(2.0f);
    app_->runFrame();
    EXPECT_NE(app_->ui().camera.pose().yawDeg, home.yawDeg);
    EXPECT_LT(app_->ui().camera.pose().distanceMm, home.distanceMm);
    EXPECT_EQ(app_->simulation().programRevision, revision);  // the camera is not simulation state
    app_->resetCamera();
    app_->runFrame();
    EXPECT_FLOAT_EQ(app_->ui().camera.pose().yawDeg, home.yawDeg);
    EXPECT_FLOAT_EQ(app_->ui().camera.pose().distanceMm, home.distanceMm);
}

TEST_F(GuiAppTest, ResizesCleanly) {
    settle(2);
    const PixelRect before = app_->layout().viewImage;
    app_->resizeWindow(960, 640);
    render::Image frame;
    for (int i = 0; i < 20 && (frame.width != 960 || frame.height != 640); ++i) frame = app_->runFrameAndCapture();
    frame = app_->runFrameAndCapture();
    ASSERT_EQ(frame.width, 960);
    ASSERT_EQ(frame.height, 640);
    const PixelRect after = app_->layout().viewImage;
    EXPECT_LT(after.width, before.width);
    EXPECT_LT(after.height, before.height);
    EXPECT_LE(after.x + after.width, 960);
    EXPECT_EQ(app_->leadView().target().widthPx(), after.width);
    EXPECT_EQ(app_->leadView().target().heightPx(), after.height);
    app_->ui().showLabels = false;
    frame = settle(2);
    EXPECT_GT(regionStats(frame, viewCentre(app_->layout().viewImage)).leadGrey, 1000);

    app_->resizeWindow(1400, 900);
    for (int i = 0; i < 20 && frame.width != 1400; ++i) frame = app_->runFrameAndCapture();
    EXPECT_EQ(frame.width, 1400);
    const auto errors = app_->takeGlErrors();
    EXPECT_TRUE(errors.empty()) << glErrorList(errors);
}

TEST(GuiAppCases, EveryShippedCaseOpensAndRendersInEveryModeWithoutGlError) {
    const auto cases = patient::loadCases(DBSPROG_TEST_MODELS_DIR);
    ASSERT_FALSE(cases.empty());
    GuiApp app(testing::hiddenWindow());
    for (const patient::Case& c : cases) {
        SCOPED_TRACE(c.id);
        app.openCase(c.id);  // what the case selector calls
        app.runFrame();
        EXPECT_EQ(app.simulation().patientCase.id, c.id);
        EXPECT_TRUE(app.ui().caseError.empty()) << app.ui().caseError;
        EXPECT_TRUE(app.simulation().report.has_value()) << "the case's own program is refused: " << app.ui().programError;
        EXPECT_EQ(app.leadView().contactStates().size(), app.simulation().lead.contacts.size());
        for (const Mode mode : {Mode::Clinician, Mode::Patient, Mode::Research}) {
            SCOPED_TRACE(modeName(mode));
            app.setMode(mode);
            app.ui().showLabels = false;
            app.runFrame();
            const render::Image frame = app.runFrameAndCapture();
            // The lead in the 3D view, the timeline's axes and labels, and (where shown) the figure.
            EXPECT_GT(testing::regionStats(frame, testing::viewCentre(app.layout().viewImage)).leadGrey, 1000);
            EXPECT_GT(testing::regionStats(frame, app.layout().timeline).sharpEdges, 40);
            if (mode != Mode::Research) {
                const testing::RegionStats figure = testing::regionStats(frame, app.layout().figure);
                EXPECT_GT(figure.lumaVariance, 100.0) << "the figure region is flat";
            }
            app.ui().showLabels = true;
            const auto errors = app.takeGlErrors();
            EXPECT_TRUE(errors.empty()) << glErrorList(errors);
        }
        app.setMode(Mode::Clinician);
    }
}

TEST(GuiAppCases, EveryShippedCaseOpensFromTheCommandLineOption) {
    for (const patient::Case& c : patient::loadCases(DBSPROG_TEST_MODELS_DIR)) {
        SCOPED_TRACE(c.id);
        GuiAppOptions options = testing::hiddenWindow(800, 600);
        options.caseId = c.id;
        GuiApp app(options);
        app.runFrame();
        app.runFrame();
        EXPECT_EQ(app.simulation().patientCase.id, c.id);
        const auto errors = app.takeGlErrors();
        EXPECT_TRUE(errors.empty()) << glErrorList(errors);
    }
}

TEST(GuiAppOptionsTest, UnknownCaseAndBadProgramAreInputErrors) {
    GuiAppOptions options = testing::hiddenWindow();
    options.caseId = "no-such-case";
    EXPECT_THROW(GuiApp{options}, InputError);
    options = testing::hiddenWindow();
    options.programText = "C+ 9- 3.0V 60us 130Hz";
    EXPECT_THROW(GuiApp{options}, InputError);
}

TEST(GuiAppOptionsTest, ProgramOptionReplacesTheCaseProgram) {
    GuiAppOptions options = testing::hiddenWindow();
    options.programText = "C+ 0- 1.5V 60us 130Hz";
    GuiApp app(options);
    app.runFrame();
    ASSERT_TRUE(app.simulation().report.has_value());
    EXPECT_NEAR(app.simulation().report->program.amplitude, 1.5, 1e-12);
    ASSERT_EQ(app.simulation().report->contacts.size(), 1u);
    EXPECT_EQ(app.simulation().report->contacts[0].name, "0");
}

}  // namespace
}  // namespace dbsprog::gui
