// Virtual patients: every shipped case and anatomy loads and evaluates; response, dynamics, review
// and cohort properties (monotonicity, time course, determinism) and the misplaced leads' patterns.
#include <gtest/gtest.h>

#include <cmath>

#include "dbsprog/error.hpp"
#include "dbsprog/patient/cohort.hpp"
#include "dbsprog/patient/duration.hpp"
#include "dbsprog/patient/virtual_patient.hpp"

using namespace dbsprog;
using namespace dbsprog::patient;

namespace {

const std::string kModels = DBSPROG_TEST_MODELS_DIR;

device::Program program(const std::string& text) { return device::parseProgram(text); }

const VirtualPatient& defaultPatient() {
    static const VirtualPatient vp(findCase(kModels, kDefaultCaseId), kModels);
    return vp;
}

std::optional<double> sideEffectThreshold(const Review& r, const std::string& contact) {
    for (const auto& row : r.rows)
        if (row.contact == contact) return row.sideEffectThreshold;
    return std::nullopt;
}

}  // namespace

TEST(Duration, ParsesUnitsAndRefusesTheRest) {
    EXPECT_DOUBLE_EQ(parseDurationS("30s"), 30.0);
    EXPECT_DOUBLE_EQ(parseDurationS("10min"), 600.0);
    EXPECT_DOUBLE_EQ(parseDurationS("1d"), 86400.0);
    EXPECT_DOUBLE_EQ(parseDurationS("3mo"), 3.0 * kSecondsPerMonth);
    EXPECT_DOUBLE_EQ(parseDurationS("1y"), kSecondsPerYear);
    EXPECT_EQ(formatDuration(3.0 * kSecondsPerMonth), "3mo");
    for (const char* bad : {"3parsecs", "", "mo", "-1d", "1 d"}) EXPECT_THROW(parseDurationS(bad, "--after"), InputError) << bad;
}

TEST(VirtualPatients, EveryShippedCaseBuildsAndItsOwnProgramIsBelowGradeTwo) {
    const auto cases = loadCases(kModels);
    ASSERT_GE(cases.size(), 10u);
    for (const auto& c : cases) {
        const VirtualPatient vp(c, kModels);
        EXPECT_GT(vp.engine().axonCount(), 300) << c.id;
        EXPECT_GE(vp.interfaceResistanceOhm(), 0.0) << c.id;
        const Evaluation e = vp.evaluate(c.program);
        EXPECT_LT(e.maxAcuteGrade, 2) << c.id << ": the program the patient arrives with should be tolerable";
        for (double a : e.pathwayActivation) EXPECT_TRUE(a >= 0.0 && a <= 1.0) << c.id;
        EXPECT_GT(e.steadyRelief, 0.0) << c.id;
        // The anatomy's target pathway must be among the case's component pathways.
        for (const auto& comp : c.components)
            EXPECT_EQ(vp.anatomy().pathways[size_t(vp.anatomy().pathwayIndex(comp.pathwayId))].role, PathwayRole::Target) << c.id;
    }
}

TEST(VirtualPatients, ModelImpedanceEqualsTheCaseImpedance) {
    const auto& vp = defaultPatient();
    const Eigen::VectorXd currents = vp.contactCurrentsMa(program("C+ 1- 1.0V 60us 130Hz"));
    // 1 V over 1000 ohm: 1 mA leaves the cathode (ring contacts of a 3389 are alike within a few %).
    EXPECT_NEAR(-currents(1), 1.0, 0.03);
}

