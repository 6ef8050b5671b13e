// Patient figure pose, timeline axes and therapeutic-window geometry: pure functions tested as such,
// plus the drawing functions run into an ImGui draw list without a window (no GL needed).
#include <gtest/gtest.h>
#include <imgui.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "dbsprog/patient/duration.hpp"
#include "gui/patient_figure.hpp"
#include "gui/timeline_plot.hpp"
#include "gui/window_chart.hpp"

namespace dbsprog::gui {
namespace {

const std::vector<std::string> kMovements = {"head-turn", "head-tilt",    "head-pull", "trunk-twist", "arm-twist",
                                             "leg-twist", "eyelid-close", "jaw-open",  "hand-cramp",  "hand-tremor"};
const std::vector<double> kTimes = {0.0, 0.37, 2.9, 11.3, 47.0};

std::vector<double> armValues(const ArmPose& a) {
    return {a.shoulderAbductionDeg, a.shoulderFlexionDeg, a.shoulderInternalRotationDeg, a.shoulderElevation01,
            a.elbowFlexionDeg, a.forearmPronationDeg, a.wristFlexionDeg, a.fingerCurl01,
            a.tremorOffsetX, a.tremorOffsetY, a.tremorAmplitude, a.tremorRotationDeg};
}
std::vector<double> legValues(const LegPose& l) {
    return {l.hipAbductionDeg, l.hipInternalRotationDeg, l.kneeFlexionDeg, l.ankleInversionDeg, l.anklePlantarFlexionDeg};
}
/// Every number of a pose, in a fixed order.
std::vector<double> poseValues(const FigurePose& p) {
    std::vector<double> v = {p.headYawDeg, p.headRollDeg, p.headPitchDeg, p.trunkTwistDeg, p.trunkBendDeg,
                             p.eyelidClosure01, p.browLower01, p.jawOpen01};
    for (const auto& part : {armValues(p.rightArm), armValues(p.leftArm), legValues(p.rightLeg), legValues(p.leftLeg)})
        v.insert(v.end(), part.begin(), part.end());
    return v;
}

/// How far a pose is from rest: the sum of absolute differences (degrees and 0..1 shares alike).
double distanceFromRest(const FigurePose& pose) {
    const std::vector<double> rest = poseValues(poseFor({}, 0.0)), now = poseValues(pose);
    double sum = 0.0;
    for (std::size_t i = 0; i < rest.size(); ++i) sum += std::fabs(now[i] - rest[i]);
    return sum;
}

FigurePose single(const std::string& movement, double severity, double t, const std::string& side = "right") {
    return poseFor({{movement, severity, side}}, t);
}

// ---- Pose --------------------------------------------------------------------------------------------

TEST(PatientFigurePose, RestIsUprightAndSymmetric) {
    std::vector<FigureRegion> allAtZero;
    for (const std::string& m : kMovements) allAtZero.push_back({m, 0.0, "right"});
    for (double t : kTimes) {
        for (const FigurePose& pose : {poseFor({}, t), poseFor(allAtZero, t)}) {
            EXPECT_EQ(pose.headYawDeg, 0.0);
            EXPECT_EQ(pose.headRollDeg, 0.0);
            EXPECT_EQ(pose.headPitchDeg, 0.0);
            EXPECT_EQ(pose.trunkTwistDeg, 0.0);
            EXPECT_EQ(pose.trunkBendDeg, 0.0);
            EXPECT_EQ(pose.eyelidClosure01, 0.0);
            EXPECT_EQ(pose.jawOpen01, 0.0);
            EXPECT_EQ(armValues(pose.rightArm), armValues(pose.leftArm));
            EXPECT_EQ(legValues(pose.rightLeg), legValues(pose.leftLeg));
            EXPECT_EQ(pose.rightArm.tremorAmplitude, 0.0);

            // Joints mirror across the midline (x -> -x) and the head faces forward, upright.
            const FigureSkeleton s = skeletonFor(pose);
            const auto mirrored = [](const FigurePoint& r, const FigurePoint& l) {
                EXPECT_NEAR(r.x, -l.x, 1e-9);
                EXPECT_NEAR(r.y, l.y, 1e-9);
                EXPECT_NEAR(r.z, l.z, 1e-9);
            };
            for (const auto& [r, l] : {std::pair{s.rightArm.shoulder, s.leftArm.shoulder}, std::pair{s.rightArm.elbow, s.leftArm.elbow},
                                       std::pair{s.rightArm.wrist, s.leftArm.wrist}, std::pair{s.rightArm.knuckles, s.leftArm.knuckles},
                                       std::pair{s.rightLeg.hip, s.leftLeg.hip}, std::pair{s.rightLeg.knee, s.leftLeg.knee},
                                       std::pair{s.rightLeg.ankle, s.leftLeg.ankle}, std::pair{s.rightLeg.toes, s.leftLeg.toes}})
                mirrored(r, l);
            EXPECT_LT(s.rightArm.shoulder.x, 0.0);  // the patient's right is the viewer's left
            for (const FigurePoint& p : {s.neckBase, s.neckTop, s.headCentre}) EXPECT_NEAR(p.x, 0.0, 1e-12);
            EXPECT_LT(s.headCentre.y, s.neckTop.y);
            EXPECT_LT(s.neckTop.y, s.neckBase.y);
            EXPECT_NEAR(s.faceDirection.z, 1.0, 1e-12);
            EXPECT_NEAR(s.headUp.y, -1.0, 1e-12);
        }
    }
}

TEST(PatientFigurePose, EveryMovementIsMonotonicInSeverity) {
    for (const std::string& movement : kMovements) {
        for (double t : kTimes) {
            double previous = -1.0;
            for (int step = 0; step <= 20; ++step) {
                const double severity = step / 20.0;
                // Tremor moves by design; its amplitude is what grows with severity.
                const FigurePose pose = single(movement, severity, t);
                const double measure = movement == "hand-tremor" ? pose.rightArm.tremorAmplitude : distanceFromRest(pose);
                EXPECT_GE(measure, previous - 1e-12) << movement << " at t=" << t << " severity " << severity;
                previous = measure;
            }
            EXPECT_GT(previous, 0.0) << movement << ": full severity must move the figure";
        }
    }
}

TEST(PatientFigurePose, EachMovementDrivesItsOwnJointsMonotonically) {
    struct Case {
        const char* movement;
        const char* side;
        double (*measure)(const FigurePose&);
    };
    const std::vector<Case> cases = {
        {"head-turn", "right", [](const FigurePose& p) { return p.headYawDeg; }},
        {"head-turn", "left", [](const FigurePose& p) { return -p.headYawDeg; }},
        {"head-tilt", "right", [](const FigurePose& p) { return p.headRollDeg; }},
        {"head-pull", "back", [](const FigurePose& p) { return p.headPitchDeg; }},
        {"head-pull", "forward", [](const FigurePose& p) { return -p.headPitchDeg; }},
        {"trunk-twist", "right", [](const FigurePose& p) { return p.trunkTwistDeg; }},
        {"arm-twist", "right", [](const FigurePose& p) { return p.rightArm.forearmPronationDeg; }},
        {"arm-twist", "right", [](const FigurePose& p) { return p.rightArm.elbowFlexionDeg; }},
        {"arm-twist", "left", [](const FigurePose& p) { return p.leftArm.wristFlexionDeg; }},
        {"hand-cramp", "right", [](const FigurePose& p) { return p.rightArm.fingerCurl01; }},
        {"leg-twist", "right", [](const FigurePose& p) { return p.rightLeg.ankleInversionDeg; }},
        {"eyelid-close", "", [](const FigurePose& p) { return p.eyelidClosure01; }},
        {"jaw-open", "", [](const FigurePose& p) { return p.jawOpen01; }},
    };
    for (const Case& c : cases) {
        for (double t : kTimes) {
            double previous = -std::numeric_limits<double>::infinity();
            for (int step = 0; step <= 20; ++step) {
                const double value = c.measure(single(c.movement, step / 20.0, t, c.side));
                EXPECT_GE(value, previous - 1e-12) << c.movement << "/" << c.side << " t=" << t;
                previous = value;
            }
        }
    }
}

TEST(PatientFigurePose, FullSeverityIsPlainlyDystonic) {
    const double t = 5.0;
    // Head turned about 60 degrees (the drift moves it by at most 20 % of that).
    EXPECT_NEAR(single("head-turn", 1.0, t).headYawDeg, 60.0, 12.0 + 1e-9);
    EXPECT_GE(single("head-tilt", 1.0, t).headRollDeg, 25.0);
    EXPECT_GE(single("head-pull", 1.0, t, "back").headPitchDeg, 25.0);
    EXPECT_GE(single("trunk-twist", 1.0, t).trunkTwistDeg, 20.0);
    const ArmPose arm = single("arm-twist", 1.0, t).rightArm;
    EXPECT_GE(arm.forearmPronationDeg, 45.0);
    EXPECT_GE(arm.elbowFlexionDeg, 60.0);
    EXPECT_GE(arm.fingerCurl01, 0.6);
    EXPECT_GE(single("hand-cramp", 1.0, t).rightArm.fingerCurl01, 0.8);
    EXPECT_GE(single("leg-twist", 1.0, t).rightLeg.ankleInversionDeg, 25.0);
    EXPECT_GE(single("eyelid-close", 1.0, t).eyelidClosure01, 0.8);
    EXPECT_GE(single("jaw-open", 1.0, t).jawOpen01, 0.8);

    // In the skeleton: the face looks toward the patient's right (the viewer's left, -x) and the
    // dystonic hand comes up and in toward the body.
    EXPECT_LT(skeletonFor(single("head-turn", 1.0, t)).faceDirection.x, -0.6);
    const FigureSkeleton rest = skeletonFor(poseFor({}, t)), twisted = skeletonFor(single("arm-twist", 1.0, t));
    EXPECT_LT(twisted.rightArm.wrist.y, rest.rightArm.wrist.y - 10.0);
    EXPECT_GT(twisted.rightArm.wrist.z, rest.rightArm.wrist.z + 5.0);
}

TEST(PatientFigurePose, SidesGoWhereTheyAreNamed) {
    const FigurePose left = single("arm-twist", 1.0, 1.0, "left");
    EXPECT_EQ(armValues(left.rightArm), armValues(poseFor({}, 1.0).rightArm));
    EXPECT_GT(left.leftArm.elbowFlexionDeg, 50.0);
    EXPECT_LT(single("head-turn", 1.0, 1.0, "left").headYawDeg, -40.0);
    EXPECT_GT(single("head-turn", 1.0, 1.0, "").headYawDeg, 40.0);  // empty side: right
    EXPECT_EQ(sideFromText("right-arm"), "right");
    EXPECT_EQ(sideFromText("left-leg"), "left");
    EXPECT_EQ(sideFromText("neck (head pulls back)"), "back");
    EXPECT_EQ(sideFromText("neck (pulls forward)"), "forward");
    EXPECT_EQ(sideFromText("eyelids (blepharospasm)"), "");
}

TEST(PatientFigurePose, TremorOscillatesAtItsFrequencyWithAmplitudeProportionalToSeverity) {
    constexpr double kRateHz = 1000.0, kDurationS = 4.0;
    const auto sweep = [&](double severity, int& upCrossings, double& peak) {
        upCrossings = 0;
        peak = 0.0;
        double previous = single("hand-tremor", severity, 0.0).rightArm.tremorOffsetX;
        for (int i = 1; i <= static_cast<int>(kRateHz * kDurationS); ++i) {
            // Offset by a fraction of a sample so no sample lands exactly on a zero.
            const double x = single("hand-tremor", severity, (i + 0.31) / kRateHz).rightArm.tremorOffsetX;
            if (previous < 0.0 && x >= 0.0) ++upCrossings;
            peak = std::max(peak, std::fabs(x));
            previous = x;
        }
    };
    int crossings = 0, halfCrossings = 0;
    double peak = 0.0, halfPeak = 0.0;
    sweep(1.0, crossings, peak);
    sweep(0.5, halfCrossings, halfPeak);
    EXPECT_NEAR(crossings / kDurationS, kTremorFrequencyHz, 0.5);
    EXPECT_NEAR(halfCrossings / kDurationS, kTremorFrequencyHz, 0.5);
    EXPECT_GT(peak, 0.01);  // a visible swing: over 1 % of the figure's height
    EXPECT_NEAR(halfPeak / peak, 0.5, 0.01);
    EXPECT_NEAR(single("hand-tremor", 1.0, 0.0).rightArm.tremorAmplitude, peak, 0.01 * peak);
    // Only the tremor moves rhythmically: other movements leave the hand's offset alone.
    EXPECT_EQ(single("arm-twist", 1.0, 0.3).rightArm.tremorOffsetX, 0.0);
}

TEST(PatientFigurePose, PhasicDriftIsSlowBoundedAndVisible) {
    double lowest = 1e9, highest = -1e9;
    for (int i = 0; i <= 600; ++i) {
        const double yaw = single("head-turn", 1.0, i * 0.1).headYawDeg;
        lowest = std::min(lowest, yaw);
        highest = std::max(highest, yaw);
        // Slow: less than 10 degrees in a tenth of a second.
        EXPECT_LT(std::fabs(yaw - single("head-turn", 1.0, i * 0.1 + 0.1).headYawDeg), 10.0);
    }
    EXPECT_GE(lowest, 60.0 * (1.0 - kDriftShare) - 1e-9);
    EXPECT_LE(highest, 60.0 * (1.0 + kDriftShare) + 1e-9);
    EXPECT_GT(highest - lowest, 8.0);  // the posture moves, it is not frozen
}

TEST(PatientFigurePose, IsDeterministic) {
    std::vector<FigureRegion> regions;
    for (const std::string& m : kMovements) regions.push_back({m, 0.63, "right"});
    for (double t : kTimes) EXPECT_EQ(poseValues(poseFor(regions, t)), poseValues(poseFor(regions, t)));
    // Out-of-range and unknown input is clamped or ignored, never NaN.
    const FigurePose odd = poseFor({{"head-turn", 7.0, "right"}, {"wiggle", 1.0, ""}, {"jaw-open", -3.0, ""},
                                    {"eyelid-close", std::nan(""), ""}}, std::nan(""));
    for (double v : poseValues(odd)) EXPECT_TRUE(std::isfinite(v));
    EXPECT_EQ(odd.jawOpen01, 0.0);
}

// ---- Time axis ---------------------------------------------------------------------------------------

/// The number at the start of a label ("12 h" -> 12).
double labelNumber(const std::string& label) { return std::strtod(label.c_str(), nullptr); }
std::string labelUnit(const std::string& label) {
    const auto space = label.find(' ');
    return space == std::string::npos ? "" : label.substr(space + 1);
}

TEST(TimelineTicks, SpansFromThirtySecondsToTwoYearsGiveThreeToEightReadableTicks) {
    const double twoYears = 2.0 * 365.25 * 86400.0;
    const std::vector<std::string> units = {"s", "min", "h", "d", "wk", "mo", "y"};
    int previousUnit = 0;
    for (double span = 30.0; span <= twoYears * 1.0001; span *= 1.07) {
        const std::vector<AxisTick> ticks = chooseTimeTicks(span);
        ASSERT_GE(ticks.size(), 3u) << span;
        ASSERT_LE(ticks.size(), 8u) << span;
        EXPECT_EQ(ticks.front().value, 0.0);
        EXPECT_EQ(ticks.front().label, "0");
        EXPECT_LE(ticks.back().value, span);
        const std::string unit = labelUnit(ticks[1].label);
        const auto found = std::find(units.begin(), units.end(), unit);
        ASSERT_NE(found, units.end()) << ticks[1].label;
        // Longer spans never go back to a smaller unit.
        const int unitIndex = static_cast<int>(found - units.begin());
        EXPECT_GE(unitIndex, previousUnit) << span;
        previousUnit = unitIndex;
        for (std::size_t i = 1; i < ticks.size(); ++i) {
            EXPECT_GT(ticks[i].value, ticks[i - 1].value);
            EXPECT_EQ(labelUnit(ticks[i].label), unit) << "one unit per axis";
            EXPECT_GT(labelNumber(ticks[i].label), labelNumber(ticks[i - 1].label));
            // Whole numbers: nobody reads "1.5 wk".
            EXPECT_EQ(labelNumber(ticks[i].label), std::round(labelNumber(ticks[i].label))) << ticks[i].label;
            // Evenly spaced.
            EXPECT_NEAR(ticks[i].value - ticks[i - 1].value, ticks[1].value - ticks[0].value, 1e-6 * span);
        }
    }
}

TEST(TimelineTicks, ChoosesTheUnitAReaderExpects) {
    const auto labels = [](double startS, double endS) {
        std::string all;
        for (const AxisTick& t : chooseTimeTicks(startS, endS)) all += (all.empty() ? "" : ", ") + t.label;
        return all;
    };
    const double day = 86400.0;
    EXPECT_EQ(labels(0, 30), "0, 5 s, 10 s, 15 s, 20 s, 25 s, 30 s");
    EXPECT_EQ(labels(0, 300), "0, 1 min, 2 min, 3 min, 4 min, 5 min");
    EXPECT_EQ(labels(0, 5 * 3600), "0, 1 h, 2 h, 3 h, 4 h, 5 h");
    EXPECT_EQ(labels(0, 10 * day), "0, 2 d, 4 d, 6 d, 8 d, 10 d");
    EXPECT_EQ(labels(0, 35 * day), "0, 1 wk, 2 wk, 3 wk, 4 wk, 5 wk");
    EXPECT_EQ(labels(0, 120 * day), "0, 1 mo, 2 mo, 3 mo");
    EXPECT_EQ(labels(0, 3 * 365.25 * day), "0, 1 y, 2 y, 3 y");
    // A window that does not start at zero: ticks on whole multiples inside it.
    EXPECT_EQ(labels(100, 400), "2 min, 3 min, 4 min, 5 min, 6 min");
    EXPECT_TRUE(chooseTimeTicks(5, 5).empty());
    EXPECT_LE(chooseTimeTicks(0, 120 * day, 3).size(), 3u);  // a narrow plot asks for fewer
}

TEST(TimelineTicks, ValueTicksOnRoundSteps) {
    const auto values = [](double maxValue) {
        std::string all;
        for (const AxisTick& t : chooseValueTicks(maxValue)) all += (all.empty() ? "" : " ") + t.label;
        return all;
    };
    EXPECT_EQ(values(120), "0 20 40 60 80 100 120");  // BFMDRS movement
    EXPECT_EQ(values(35), "0 10 20 30");              // TWSTRS severity
    EXPECT_EQ(values(4), "0 1 2 3 4");                // tremor rating
    EXPECT_EQ(values(3.5), "0 1 2 3");
    EXPECT_EQ(values(1), "0 0.2 0.4 0.6 0.8 1");
    for (double m = 0.3; m < 5000.0; m *= 1.13) {
        const std::vector<AxisTick> ticks = chooseValueTicks(m);
        EXPECT_GE(ticks.size(), 3u) << m;
        EXPECT_LE(ticks.size(), 7u) << m;
        EXPECT_LE(ticks.back().value, m * (1 + 1e-9));
        EXPECT_EQ(ticks.front().value, 0.0);
    }
}

TEST(TimelineTicks, DurationsReadLikeAClinicianWritesThem) {
    const double minute = 60, hour = 3600, day = 86400;
    EXPECT_EQ(formatDuration(45), "45 s");
    EXPECT_EQ(formatDuration(2 * minute + 30), "2 min 30 s");
    EXPECT_EQ(formatDuration(25 * minute), "25 min");
    EXPECT_EQ(formatDuration(3 * hour + 20 * minute), "3 h 20 min");
    EXPECT_EQ(formatDuration(2 * day + 4 * hour), "2 d 4 h");
    EXPECT_EQ(formatDuration(23 * day), "3 wk 2 d");
    EXPECT_EQ(formatDuration(152.2 * day), "5 mo");
    EXPECT_EQ(formatDuration(3 * 365.25 * day), "3 y");
}

TEST(TimelineTicks, DurationsInWordsForPatientsUseWholeUnits) {
    const double minute = 60, hour = 3600, day = 86400, month = patient::kSecondsPerMonth;
    EXPECT_EQ(durationInWords(0), "a few seconds");
    EXPECT_EQ(durationInWords(45), "a few seconds");
    EXPECT_EQ(durationInWords(minute), "1 minute");
    EXPECT_EQ(durationInWords(25 * minute), "25 minutes");
    EXPECT_EQ(durationInWords(3 * hour + 20 * minute), "3 hours");
    EXPECT_EQ(durationInWords(day), "1 day");
    EXPECT_EQ(durationInWords(23 * day), "3 weeks");
    EXPECT_EQ(durationInWords(3 * month), "3 months");  // the "+3 months" follow-up visit
    EXPECT_EQ(durationInWords(13 * month), "1 year");
}

TEST(TimelineTicks, RangeCoversSamplesMarkersAndNow) {
    TimelineData data;
    EXPECT_EQ(timelineRange(data), std::make_pair(0.0, kMinTimelineSpanS));
    data.samples = {{0, 40}, {500, 30}};
    data.markers = {{900, "off"}};
    data.nowS = 700;
    EXPECT_EQ(timelineRange(data), std::make_pair(0.0, 900.0));
    data.nowS = 2000;
    EXPECT_EQ(timelineRange(data).second, 2000.0);
}

// ---- Therapeutic window --------------------------------------------------------------------------------

TEST(WindowChartGeometry, AmplitudeMapsLinearlyOntoTheAxis) {
    const AmplitudeAxis axis{5.0, 100.0f, 600.0f};
    EXPECT_FLOAT_EQ(axis.toX(0.0), 100.0f);
    EXPECT_FLOAT_EQ(axis.toX(5.0), 600.0f);
    EXPECT_FLOAT_EQ(axis.toX(2.5), 350.0f);
    for (double a = 0.0; a <= 4.5; a += 0.25) {
        // Equal amplitude steps, equal pixel steps; and back again.
        EXPECT_NEAR(axis.toX(a + 0.5) - axis.toX(a), 50.0f, 1e-3);
        EXPECT_NEAR(axis.toAmplitude(axis.toX(a)), a, 1e-6);
    }
    EXPECT_FLOAT_EQ(axis.toX(-1.0), 100.0f);  // outside the axis: pinned to its ends
    EXPECT_FLOAT_EQ(axis.toX(9.0), 600.0f);
}

TEST(WindowChartGeometry, BarKindsAndExtents) {
    const double max = 5.0;
    ContactWindow c;
    EXPECT_EQ(windowBarFor(c, max).kind, WindowKind::Untested);

    c.reviewEfficacy = 1.2;
    c.reviewSideEffect = 3.4;
    WindowBar bar = windowBarFor(c, max);
    EXPECT_EQ(bar.kind, WindowKind::Positive);
    EXPECT_DOUBLE_EQ(bar.from, 1.2);
    EXPECT_DOUBLE_EQ(bar.to, 3.4);
    EXPECT_DOUBLE_EQ(*bar.width, 2.2);

    c.userEfficacy = 1.5;  // the user's finding overrides the review's
    bar = windowBarFor(c, max);
    EXPECT_DOUBLE_EQ(bar.from, 1.5);
    EXPECT_DOUBLE_EQ(*bar.width, 1.9);

    c.userSideEffect = 1.1;  // side effect before benefit
    bar = windowBarFor(c, max);
    EXPECT_EQ(bar.kind, WindowKind::Negative);
    EXPECT_DOUBLE_EQ(bar.from, 1.1);
    EXPECT_DOUBLE_EQ(bar.to, 1.5);
    EXPECT_LT(*bar.width, 0.0);

    ContactWindow open;
    open.reviewEfficacy = 2.2;
    bar = windowBarFor(open, max);
    EXPECT_EQ(bar.kind, WindowKind::OpenEnded);
    EXPECT_DOUBLE_EQ(bar.to, max);
    EXPECT_FALSE(bar.width.has_value());

    ContactWindow noBenefit;
    noBenefit.reviewSideEffect = 2.0;
    bar = windowBarFor(noBenefit, max);
    EXPECT_EQ(bar.kind, WindowKind::NoBenefit);
    EXPECT_DOUBLE_EQ(bar.from, 0.0);
    EXPECT_DOUBLE_EQ(bar.to, 2.0);

    // The bar's pixels are the axis map of its amplitudes.
    const AmplitudeAxis axis{max, 40.0f, 540.0f};
    EXPECT_FLOAT_EQ(axis.toX(windowBarFor(c, max).to) - axis.toX(windowBarFor(c, max).from), 0.4f * 100.0f);
}

TEST(WindowChartGeometry, AmplitudesPrintInTheProgramsUnit) {
    EXPECT_EQ(formatAmplitude(2.0, "V"), "2.0 V");
    EXPECT_EQ(formatAmplitude(1.35, "mA"), "1.35 mA");
    EXPECT_EQ(formatAmplitude(0.1, "V"), "0.1 V");
}

// ---- Drawing, headless ---------------------------------------------------------------------------------

/// An ImGui frame with a built font atlas and no renderer: widgets draw into the window's list.
class HeadlessFrame : public ::testing::Test {
protected:
    void SetUp() override {
        previous_ = ImGui::GetCurrentContext();  // leave any other test's context as it was
        context_ = ImGui::CreateContext();
        ImGui::SetCurrentContext(context_);
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.DisplaySize = ImVec2(1200, 900);
        io.DeltaTime = 1.0f / 60.0f;
        unsigned char* pixels = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
        ImGui::NewFrame();
        ImGui::SetNextWindowPos({0, 0});
        ImGui::SetNextWindowSize(io.DisplaySize);
        ImGui::Begin("test", nullptr, ImGuiWindowFlags_NoDecoration);
    }
    void TearDown() override {
        ImGui::End();
        ImGui::Render();
        ImGui::DestroyContext(context_);
        ImGui::SetCurrentContext(previous_);
    }
    /// Bounding box of the vertices drawn by `draw`.
    template <typename Draw>
    std::pair<ImVec2, ImVec2> drawnBounds(Draw draw, int* vertices = nullptr) {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const int before = dl->VtxBuffer.Size;
        draw(dl);
        ImVec2 lo{1e9f, 1e9f}, hi{-1e9f, -1e9f};
        for (int i = before; i < dl->VtxBuffer.Size; ++i) {
            const ImVec2 p = dl->VtxBuffer[i].pos;
            lo = {std::min(lo.x, p.x), std::min(lo.y, p.y)};
            hi = {std::max(hi.x, p.x), std::max(hi.y, p.y)};
        }
        if (vertices) *vertices = dl->VtxBuffer.Size - before;
        return {lo, hi};
    }
    ImGuiContext* context_ = nullptr;
    ImGuiContext* previous_ = nullptr;
};

TEST_F(HeadlessFrame, FigureFitsItsRectangleAtEverySeverityAndSize) {
    std::vector<FigureRegion> everything;
    for (const std::string& m : kMovements) everything.push_back({m, 1.0, "right"});
    for (const ImVec2 size : {ImVec2(150, 250), ImVec2(372, 600), ImVec2(600, 300)}) {
        const ImVec2 topLeft{20, 30};
        for (double severity : {0.0, 0.5, 1.0}) {
            std::vector<FigureRegion> regions = everything;
            for (FigureRegion& r : regions) r.severity01 = severity;
            int vertices = 0;
            const auto [lo, hi] = drawnBounds([&](ImDrawList* dl) { drawPatientFigure(dl, topLeft, size, poseFor(regions, 3.0)); }, &vertices);
            EXPECT_GT(vertices, 500) << "a filled figure, not a stick figure";
            // One pixel of anti-aliasing fringe is allowed.
            EXPECT_GE(lo.x, topLeft.x - 1.0f);
            EXPECT_GE(lo.y, topLeft.y - 1.0f);
            EXPECT_LE(hi.x, topLeft.x + size.x + 1.0f);
            EXPECT_LE(hi.y, topLeft.y + size.y + 1.0f);
            // It uses the rectangle: at least 85 % of its height.
            EXPECT_GT(hi.y - lo.y, 0.85f * std::min(size.y, size.x / kFigureAspect));
        }
    }
}

TEST_F(HeadlessFrame, RestingFigureIsDrawnSymmetric) {
    const ImVec2 topLeft{100, 50}, size{240, 400};
    const auto [lo, hi] = drawnBounds([&](ImDrawList* dl) { drawPatientFigure(dl, topLeft, size, poseFor({}, 0.0)); });
    const float centre = topLeft.x + 0.5f * size.x;
    EXPECT_NEAR(centre - lo.x, hi.x - centre, 1.0f);
    // A twisted trunk and arm move the drawing itself off the midline, not just the numbers.
    const auto [tlo, thi] = drawnBounds([&](ImDrawList* dl) {
        drawPatientFigure(dl, topLeft, size, poseFor({{"arm-twist", 1.0, "right"}, {"trunk-twist", 1.0, "right"}}, 0.0));
    });
    EXPECT_GT(std::fabs((centre - tlo.x) - (thi.x - centre)), 3.0f);
}

TEST_F(HeadlessFrame, TimelineAndWindowChartStayInsideTheirRectangles) {
    TimelineData timeline;
    timeline.scaleMax = 120;
    timeline.scaleName = "BFMDRS movement";
    timeline.baselineScore = 48;
    timeline.nowS = 40 * 86400.0;
    for (int i = 0; i <= 5000; ++i) timeline.samples.push_back({timeline.nowS * i / 5000, 48 - 20 * (1 - std::exp(-i / 900.0))});
    timeline.markers = {{86400.0, "C+ 1- 2.0 V"}, {20 * 86400.0, "2.5 V"}};
    WindowChartData window;
    window.contacts = {{"0", 1.0, 3.0, std::nullopt, std::nullopt, "", false}, {"1", 2.0, 1.5, std::nullopt, std::nullopt, "", true},
                       {"2", std::nullopt, std::nullopt, std::nullopt, std::nullopt, "", false}};
    window.presentAmplitude = 2.0;

    for (const ImVec2 size : {ImVec2(700, 240), ImVec2(300, 150)}) {
        const ImVec2 topLeft{10, 10};
        int vertices = 0;
        auto [lo, hi] = drawnBounds([&](ImDrawList* dl) { drawTimelinePlot(dl, topLeft, size, timeline); }, &vertices);
        EXPECT_GT(vertices, 100);
        EXPECT_GE(lo.x, topLeft.x - 1.0f);
        EXPECT_LE(hi.x, topLeft.x + size.x + 1.0f);
        EXPECT_GE(lo.y, topLeft.y - 1.0f);
        EXPECT_LE(hi.y, topLeft.y + size.y + 1.0f);

        std::tie(lo, hi) = drawnBounds([&](ImDrawList* dl) { drawWindowChart(dl, topLeft, size, window); }, &vertices);
        EXPECT_GT(vertices, 100);
        EXPECT_GE(lo.x, topLeft.x - 1.0f);
        EXPECT_LE(hi.x, topLeft.x + size.x + 1.0f);
        EXPECT_GE(lo.y, topLeft.y - 1.0f);
        EXPECT_LE(hi.y, topLeft.y + size.y + 1.0f);
    }
    // Nothing to show is not an error.
    drawTimelinePlot(ImGui::GetWindowDrawList(), {0, 0}, {400, 200}, TimelineData{});
    drawWindowChart(ImGui::GetWindowDrawList(), {0, 0}, {400, 200}, WindowChartData{});
}

}  // namespace
}  // namespace dbsprog::gui
