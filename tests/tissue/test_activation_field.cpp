// Activation on dbsprog's own field (homogeneous BEM): the properties issue 3 names.
#include <gtest/gtest.h>

#include <cmath>

#include "dbsprog/device/catalog.hpp"
#include "dbsprog/field/field_grid.hpp"
#include "dbsprog/field/homogeneous_conductor.hpp"
#include "dbsprog/tissue/activation.hpp"

using namespace dbsprog;

namespace {
constexpr double kPi = 3.14159265358979323846;
const device::Catalog& catalog() {
    static const auto c = device::loadCatalog(DBSPROG_TEST_MODELS_DIR);
    return c;
}
const tissue::ActivationParams& params() {
    static const auto p = tissue::defaultActivationParams(DBSPROG_TEST_MODELS_DIR);
    return p;
}

/// Straight axons parallel to the x-y plane at height zMm, tangent to circles of radius 1.5..4.5 mm around
/// the lead at 12 azimuths, 30 mm long: a ring-shaped bundle around the lead.
tissue::AxonBundle ringBundle(double zMm, double diameterUm, const std::string& name) {
    tissue::AxonBundle b{name, {}};
    for (double r = 1.5; r <= 4.51; r += 0.5)
        for (int k = 0; k < 12; ++k) {
            const double a = 2 * kPi * k / 12;
            const Eigen::Vector3d radial(std::cos(a), std::sin(a), 0), tangent(-std::sin(a), std::cos(a), 0);
            const Eigen::Vector3d mid = r * radial + Eigen::Vector3d(0, 0, zMm);
            b.axons.push_back({{mid - 15 * tangent, mid + 15 * tangent}, diameterUm});
        }
    return b;
}
}  // namespace

TEST(ActivationOnField, BipolarActivatesLessThanMonopolarAtEqualCurrent) {
    const field::HomogeneousConductor conductor(catalog().lead("3389"));
    tissue::ActivationEngine engine(conductor, {ringBundle(4.25, 5.7, "around contact 1"), ringBundle(6.25, 5.7, "around contact 2")}, params(), 2);
    Eigen::VectorXd mono = Eigen::VectorXd::Zero(4), bi = Eigen::VectorXd::Zero(4);
    mono(1) = -3.0;
    bi(1) = -3.0, bi(2) = 3.0;
    const auto m = engine.evaluate(mono, 90.0), b = engine.evaluate(bi, 90.0);
    const double monoTotal = m.fractionActivated[0] + m.fractionActivated[1];
    const double biTotal = b.fractionActivated[0] + b.fractionActivated[1];
    std::printf("  fraction activated, 3 mA 90 us: monopolar %.3f + %.3f, bipolar %.3f + %.3f\n", m.fractionActivated[0],
                m.fractionActivated[1], b.fractionActivated[0], b.fractionActivated[1]);
    EXPECT_GT(m.fractionActivated[0], 0.2);
    EXPECT_LT(biTotal, monoTotal);
    // The |E| volume: beyond the contact spacing the bipolar (dipole) field falls as 1/r^3 against the
    // monopole's 1/r^2, so once the VTA is wider than the spacing the bipolar one is smaller. At 3 mA and
    // 0.2 V/mm (radius ~2.4 mm, about the 2 mm contact spacing) the two are close; at 0.1 V/mm they part.
    const field::FieldGrid grid(conductor, field::RegionGrid::cube(Eigen::Vector3d(0, 0, 5.25), 16.0, 0.5), 2);
    for (double threshold : {0.2, 0.1, 0.05}) {
        const double vMono = grid.activatedVolumeMm3(mono, threshold), vBi = grid.activatedVolumeMm3(bi, threshold);
        std::printf("  VTA at 3 mA, %.2f V/mm: monopolar %.1f mm3, bipolar %.1f mm3\n", threshold, vMono, vBi);
        if (threshold < 0.2) {
            EXPECT_LT(vBi, vMono) << threshold;
        }
    }
}

TEST(ActivationOnField, ActivationGrowsWithAmplitudeAndIsDeterministicAcrossThreads) {
    const field::HomogeneousConductor conductor(catalog().lead("3389"));
    tissue::ActivationEngine one(conductor, {ringBundle(4.25, 3.0, "bundle")}, params(), 1);
    tissue::ActivationEngine two(conductor, {ringBundle(4.25, 3.0, "bundle")}, params(), 2);
    Eigen::VectorXd i = Eigen::VectorXd::Zero(4);
    double last = -1.0, first = -1.0;
    for (double ma : {0.5, 1.0, 2.0, 4.0, 8.0}) {
        i(1) = -ma;
        const auto r1 = one.evaluate(i, 60.0), r2 = two.evaluate(i, 60.0);
        EXPECT_EQ(r1.peakDepolarizationMv, r2.peakDepolarizationMv);  // bit-identical
        EXPECT_GE(r1.fractionActivated[0], last);
        last = r1.fractionActivated[0];
        if (first < 0) first = last;
    }
    EXPECT_GT(last, first + 0.3);
}

TEST(ActivationOnField, DirectionalSegmentActivatesMoreOnItsOwnSide) {
    const field::HomogeneousConductor conductor(catalog().lead("DB-2202"));
    const double z = catalog().lead("DB-2202").contacts[1].centreZMm();  // level 2
    // Two bundles at the level of segment 2a: one on +x (segment a faces +x), one on -x.
    tissue::AxonBundle plusX{"+x", {}}, minusX{"-x", {}};
    for (double r = 1.5; r <= 5.01; r += 0.25)
        for (double dz : {-1.0, 0.0, 1.0}) {
            plusX.axons.push_back({{Eigen::Vector3d(r, -15, z + dz), Eigen::Vector3d(r, 15, z + dz)}, 5.7});
            minusX.axons.push_back({{Eigen::Vector3d(-r, -15, z + dz), Eigen::Vector3d(-r, 15, z + dz)}, 5.7});
        }
    tissue::ActivationEngine engine(conductor, {plusX, minusX}, params(), 2);
    Eigen::VectorXd i = Eigen::VectorXd::Zero(conductor.contactCount());
    i(1) = -2.0;  // segment 2a
    const auto r = engine.evaluate(i, 60.0);
    std::printf("  2a at 2 mA: activated +x %.2f, -x %.2f\n", r.fractionActivated[0], r.fractionActivated[1]);
    EXPECT_GT(r.fractionActivated[0], r.fractionActivated[1] + 0.1);
    // A ring level on the same lead is symmetric: the same on both sides.
    Eigen::VectorXd ring = Eigen::VectorXd::Zero(conductor.contactCount());
    ring(1) = ring(2) = ring(3) = -2.0 / 3.0;
    const auto s = engine.evaluate(ring, 60.0);
    EXPECT_NEAR(s.fractionActivated[0], s.fractionActivated[1], 0.05);
}