TEST(VirtualPatients, ActivationAndSideEffectsRiseWithAmplitude) {
    const auto& vp = defaultPatient();
    std::vector<double> previous(vp.anatomy().pathways.size(), 0.0);
    int previousGrade = 0;
    for (double v = 0.5; v <= 7.0; v += 0.5) {
        char text[64];
        std::snprintf(text, sizeof text, "C+ 1- %.1fV 60us 130Hz", v);
        const Evaluation e = vp.evaluate(program(text));
        for (size_t p = 0; p < previous.size(); ++p) EXPECT_GE(e.pathwayActivation[p], previous[p]) << v << " V";
        EXPECT_GE(e.maxAcuteGrade, previousGrade);
        previous = e.pathwayActivation;
        previousGrade = e.maxAcuteGrade;
    }
    EXPECT_GE(previousGrade, 2) << "7 V at 60 us reaches the capsule";
    const Evaluation off = vp.evaluate(program("C+ 1- 0.0V 60us 130Hz"));
    EXPECT_EQ(off.steadyRelief, 0.0);
    EXPECT_EQ(off.maxAcuteGrade, 0);
}

TEST(VirtualPatients, ScanMatchesDirectEvaluation) {
    const auto& vp = defaultPatient();
    const AmplitudeScan scan = vp.scan(program("C+ 2- 1.0V 90us 130Hz"));
    for (double v : {1.0, 2.5, 4.0, 6.0}) {
        char text[64];
        std::snprintf(text, sizeof text, "C+ 2- %.1fV 90us 130Hz", v);
        const auto direct = vp.evaluate(program(text)).pathwayActivation;
        const auto scanned = scan.pathwayActivation(v);
        for (size_t p = 0; p < direct.size(); ++p) EXPECT_NEAR(scanned[p], direct[p], 0.01) << v << " V pathway " << p;
    }
}

TEST(VirtualPatients, FrequencyResponseFollowsFacts) {
    const auto& f = defaultPatient().frequencyResponse();
    EXPECT_DOUBLE_EQ(f.factor(ComponentKind::DystoniaTonic, 130.0), 1.0);
    EXPECT_EQ(f.factor(ComponentKind::DystoniaTonic, 20.0), 0.0);        // none at low frequency
    EXPECT_GE(f.factor(ComponentKind::DystoniaTonic, 60.0), 0.9);        // 60 Hz works in DYT1 (Alterman 2007)
    EXPECT_LT(f.factor(ComponentKind::Bradykinesia, 5.0), 0.0);          // 5 Hz worsens (Moro 2002)
    EXPECT_NEAR(f.factor(ComponentKind::Tremor, 95.0), f.factor(ComponentKind::Tremor, 165.0), 0.03);  // Kuncel 2006
}

TEST(VirtualPatients, DystoniaImprovesOverWeeksAndReturnsWithinMinutes) {
    const auto& vp = defaultPatient();
    const Evaluation on = vp.evaluate(program("C+ 1- 3.5V 90us 130Hz"));
    const Evaluation off = vp.evaluateOff();
    PatientState s = vp.initialState();
    const double baseline = vp.severity(s).clinicalScore;
    EXPECT_DOUBLE_EQ(baseline, vp.caseData().baselineSeverity);
    vp.advance(s, on, 60.0);
    const double minute = vp.severity(s).clinicalScore;
    vp.advance(s, on, 1.0 * kSecondsPerMonth - 60.0);
    const double month = vp.severity(s).clinicalScore;
    vp.advance(s, on, 11.0 * kSecondsPerMonth);
    const double year = vp.severity(s).clinicalScore;
    EXPECT_GT(minute, 0.97 * baseline) << "no acute benefit in dystonia";
    EXPECT_LT(month, 0.85 * baseline);
    EXPECT_LT(year, month - 0.15 * baseline) << "tonic postures keep improving for months";
    vp.advance(s, off, 30.0 * 60.0);
    EXPECT_GT(vp.severity(s).clinicalScore, 0.9 * baseline) << "back within minutes when switched off";
    // Exact for piecewise-constant programs: one step equals many.
    PatientState a = vp.initialState(), b = vp.initialState();
    vp.advance(a, on, 10.0 * kSecondsPerDay);
    for (int i = 0; i < 10; ++i) vp.advance(b, on, kSecondsPerDay);
    EXPECT_NEAR(vp.severity(a).clinicalScore, vp.severity(b).clinicalScore, 1e-9);
    // Stress worsens contractions.
    a.stress = 1.0;
    EXPECT_NEAR(vp.severity(a).clinicalScore, vp.severity(b).clinicalScore * (1.0 + vp.caseData().stressGain), 1e-9);
}

