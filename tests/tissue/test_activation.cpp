// Axon activation (cable-driven activating function): calibration residuals against the MRG reference,
// out-of-sample checks against Astrom 2015, and physical properties.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "dbsprog/device/catalog.hpp"
#include "dbsprog/tissue/activation.hpp"
#include "radial_reference_conductor.hpp"

using namespace dbsprog;
using namespace dbsprog::tissue;

namespace {
const device::Lead& lead3389() {
    static const auto cat = device::loadCatalog(DBSPROG_TEST_MODELS_DIR);
    return cat.lead("3389");
}
const ActivationParams& params() {
    static const auto p = defaultActivationParams(DBSPROG_TEST_MODELS_DIR);
    return p;
}
const testref::RadialProfile& profile() {
    static const auto p = testref::RadialProfile::load(std::string(DBSPROG_TEST_DATA_DIR) + "/reference/fem_3389_c1_monopolar_radial.csv");
    return p;
}

/// The reference axon geometry: straight, perpendicular to the lead in the plane of contact 1, passing
/// `distanceMm` from the axis, 40 mm long (as the reference: long enough that its sealed ends do not
/// matter) with its centre (a node) at the closest point.
constexpr double kHalfLengthMm = 20.0;
Axon referenceAxon(double distanceMm, double diameterUm) {
    const double half = kHalfLengthMm;
    return {{Eigen::Vector3d(distanceMm, -half, 4.25), Eigen::Vector3d(distanceMm, half, 4.25)}, diameterUm};
}

/// Threshold (mA) of one axon in the reference field, for a monophasic pulse of the given polarity.
double threshold(const Axon& axon, double pulseWidthUs, bool cathodic = true) {
    testref::RadialReferenceConductor conductor(lead3389(), profile());
    // The reference geometry has a node at the closest point: shift the start so one lands there.
    Axon centred = axon;
    const double internode = params().internodeMm(axon.diameterUm);
    const double half = std::floor(kHalfLengthMm / internode) * internode;
    centred.pathMm = {Eigen::Vector3d(axon.pathMm[0].x(), -half, 4.25), Eigen::Vector3d(axon.pathMm[0].x(), half, 4.25)};
    ActivationEngine engine(conductor, {{"axon", {centred}}}, params());
    Eigen::VectorXd unit = Eigen::VectorXd::Zero(4);
    unit(1) = cathodic ? -1.0 : 1.0;
    return engine.thresholdAmplitudes(unit, pulseWidthUs).at(0);
}

struct MrgPoint { double pulseWidthUs, thresholdMa; };
std::vector<MrgPoint> mrgReference() {
    std::ifstream in(std::string(DBSPROG_TEST_DATA_DIR) + "/reference/mrg_5.7um_3mm_thresholds.csv");
    std::vector<MrgPoint> out;
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        std::vector<std::string> cells;
        std::stringstream ss(line);
        for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
        out.push_back({std::stod(cells.at(3)), std::stod(cells.at(5))});
    }
    return out;
}
}  // namespace

TEST(AxonNodes, SampledAtTheInternodalSpacingFromTheStart) {
    const auto nodes = sampleNodes({Eigen::Vector3d(3, -10, 4.25), Eigen::Vector3d(3, 10, 4.25)}, 0.5);
    ASSERT_EQ(nodes.size(), 41u);
    EXPECT_NEAR(nodes[20].y(), 0.0, 1e-12);  // a node at the centre, as in the reference setup
    // A bent path keeps the spacing along the arc.
    const auto bent = sampleNodes({Eigen::Vector3d(0, 0, 0), Eigen::Vector3d(0.75, 0, 0), Eigen::Vector3d(0.75, 1.25, 0)}, 0.5);
    ASSERT_EQ(bent.size(), 5u);
    EXPECT_NEAR((bent[2] - Eigen::Vector3d(0.75, 0.25, 0)).norm(), 0.0, 1e-12);
    EXPECT_NEAR((bent[4] - Eigen::Vector3d(0.75, 1.25, 0)).norm(), 0.0, 1e-12);
}

TEST(AxonNodes, InternodeFollowsTheMrgTable) {
    EXPECT_NEAR(params().internodeMm(5.7), 0.5, 1e-12);   // the reference's 0.5 mm
    EXPECT_NEAR(params().internodeMm(10.0), 1.15, 1e-12);
    EXPECT_NEAR(params().internodeMm(2.85), 0.25, 1e-12);  // proportional below the table
}

TEST(CableResponse, SymmetricAndBlindToUniformPotential) {
    const Eigen::MatrixXd g = cableResponseMatrix(21, 90.0, params());
    EXPECT_LT((g - g.transpose()).cwiseAbs().maxCoeff(), 1e-12);
    // A uniform extracellular potential has no activating function: no response.
    EXPECT_LT((g * Eigen::VectorXd::Ones(21)).cwiseAbs().maxCoeff(), 1e-12);
    // A local potential well depolarises its node more the longer the pulse lasts.
    Eigen::VectorXd well = Eigen::VectorXd::Zero(21);
    well(10) = -1.0;
    double last = 0.0;
    for (double pw : {30.0, 60.0, 120.0, 450.0}) {
        const double v = (cableResponseMatrix(21, pw, params()) * well)(10);
        EXPECT_GT(v, last) << pw;
        last = v;
    }
}

