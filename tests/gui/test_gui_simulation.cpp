// The window's simulation side: the virtual patient follows the program, simulated time runs and
// jumps, the timeline records programming changes, and modes and settings behave.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "dbsprog/patient/duration.hpp"
#include "gui/gui_app.hpp"
#include "gui/lead_diagram.hpp"
#include "gui/settings.hpp"
#include "gui_test_support.hpp"

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

TEST(GuiSimulation, ScriptedSessionMoveToContactTwoRaiseThreeStepsAdvanceThreeMonths) {
    GuiApp app(testing::hiddenWindow());
    app.runFrame();
    const auto& sim = app.simulation();
    const double start = sim.report->program.amplitude;
    const double step = sim.ipg.amplitudeRange(sim.report->program.mode).step;
    // Click contact 1 (cathode -> anode -> off) and contact 2 (off -> cathode) on the lead diagram.
    device::Program p = sim.report->program;
    p = cycleContact(p, sim.lead, sim.ipg, "1");
    p = cycleContact(p, sim.lead, sim.ipg, "1");
    p = cycleContact(p, sim.lead, sim.ipg, "2");
    app.ui().pendingProgram = p;
    app.runFrame();
    ASSERT_EQ(sim.report->contacts.size(), 1u);
    EXPECT_EQ(sim.report->contacts[0].name, "2");
    for (int i = 0; i < 3; ++i) {
        app.stepAmplitude(+1);
        app.runFrame();
    }
    EXPECT_NEAR(sim.report->program.amplitude, start + 3.0 * step, 1e-9);
    // What the panel shows is the program that runs.
    EXPECT_EQ(app.ui().programText, sim.report->program.toString());
    EXPECT_NE(app.ui().programText.find("2-"), std::string::npos);
    app.advanceTime(3.0 * patient::kSecondsPerMonth);
    const render::Image frame = app.runFrameAndCapture();
    EXPECT_LT(scoreNow(app), 0.8 * sim.patientCase.baselineSeverity);
    EXPECT_GE(sim.events.size(), 5u);  // opened, contact changes, three steps
    // The figure and the timeline are drawn: their areas are not flat background.
    for (const PixelRect& rect : {app.layout().figure, app.layout().timeline}) {
        ASSERT_GT(rect.width, 50);
        ASSERT_GT(rect.height, 50);
        const auto stats = testing::regionStats(frame, rect);
        EXPECT_GT(stats.lumaVariance, 100.0) << "region at " << rect.x << "," << rect.y << " looks empty";
        EXPECT_GT(stats.sharpEdges, 50) << "no outlines or text in the region at " << rect.x << "," << rect.y;
    }
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