TEST(VirtualPatients, TremorRespondsWithinSeconds) {
    const VirtualPatient vp(findCase(kModels, "essential-tremor-vim"), kModels);
    PatientState s = vp.initialState();
    const Evaluation on = vp.evaluate(vp.caseData().program);
    vp.advance(s, on, 30.0);
    EXPECT_GT(vp.severity(s).relief, 0.8 * on.steadyRelief);
}

TEST(VirtualPatients, MisplacedLeadsShowTheirSideEffectPattern) {
    ReviewOptions o;
    o.pulseWidthUs = 60.0;
    const Review good = defaultPatient().monopolarReview(o);
    const Review posterior = VirtualPatient(findCase(kModels, "gpi-posterior"), kModels).monopolarReview(o);
    const Review medial = VirtualPatient(findCase(kModels, "gpi-medial"), kModels).monopolarReview(o);
    const Review ventral = VirtualPatient(findCase(kModels, "gpi-ventral"), kModels).monopolarReview(o);
    // Posterior: capsular contractions at lower amplitude on the target contact, a narrow window.
    ASSERT_TRUE(sideEffectThreshold(good, "1") && sideEffectThreshold(posterior, "1"));
    EXPECT_LT(*sideEffectThreshold(posterior, "1"), 0.85 * *sideEffectThreshold(good, "1"));
    // Medial: low capsular thresholds on all contacts.
    for (const auto& row : medial.rows) {
        ASSERT_TRUE(row.sideEffectThreshold) << row.contact;
        EXPECT_LT(*row.sideEffectThreshold, 2.0) << row.contact;
        EXPECT_NE(row.firstSideEffect.find("capsular"), std::string::npos) << row.contact;
    }
    // Ventral: phosphenes first on the deepest contact, at low amplitude.
    EXPECT_NE(ventral.rows[0].firstSideEffect.find("phosphenes"), std::string::npos);
    EXPECT_LT(*ventral.rows[0].sideEffectThreshold, 2.0);
}

TEST(Cohorts, DrawsAreReproducibleAndIndependentOfOrder) {
    const CohortSpec spec = findCohort(kModels, "generalized-dystonia");
    const Case base = findCase(kModels, spec.templateCaseId);
    const auto a = drawCohort(spec, base, 7, 20);
    const Case again = drawPatient(spec, base, 7, 13);
    EXPECT_EQ(a[13].placement.tipOffsetMm, again.placement.tipOffsetMm);
    EXPECT_EQ(a[13].baselineSeverity, again.baselineSeverity);
    const auto other = drawCohort(spec, base, 8, 20);
    EXPECT_NE(a[0].placement.tipOffsetMm, other[0].placement.tipOffsetMm);
    // The draws follow the file's truncated normal: its mean is mu + sd (phi(a) - phi(b)) / (Phi(b) - Phi(a)).
    const auto& d = spec.baselineSeverity;
    const double lo = (d.min - d.mean) / d.sd, hi = (d.max - d.mean) / d.sd;
    auto phi = [](double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI); };
    auto Phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
    const double expected = d.mean + d.sd * (phi(lo) - phi(hi)) / (Phi(hi) - Phi(lo));
    const int n = 400;
    double mean = 0.0;
    for (const auto& c : drawCohort(spec, base, 1, n)) mean += c.baselineSeverity / n;
    EXPECT_NEAR(mean, expected, 3.0 * d.sd / std::sqrt(double(n)));  // three standard errors
    Random r(1, 2);
    double m = 0.0, m2 = 0.0;
    for (int i = 0; i < 20000; ++i) {
        const double x = r.normal();
        m += x / 20000.0;
        m2 += x * x / 20000.0;
    }
    EXPECT_NEAR(m, 0.0, 0.03);
    EXPECT_NEAR(m2, 1.0, 0.04);
}
