// The window's simulation side: the virtual patient follows the program, simulated time runs and
// jumps, the timeline records programming changes, and modes and settings behave.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "dbsprog/io/nifti.hpp"
#include "dbsprog/patient/duration.hpp"
#include "gui/gui_app.hpp"
#include "gui/lead_diagram.hpp"
#include "gui/png_writer.hpp"
#include "gui/settings.hpp"
#include "gui_test_support.hpp"
#include "render/anatomy_view.hpp"
#include "render/lead_view.hpp"

namespace dbsprog::gui {
namespace {

double scoreNow(const GuiApp& app) {
    const auto& sim = app.simulation();
    return sim.patient->severity(sim.patientState).clinicalScore;
}

TEST(GuiSimulation, PatientFollowsProgramAndTime) {
    GuiAppOptions options = testing::hiddenWindow();
    options.programText = "C+ 1- 3.5V 90us 130Hz";
    GuiApp app(options);
    app.runFrame();
    const auto& sim = app.simulation();
    ASSERT_TRUE(sim.patient);
    const double baseline = sim.patientCase.baselineSeverity;
    EXPECT_DOUBLE_EQ(scoreNow(app), baseline);
    EXPECT_GT(sim.evaluation.steadyRelief, 0.5);

    // A follow-up visit three months later: the dystonia has eased, the timeline has the curve.
    app.advanceTime(3.0 * patient::kSecondsPerMonth);
    app.runFrame();
    EXPECT_NEAR(sim.patientState.timeS, 3.0 * patient::kSecondsPerMonth, 1e-6);
    EXPECT_LT(scoreNow(app), 0.75 * baseline);
    EXPECT_GT(sim.history.size(), 20u);
    for (size_t i = 1; i < sim.history.size(); ++i) EXPECT_LE(sim.history[i].clinicalScore, sim.history[i - 1].clinicalScore + 1e-9);

    // Switched off, contractions are back within minutes; the timeline marks the change.
    const size_t events = sim.events.size();
    app.setStimulation(false);
    app.runFrame();
    EXPECT_EQ(sim.evaluation.steadyRelief, 0.0);
    ASSERT_EQ(sim.events.size(), events + 1);
    EXPECT_EQ(sim.events.back().label, "stimulation off");
    app.advanceTime(30.0 * 60.0);
    app.runFrame();
    EXPECT_GT(scoreNow(app), 0.9 * baseline);
}

TEST(GuiSimulation, SwitchingOnRampsUpInAmplitudeStepsOverTheGeneratorsSoftStart) {
    GuiAppOptions options = testing::hiddenWindow();
    options.programText = "C+ 1- 5.0V 90us 130Hz";  // high enough for a side effect at full amplitude
    GuiApp app(options);
    app.runFrame();
    const auto& sim = app.simulation();
    const double rampS = sim.ipg.rampS;
    ASSERT_GT(rampS, 0.0);
    const patient::Evaluation full = sim.evaluation;  // the case opens with stimulation running: no ramp
    EXPECT_FALSE(sim.rampElapsedS.has_value());
    ASSERT_GE(full.maxAcuteGrade, 1);

    app.setStimulation(false);
    app.runFrame();
    const std::size_t events = sim.events.size();
    app.setStimulation(true);
    app.applyPendingEdits();
    ASSERT_TRUE(sim.rampElapsedS.has_value());
    EXPECT_LT(app.deliveredAmplitude(), 0.05 * 5.0 + 1e-9);  // at most the first frame's climb
    EXPECT_FALSE(sim.evaluation.stimulating && sim.evaluation.maxAcuteGrade > 0);

    // Half-way: half the amplitude, on the generator's 0.05 V grid, evaluated as delivered.
    app.advanceRamp(0.5 * rampS - *sim.rampElapsedS);
    const double half = app.deliveredAmplitude();
    EXPECT_NEAR(half, 2.5, 0.05 + 1e-9);
    const double steps = half / sim.ipg.amplitudeV.step;
    EXPECT_NEAR(steps, std::round(steps), 1e-6);
    EXPECT_DOUBLE_EQ(sim.evaluation.program.amplitude, half);
    EXPECT_LE(sim.evaluation.maxAcuteGrade, full.maxAcuteGrade);
    EXPECT_LT(sim.evaluation.steadyRelief, full.steadyRelief);

    // Done: the programmed amplitude, the same evaluation as before, one timeline mark for it all.
    app.advanceRamp(rampS);
    EXPECT_FALSE(sim.rampElapsedS.has_value());
    EXPECT_DOUBLE_EQ(app.deliveredAmplitude(), 5.0);
    EXPECT_EQ(sim.evaluation.pathwayActivation, full.pathwayActivation);
    EXPECT_EQ(sim.evaluation.maxAcuteGrade, full.maxAcuteGrade);
    EXPECT_EQ(sim.events.size(), events + 1);

    // Switching off does not ramp down: nothing is delivered from the next frame.
    app.setStimulation(false);
    app.applyPendingEdits();
    EXPECT_FALSE(sim.evaluation.stimulating);
    EXPECT_FALSE(sim.rampElapsedS.has_value());
}

/// Pixels of the theme's "fine" green (colors::kOk, 120 204 128) in a rectangle: text that says all is well.
long okGreenPixels(const render::Image& image, const PixelRect& rect) {
    long count = 0;
    for (int y = rect.y; y < std::min(image.height, rect.y + rect.height); ++y)
        for (int x = rect.x; x < std::min(image.width, rect.x + rect.width); ++x) {
            const testing::Rgb c = testing::pixelAt(image, x, y);
            count += c.g > 150 && c.g > c.r + 50 && c.g > c.b + 40 ? 1 : 0;
        }
    return count;
}

TEST(GuiSimulation, ImpedanceCheckReadsTheCasesImpedanceOnEveryContact) {
    // Tall enough for the whole programmer panel, so the readings are on screen.
    GuiApp app(testing::hiddenWindow(1280, 1500));
    const render::Image before = app.runFrameAndCapture();
    const auto& sim = app.simulation();
    EXPECT_FALSE(sim.contactImpedancesOhm.has_value());
    app.checkImpedances();
    const render::Image after = app.runFrameAndCapture();
    if (const char* dir = std::getenv("DBSPROG_SNAPSHOT_DIR"); dir && *dir) writePng(std::string(dir) + "/impedance_check.png", after);
    // The readings are drawn: text in the fine colour (each "1000 Ω" is about a hundred pixels of it).
    const PixelRect readings = app.layout().impedanceReadings;
    EXPECT_GT(readings.width * readings.height, 0);
    EXPECT_GT(okGreenPixels(after, readings), 4 * 60);
    EXPECT_EQ(okGreenPixels(before, readings), 0);  // nothing there before the check
    ASSERT_TRUE(sim.contactImpedancesOhm.has_value());
    const std::vector<double>& ohm = *sim.contactImpedancesOhm;
    ASSERT_EQ(ohm.size(), sim.lead.contacts.size());
    // The interface is sized so the lowest contact reads the case's impedance (virtual_patient.hpp);
    // the others differ only by their tissue resistance, a few percent along a ring lead.
    EXPECT_NEAR(*std::min_element(ohm.begin(), ohm.end()), sim.patientCase.impedanceOhm, 1e-6 * sim.patientCase.impedanceOhm);
    for (double value : ohm) {
        EXPECT_GT(value, device::kImpedanceShortOhm);
        EXPECT_LT(value, device::kImpedanceOpenOhm);
        EXPECT_LT(value, 1.1 * sim.patientCase.impedanceOhm);
    }
    // Contacts 1 and 2 of a 3389 sit symmetrically between neighbours: nearly equal.
    EXPECT_NEAR(ohm[1], ohm[2], 0.01 * ohm[1]);
    // A new case clears the old patient's readings.
    app.openCase("cervical-dystonia");
    app.runFrame();
    ASSERT_EQ(sim.patientCase.id, "cervical-dystonia");
    EXPECT_FALSE(sim.contactImpedancesOhm.has_value());
}

TEST(GuiSimulation, ProgramChangesReEvaluateAndMarkTheTimeline) {
    GuiApp app(testing::hiddenWindow());
    app.runFrame();
    const auto& sim = app.simulation();
    const int revision = sim.evaluationRevision;
    const double before = sim.evaluation.pathwayActivation[0];
    app.stepAmplitude(+10);
    app.runFrame();
    EXPECT_GT(sim.evaluationRevision, revision);
    EXPECT_GT(sim.evaluation.pathwayActivation[0], before);
    EXPECT_EQ(sim.events.back().label, sim.report->program.toString());
    // Nothing changed: nothing re-evaluated.
    const int settled = sim.evaluationRevision;
    app.runFrame();
    app.runFrame();
    EXPECT_EQ(sim.evaluationRevision, settled);
}

TEST(GuiSimulation, StressWorsensAndClockRuns) {
    GuiApp app(testing::hiddenWindow());
    app.runFrame();
    app.advanceTime(patient::kSecondsPerMonth);
    app.runFrame();
    const double calm = scoreNow(app);
    app.setStress(1.0);
    app.runFrame();
    EXPECT_NEAR(scoreNow(app), calm * (1.0 + app.simulation().patientCase.stressGain), 1e-9);
    app.setClockSpeed(86400.0);
    const double t0 = app.simulation().patientState.timeS;
    for (int i = 0; i < 3; ++i) app.runFrame();
    EXPECT_GT(app.simulation().patientState.timeS, t0);
    app.setClockSpeed(0.0);
    const double t1 = app.simulation().patientState.timeS;
    app.runFrame();
    EXPECT_EQ(app.simulation().patientState.timeS, t1);
}

TEST(GuiSimulation, AfterOptionStartsLaterAndModeOptionIsKept) {
    GuiAppOptions options = testing::hiddenWindow();
    options.afterS = 6.0 * patient::kSecondsPerMonth;
    options.mode = Mode::Research;
    GuiApp app(options);
    app.runFrame();
    EXPECT_NEAR(app.simulation().patientState.timeS, options.afterS, 1e-6);
    EXPECT_EQ(app.ui().mode, Mode::Research);
    app.setMode(Mode::Patient);
    app.runFrame();
    EXPECT_EQ(app.ui().mode, Mode::Patient);
}

TEST(GuiSimulation, ResearchExportsTheEvaluationAndTheViewsVtaAsNifti) {
    GuiAppOptions options = testing::hiddenWindow();
    options.mode = Mode::Research;
    GuiApp app(options);
    app.runFrame();
    app.runFrame();
    const render::AnatomyView& anatomy = app.leadView().anatomy();
    ASSERT_TRUE(anatomy.vtaGridReady());  // ring lead: built with the case
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "dbsprog-research-export";
    std::filesystem::create_directories(dir);
    const std::string csv = (dir / "evaluation.csv").string(), nii = (dir / "vta.nii").string();
    app.exportEvaluationCsv(csv);
    ASSERT_TRUE(app.exportVtaNifti(nii));
    std::ifstream in(csv);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("kind,id,value,unit"), std::string::npos);
    EXPECT_NE(text.find("vta,volume,"), std::string::npos);
    // The mask's voxels add up to the surface's volume: 0.5 mm voxels against a triangulated surface
    // agree within 10 % (the isosurface tests hold the surface to 4 % of the voxel count on a finer check).
    const io::Volume mask = io::readNifti(nii);
    double voxels = 0.0;
    for (float value : mask.values) voxels += value;
    const double maskMm3 = voxels * mask.spacingMm[0] * mask.spacingMm[1] * mask.spacingMm[2];
    EXPECT_GT(anatomy.vtaVolumeMm3(), 10.0);
    EXPECT_NEAR(maskMm3, anatomy.vtaVolumeMm3(), 0.1 * anatomy.vtaVolumeMm3());
    std::filesystem::remove_all(dir);
}

/// Clicks a named widget where the last frame drew it, through the real ImGui widgets.
void click(GuiApp& app, const std::string& widget) {
    const auto found = app.layout().widgets.find(widget);
    ASSERT_NE(found, app.layout().widgets.end()) << "no widget '" << widget << "' in the last frame";
    const PixelRect& r = found->second;
    app.queueClick(static_cast<float>(r.x) + 0.5f * static_cast<float>(r.width),
                   static_cast<float>(r.y) + 0.5f * static_cast<float>(r.height));
    while (app.scriptedInputPending()) app.runFrame();
}

TEST(GuiSimulation, ScriptedSessionMoveToContactTwoRaiseThreeStepsAdvanceThreeMonths) {
    GuiApp app(testing::hiddenWindow());
    app.runFrame();
    const auto& sim = app.simulation();
    const double start = sim.report->program.amplitude;
    const double step = sim.ipg.amplitudeRange(sim.report->program.mode).step;
    // On the lead diagram: contact 2 off -> cathode, then contact 1 cathode -> anode -> off. (Clicking
    // contact 1 first would leave no cathode, which the generator refuses.)
    click(app, "contact 2");
    click(app, "contact 1");
    click(app, "contact 1");
    EXPECT_TRUE(app.ui().programError.empty()) << app.ui().programError;
    ASSERT_EQ(sim.report->contacts.size(), 1u);
    EXPECT_EQ(sim.report->contacts[0].name, "2");
    EXPECT_EQ(sim.report->contacts[0].polarity, device::Polarity::Cathode);
    for (int i = 0; i < 3; ++i) click(app, "Amplitude +");
    EXPECT_NEAR(sim.report->program.amplitude, start + 3.0 * step, 1e-9);
    // What the panel shows is the program that runs.
    EXPECT_EQ(app.ui().programText, sim.report->program.toString());
    EXPECT_NE(app.ui().programText.find("2-"), std::string::npos);
    click(app, "+3 months");
    EXPECT_NEAR(sim.patientState.timeS, 3.0 * patient::kSecondsPerMonth, 1.0);
    const render::Image frame = app.runFrameAndCapture();
    EXPECT_LT(scoreNow(app), 0.8 * sim.patientCase.baselineSeverity);
    EXPECT_GE(sim.events.size(), 6u);  // opened, three contact clicks, three steps (one refused edit aside)
    // The figure and the timeline are drawn: their areas are not flat background.
    for (const PixelRect& rect : {app.layout().figure, app.layout().timeline}) {
        ASSERT_GT(rect.width, 50);
        ASSERT_GT(rect.height, 50);
        const auto stats = testing::regionStats(frame, rect);
        EXPECT_GT(stats.lumaVariance, 100.0) << "region at " << rect.x << "," << rect.y << " looks empty";
        EXPECT_GT(stats.sharpEdges, 50) << "no outlines or text in the region at " << rect.x << "," << rect.y;
    }
    // The lead diagram shows contact 2 in the cathode's red.
    const PixelRect tile = app.layout().widgets.at("contact 2");
    EXPECT_GT(testing::regionStats(frame, tile).cathodeRed, tile.width * tile.height / 3);
    EXPECT_EQ(testing::regionStats(frame, app.layout().widgets.at("contact 1")).cathodeRed, 0);
}

TEST(GuiSettings, RoundTripAndDamagedFile) {
    const auto dir = std::filesystem::temp_directory_path() / "dbsprog_settings_test";
    std::filesystem::remove_all(dir);
    const std::string path = (dir / "sub" / "gui.json").string();
    GuiSettings s;
    s.mode = Mode::Research;
    s.caseId = "cervical-dystonia";
    s.showGrid = false;
    s.clockSpeed = 3600.0;
    saveSettings(path, s);
    std::string problem;
    const GuiSettings back = loadSettings(path, &problem);
    EXPECT_TRUE(problem.empty()) << problem;
    EXPECT_EQ(back.mode, Mode::Research);
    EXPECT_EQ(back.caseId, "cervical-dystonia");
    EXPECT_FALSE(back.showGrid);
    EXPECT_EQ(back.clockSpeed, 3600.0);
    std::ofstream(path) << "{ not json";
    const GuiSettings damaged = loadSettings(path, &problem);
    EXPECT_NE(problem.find(path), std::string::npos);
    EXPECT_EQ(damaged.mode, Mode::Clinician);
    EXPECT_EQ(loadSettings((dir / "missing.json").string()).caseId, "");
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dbsprog::gui