TEST(ActivationCalibration, MatchesMrgReferenceWithin10Percent) {
    // Calibration residuals (the parameters in models/axons/activation.json were fitted to these points).
    for (const auto& ref : mrgReference()) {
        const double t = threshold(referenceAxon(3.0, 5.7), ref.pulseWidthUs);
        const double err = t / ref.thresholdMa - 1.0;
        std::printf("  MRG 5.7 um at 3 mm, %3.0f us: reference %.4f mA, model %.4f mA, %+.2f %%\n", ref.pulseWidthUs,
                    ref.thresholdMa, t, 100 * err);
        EXPECT_LT(std::fabs(err), 0.10) << ref.pulseWidthUs;
        EXPECT_LT(std::fabs(err), 0.02) << "calibration residual grew: refit models/axons/activation.json";
    }
}

TEST(ActivationProperties, ThresholdFallsWithPulseWidthAndDiameterAndRisesWithDistance) {
    double last = 1e9;
    for (double pw : {30.0, 60.0, 90.0, 120.0, 210.0, 450.0}) {
        const double t = threshold(referenceAxon(3.0, 5.7), pw);
        EXPECT_LT(t, last) << pw;
        last = t;
    }
    last = 1e9;
    for (double d : {2.0, 3.0, 5.7, 7.3, 10.0}) {
        const double t = threshold(referenceAxon(3.0, d), 90.0);
        EXPECT_LT(t, last) << d;
        last = t;
    }
    last = 0.0;
    for (double r : {1.5, 2.0, 3.0, 4.0, 6.0}) {
        const double t = threshold(referenceAxon(r, 5.7), 90.0);
        EXPECT_GT(t, last) << r;
        last = t;
    }
}

TEST(ActivationProperties, AnodicNeedsMoreCurrentThanCathodic) {
    for (double r : {1.5, 3.0, 5.0}) {
        const double cathodic = threshold(referenceAxon(r, 5.7), 90.0, true);
        const double anodic = threshold(referenceAxon(r, 5.7), 90.0, false);
        std::printf("  %.1f mm: cathodic %.3f mA, anodic %.3f mA (ratio %.2f)\n", r, cathodic, anodic, anodic / cathodic);
        EXPECT_GT(anodic, 2.0 * cathodic) << r;
    }
}

TEST(ActivationOutOfSample, AstromEFieldThresholds) {
    // Astrom 2015 (FACTS.md): |E| at the edge of the activated region, by diameter and pulse width.
    // For a 2 mA monopolar pulse (mid-range of clinical currents), find the distance at which an axon through contact 1's plane just
    // fires and compare |E| there (from the reference field) with the table. Not fitted: a check.
    struct Row { double d; double e[4]; };
    const Row rows[] = {{2.0, {0.765, 0.457, 0.376, 0.323}}, {3.0, {0.376, 0.240, 0.185, 0.157}},
                        {3.5, {0.300, 0.185, 0.142, 0.121}}, {4.5, {0.225, 0.142, 0.107, 0.090}},
                        {5.0, {0.177, 0.110, 0.087, 0.074}}};
    const double pws[] = {30, 60, 90, 120};
    const double amplitudeMa = 2.0;
    double worst = 0.0, sumAbs = 0.0;
    for (const auto& row : rows)
        for (int k = 0; k < 4; ++k) {
            double lo = 0.8, hi = 9.5;  // bisection on distance: threshold(lo) < 3 mA < threshold(hi)
            for (int it = 0; it < 40; ++it) {
                const double mid = 0.5 * (lo + hi);
                (threshold(referenceAxon(mid, row.d), pws[k]) < amplitudeMa ? lo : hi) = mid;
            }
            const double e = amplitudeMa * profile().fieldAt(lo);
            const double err = e / row.e[k] - 1.0;
            worst = std::max(worst, std::fabs(err));
            sumAbs += std::fabs(err);
            std::printf("  %.1f um %3.0f us: edge at %.2f mm, |E| %.3f V/mm vs Astrom %.3f (%+.0f %%)\n", row.d, pws[k], lo, e,
                        row.e[k], 100 * err);
            // Astrom's own table is not smooth in diameter (the 5.0 um row drops 22 % from 4.5 um), and
            // its axon model and amplitudes differ from ours: 30 % per entry, 20 % on average.
            EXPECT_LT(std::fabs(err), 0.30) << row.d << " um " << pws[k] << " us";
        }
    const double mean = sumAbs / 20.0;
    std::printf("  |error| vs Astrom: worst %.0f %%, mean %.0f %%\n", 100 * worst, 100 * mean);
    EXPECT_LT(mean, 0.20);
}
