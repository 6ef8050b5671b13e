// Region-grid superposition and VTA, against the analytic point source (FACTS.md) and properties.
#include <gtest/gtest.h>

#include <cmath>

#include "dbsprog/device/catalog.hpp"
#include "dbsprog/error.hpp"
#include "dbsprog/field/field_grid.hpp"
#include "dbsprog/io/nifti.hpp"

using namespace dbsprog;
using namespace dbsprog::field;

namespace {
constexpr double kPi = 3.14159265358979323846;

/// Point sources at the contact centres on the lead axis in a homogeneous medium (V = I / (4 pi sigma r)):
/// the textbook far-field model, exact for testing the grid machinery.
class PointSourceConductor final : public VolumeConductor {
public:
    PointSourceConductor(device::Lead lead, double sigma) : lead_(std::move(lead)), sigma_(sigma) {}
    using VolumeConductor::contactCount;
    const device::Lead& lead() const override { return lead_; }
    std::string description() const override { return "point sources (test)"; }
    UnitFields unitFields(const Eigen::Matrix3Xd& p, bool withGradient, int) const override {
        UnitFields f;
        const int c = contactCount();
        f.potentialVPerMa.resize(p.cols(), c);
        for (auto& g : f.gradientVPerMmPerMa) g.resize(withGradient ? p.cols() : 0, c);
        for (Eigen::Index i = 0; i < p.cols(); ++i)
            for (int k = 0; k < c; ++k) {
                if (insideLead(p.col(i))) {  // as real conductors do: no tissue inside the lead
                    f.potentialVPerMa(i, k) = std::nan("");
                    continue;
                }
                const Eigen::Vector3d d = p.col(i) - Eigen::Vector3d(0, 0, lead_.contacts[k].centreZMm());
                const double r = std::max(d.norm(), 1e-6);
                f.potentialVPerMa(i, k) = 1.0 / (4 * kPi * sigma_ * r);
                if (withGradient)
                    for (int a = 0; a < 3; ++a) f.gradientVPerMmPerMa[a](i, k) = -d(a) / (4 * kPi * sigma_ * r * r * r);
            }
        return f;
    }
    Eigen::MatrixXd contactPotentialsVPerMa() const override { return Eigen::MatrixXd::Zero(contactCount(), contactCount()); }
    bool insideLead(const Eigen::Vector3d& p) const override { return p.head<2>().norm() < lead_.radiusMm() && p.z() > 0; }

private:
    device::Lead lead_;
    double sigma_;
};

const device::Lead& lead3389() {
    static const auto cat = device::loadCatalog(DBSPROG_TEST_MODELS_DIR);
    return cat.lead("3389");
}
/// Volume of a ball of radius r centred on the lead axis, less the lead body inside it (slice integral).
double ballOutsideLeadMm3(double r) {
    const double a = lead3389().radiusMm();
    const int slices = 20000;
    double v = 0.0;
    for (int s = 0; s < slices; ++s) {
        const double z = -r + (s + 0.5) * (2 * r / slices);
        v += kPi * std::max(0.0, r * r - z * z - a * a) * (2 * r / slices);
    }
    return v;
}

Eigen::VectorXd monopolar(int contact, double ma) {
    Eigen::VectorXd i = Eigen::VectorXd::Zero(4);
    i(contact) = -ma;
    return i;
}
}  // namespace

TEST(FieldGrid, PointSourceVtaMatchesTheAnalyticSphere) {
    // FACTS.md: 3 mA, sigma 0.2 S/m, E_th 0.2 V/mm -> r = sqrt(I / (4 pi sigma E)) = 2.44 mm.
    PointSourceConductor conductor(lead3389(), 0.2);
    const double z1 = lead3389().contacts[1].centreZMm();
    const FieldGrid grid(conductor, RegionGrid::cube(Eigen::Vector3d(0, 0, z1), 8.0, 0.1), 2);
    const double r = std::sqrt(3.0 / (4 * kPi * 0.2 * 0.2));
    EXPECT_NEAR(r, 2.44, 0.005);
    const double sphere = ballOutsideLeadMm3(r);  // the lead body is not tissue
    const double vta = grid.activatedVolumeMm3(monopolar(1, 3.0), 0.2);
    std::printf("  point-source VTA %.2f mm3 vs sphere %.2f mm3 (%+.2f %%)\n", vta, sphere, 100 * (vta / sphere - 1));
    EXPECT_NEAR(vta / sphere, 1.0, 0.01);
}

