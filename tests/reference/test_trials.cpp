// Simulated trials against the published figures (FACTS.md "Dystonia (GPi)", "Impedance and energy").
// Each cohort's relief and placebo distributions were fitted to the figure named in its file; the
// tolerances are the published spread (SD) or, where none is given, stated here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "dbsprog/patient/duration.hpp"
#include "dbsprog/patient/trial.hpp"

using namespace dbsprog::patient;

namespace {

const std::string kModels = DBSPROG_TEST_MODELS_DIR;
constexpr int kThreads = 2;

TrialSpec spec(const std::string& cohort, int n, double pulseWidthUs, double frequencyHz, std::vector<std::string> times,
               bool sham = false) {
    TrialSpec s;
    s.name = cohort;
    s.cohortId = cohort;
    s.patientsPerArm = n;
    s.seed = 1;
    s.pulseWidthUs = pulseWidthUs;
    s.frequencyHz = frequencyHz;
    s.marginBelowSideEffect = 0.5;
    s.arms.push_back({"stimulation", true, std::nullopt});
    if (sham) s.arms.push_back({"sham", false, 3.0 * kSecondsPerMonth});
    for (const auto& t : times) s.timePointsS.push_back(parseDurationS(t));
    return s;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

}  // namespace

TEST(Trials, GeneralizedDystoniaShamControlledAndOneYear) {
    const TrialResult r = runTrial(spec("generalized-dystonia", 20, 90.0, 130.0, {"3mo", "12mo"}, true), kModels, kThreads);
    const auto& stim = r.arms[0].points;
    const auto& sham = r.arms[1].points;
    // Kupsch 2006 at 3 months: -15.8 +- 14.1 stimulation vs -1.4 +- 3.8 sham (points).
    EXPECT_NEAR(stim[0].meanChange, -15.8, 14.1 / std::sqrt(20.0) * 2.0);
    EXPECT_NEAR(stim[0].sdChange, 14.1, 0.5 * 14.1);
    EXPECT_NEAR(sham[0].meanChange, -1.4, 3.8 / std::sqrt(20.0) * 2.0);
    EXPECT_NEAR(sham[0].sdChange, 3.8, 0.5 * 3.8);
    // Vidailhet 2005 at 12 months: 46.3 +- 21.3 -> 21.0 +- 14.1, about 51 %.
    EXPECT_NEAR(stim[1].meanPercentChange, -51.0, 10.0);
    EXPECT_LT(stim[1].meanChange, stim[0].meanChange) << "improvement continues from 3 to 12 months";
}

TEST(Trials, Dyt1OnsetAt60HzLikeAlterman) {
    // Alterman 2007: median 38 % at 1 month, 89 % at 1 year, at 60 Hz, mostly DYT1.
    const TrialResult r = runTrial(spec("dyt1", 15, 120.0, 60.0, {"1mo", "12mo"}), kModels, kThreads);
    EXPECT_NEAR(r.arms[0].points[0].medianPercentChange, -38.0, 12.0);
    EXPECT_NEAR(r.arms[0].points[1].medianPercentChange, -89.0, 12.0);
}

TEST(Trials, CervicalDystoniaShamControlledLikeVolkmann) {
    // Volkmann 2014: TWSTRS severity -26 % vs -6 % sham at 3 months (180 Hz, 120 us).
    const TrialResult r = runTrial(spec("cervical-dystonia", 20, 120.0, 180.0, {"3mo"}, true), kModels, kThreads);
    EXPECT_NEAR(r.arms[0].points[0].meanPercentChange, -26.0, 8.0);
    EXPECT_NEAR(r.arms[1].points[0].meanPercentChange, -6.0, 5.0);
}

TEST(Trials, Dyt1BetterThanDyskineticCerebralPalsy) {
    // Artusi 2020: DYT-TOR1A 68 %; Vidailhet 2009: dyskinetic CP 24.4 +- 21.1 % at 1 year.
    const TrialResult dyt1 = runTrial(spec("dyt1", 15, 90.0, 130.0, {"12mo"}), kModels, kThreads);
    const TrialResult cp = runTrial(spec("dyskinetic-cp", 15, 90.0, 130.0, {"12mo"}), kModels, kThreads);
    EXPECT_NEAR(dyt1.arms[0].points[0].meanPercentChange, -68.0, 12.0);
    EXPECT_NEAR(cp.arms[0].points[0].meanPercentChange, -24.4, 21.1 / std::sqrt(15.0) * 2.0);
    EXPECT_NEAR(cp.arms[0].points[0].sdPercentChange, 21.1, 0.5 * 21.1);
}

TEST(Trials, AmplitudeFallsWithPulseWidthLikeVercueil) {
    // Vercueil 2007: 10 % below the side-effect threshold, 4.46 V at 60 us, 3.45 V at 120, 2.47 V at 450.
    const std::vector<std::pair<double, double>> published{{60.0, 4.46}, {120.0, 3.45}, {450.0, 2.47}};
    std::vector<double> model;
    for (const auto& [pw, volts] : published) {
        const TrialResult r = runTrial(spec("generalized-dystonia", 12, pw, 130.0, {"1d"}), kModels, kThreads);
        double sum = 0.0;
        for (const auto& p : r.patients) sum += 0.9 * p.sideEffectThreshold / double(r.patients.size());
        model.push_back(sum);
        std::printf("Vercueil %.0f us: model %.2f V, published %.2f V\n", pw, sum, volts);
        EXPECT_NEAR(sum, volts, 0.2 * volts) << pw << " us";
    }
    EXPECT_GT(model[0], model[1]);
    EXPECT_GT(model[1], model[2]);
}

TEST(Trials, BatteryLifeAt130VersusSixtyHzLikeIsaias) {
    // Isaias 2009: at 130 Hz generators were replaced about every 24 months; none of those started at
    // 60 Hz within 48 months. Pulse width 120 us (assumed: the cohort's settings were not in FACTS.md).
    std::vector<double> life130, life60;
    for (const auto& p : runTrial(spec("generalized-dystonia", 12, 120.0, 130.0, {"1d"}), kModels, kThreads).patients)
        life130.push_back(*p.batteryLifeMonths);
    for (const auto& p : runTrial(spec("generalized-dystonia", 12, 120.0, 60.0, {"1d"}), kModels, kThreads).patients)
        life60.push_back(*p.batteryLifeMonths);
    EXPECT_NEAR(median(life130), 24.0, 12.0);
    std::printf("battery life median: %.1f months at 130 Hz, %.1f at 60 Hz\n", median(life130), median(life60));
    EXPECT_GT(median(life60), 40.0);
    EXPECT_GT(median(life60), 1.6 * median(life130));
}

TEST(Trials, BitIdenticalOnOneOrTwoThreads) {
    const TrialSpec s = spec("generalized-dystonia", 3, 90.0, 130.0, {"1mo", "3mo"}, true);
    const TrialResult one = runTrial(s, kModels, 1);
    const TrialResult two = runTrial(s, kModels, 2);
    ASSERT_EQ(one.patients.size(), two.patients.size());
    for (size_t i = 0; i < one.patients.size(); ++i) {
        EXPECT_EQ(one.patients[i].amplitude, two.patients[i].amplitude);
        EXPECT_EQ(one.patients[i].scores, two.patients[i].scores);  // exact, not approximate
    }
    EXPECT_EQ(one.arms[0].points[1].meanChange, two.arms[0].points[1].meanChange);
}