TEST(FieldGrid, FastVtaEqualsTheFullCount) {
    PointSourceConductor conductor(lead3389(), 0.2);
    const FieldGrid grid(conductor, RegionGrid::cube(Eigen::Vector3d(0, 0, 5), 20.0, 0.5), 2);
    for (double ma : {0.5, 2.0, 5.0}) {
        Eigen::VectorXd bipolar = Eigen::VectorXd::Zero(4);
        bipolar(1) = -ma, bipolar(2) = ma;
        for (const auto& currents : {monopolar(0, ma), bipolar})
            EXPECT_DOUBLE_EQ(grid.activatedVolumeMm3(currents, 0.2), grid.activatedVolumeFullMm3(currents, 0.2)) << ma;
    }
}

TEST(FieldGrid, SuperpositionIsLinearAndThreadCountDoesNotMatter) {
    PointSourceConductor conductor(lead3389(), 0.2);
    const auto g = RegionGrid::cube(Eigen::Vector3d(0, 0, 5), 10.0, 0.5);
    const FieldGrid one(conductor, g, 1), two(conductor, g, 2);
    Eigen::VectorXd a = monopolar(1, 1.0), b = monopolar(2, 1.0);
    const auto pa = one.potential(a), pb = one.potential(b), pab = one.potential(2.0 * a + 3.0 * b);
    for (size_t v = 0; v < pa.size(); v += 97) EXPECT_NEAR(pab[v], 2.0f * pa[v] + 3.0f * pb[v], 1e-5f * std::fabs(pab[v]) + 1e-7f);
    EXPECT_EQ(one.activatedMask(a, 0.1), two.activatedMask(a, 0.1));
    // |E| doubles with the current; the VTA grows with it.
    const auto e1 = one.fieldMagnitude(a), e2 = one.fieldMagnitude(2.0 * a);
    for (size_t v = 0; v < e1.size(); v += 101) EXPECT_NEAR(e2[v], 2.0f * e1[v], 1e-5f * e2[v] + 1e-7f);
    EXPECT_GT(one.activatedVolumeMm3(2.0 * a, 0.2), one.activatedVolumeMm3(a, 0.2));
}

TEST(FieldGrid, FractionOfATargetInsideTheVta) {
    PointSourceConductor conductor(lead3389(), 0.2);
    const double z1 = lead3389().contacts[1].centreZMm();
    const FieldGrid grid(conductor, RegionGrid::cube(Eigen::Vector3d(0, 0, z1), 12.0, 0.2), 2);
    // Target: a ball of radius 2 mm around contact 1 (less the lead); the VTA at 3 mA is a 2.44 mm ball: all inside.
    std::vector<unsigned char> target(grid.grid().voxelCount(), 0);
    const auto& d = grid.grid().dims;
    for (int k = 0; k < d[2]; ++k)
        for (int j = 0; j < d[1]; ++j)
            for (int i = 0; i < d[0]; ++i)
                target[grid.grid().index(i, j, k)] = (grid.grid().pointMm(i, j, k) - Eigen::Vector3d(0, 0, z1)).norm() <= 2.0 &&
                                                     !conductor.insideLead(grid.grid().pointMm(i, j, k));
    EXPECT_DOUBLE_EQ(grid.fractionInside(target, monopolar(1, 3.0), 0.2), 1.0);
    // At 0.75 mA the VTA radius halves to 1.22 mm.
    const double r = std::sqrt(0.75 / (4 * kPi * 0.2 * 0.2));
    EXPECT_NEAR(grid.fractionInside(target, monopolar(1, 0.75), 0.2), ballOutsideLeadMm3(r) / ballOutsideLeadMm3(2.0), 0.02);
}

TEST(FieldGrid, EvenGridIsRefused) {
    PointSourceConductor conductor(lead3389(), 0.2);
    RegionGrid g;
    g.dims = {4, 5, 5};
    EXPECT_THROW(FieldGrid(conductor, g), InputError);
}
