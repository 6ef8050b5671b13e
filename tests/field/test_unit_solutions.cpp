// Superposition of unit solutions at a fixed point set.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "dbsprog/field/unit_solutions.hpp"
#include "field_test_support.hpp"

namespace {

using dbsprog::field::HomogeneousConductor;
using dbsprog::field::UnitSolutions;
using field_test::conductor;

constexpr double kPi = 3.14159265358979323846;

Eigen::Matrix3Xd samplePoints() {
    // Points around the 3389's contacts, 1-6 mm from the axis, including between contacts 1 and 2.
    Eigen::Matrix3Xd p(3, 60);
    for (int i = 0; i < 60; ++i) {
        const double angle = 0.37 * i, radius = 1.0 + 0.085 * i, z = -1.0 + 0.2 * i;
        p.col(i) << radius * std::cos(angle), radius * std::sin(angle), z;
    }
    return p;
}

TEST(UnitSolutions, SuperposesTheUnitFields) {
    const HomogeneousConductor& hc = conductor("3389");
    const UnitSolutions us(hc, samplePoints());
    ASSERT_EQ(us.contactCount(), 4);
    // A fractionalised program: 1- 60%, 2- 40% of 2.5 mA, 3+ 1 mA; 1.5 mA returns through the case.
    Eigen::VectorXd currents(4);
    currents << 0.0, -1.5, -1.0, 1.0;
    const Eigen::VectorXd phi = us.potentialV(currents);
    const Eigen::VectorXd e = us.fieldMagnitudeVPerMm(currents);
    // Against the conductor evaluated point by point.
    const auto direct = hc.unitFields(us.pointsMm());
    for (Eigen::Index i = 0; i < us.pointCount(); ++i) {
        double expected = 0.0;
        Eigen::Vector3d grad = Eigen::Vector3d::Zero();
        for (int c = 0; c < 4; ++c) {
            expected += currents[c] * direct.potentialVPerMa(i, c);
            grad += currents[c] * field_test::gradientAt(direct, i, c);
        }
        EXPECT_NEAR(phi[i], expected, 1e-12 * std::fabs(expected) + 1e-15);
        EXPECT_NEAR(e[i], grad.norm(), 1e-12 * grad.norm());
    }
}

TEST(UnitSolutions, IsLinearInTheCurrents) {
    const UnitSolutions us(conductor("3389"), samplePoints());
    Eigen::VectorXd a(4), b(4);
    a << -1.0, 0.0, 0.5, 0.0;
    b << 0.3, -2.0, 0.0, 1.1;
    const Eigen::VectorXd sum = us.potentialV(2.0 * a - 0.7 * b);
    const Eigen::VectorXd parts = 2.0 * us.potentialV(a) - 0.7 * us.potentialV(b);
    EXPECT_LT((sum - parts).cwiseAbs().maxCoeff(), 1e-12 * parts.cwiseAbs().maxCoeff());
    Eigen::Matrix3Xd ga(3, us.pointCount()), gb(3, us.pointCount()), gs(3, us.pointCount());
    us.gradientVPerMm(a, ga);
    us.gradientVPerMm(b, gb);
    us.gradientVPerMm(2.0 * a - 0.7 * b, gs);
    EXPECT_LT((gs - (2.0 * ga - 0.7 * gb)).cwiseAbs().maxCoeff(), 1e-12 * gs.cwiseAbs().maxCoeff());
    // |E| is homogeneous of degree one, not additive: between contacts 1- and 2+ the fields of the two
    // poles point the same way and add, elsewhere they partly cancel.
    const Eigen::VectorXd e1 = us.fieldMagnitudeVPerMm(a);
    EXPECT_LT((us.fieldMagnitudeVPerMm(-3.0 * a) - 3.0 * e1).cwiseAbs().maxCoeff(), 1e-12 * e1.maxCoeff());
}

TEST(UnitSolutions, BipolarFieldDecaysLikeADipole) {
    // With no net current nothing returns through the case: 40 mm away the potential of a 1- 2+
    // pair is a small fraction of the monopolar 1- potential (dipole ~1/r^2 vs monopole ~1/r).
    const HomogeneousConductor& hc = conductor("3389");
    Eigen::Matrix3Xd far(3, 2);
    far.col(0) << 40.0, 0.0, 5.25;
    far.col(1) << 0.0, -28.0, 33.0;
    const UnitSolutions us(hc, far, false);
    Eigen::VectorXd mono(4), bi(4);
    mono << 0.0, -1.0, 0.0, 0.0;
    bi << 0.0, -1.0, 1.0, 0.0;
    const Eigen::VectorXd pm = us.potentialV(mono), pb = us.potentialV(bi);
    for (int i = 0; i < 2; ++i) {
        EXPECT_NEAR(pm[i], -1.0 / (4.0 * kPi * 0.2 * (far.col(i) - Eigen::Vector3d(0, 0, 4.25)).norm()),
                    0.01 * std::fabs(pm[i]));
        EXPECT_LT(std::fabs(pb[i]), 0.05 * std::fabs(pm[i])) << i;
    }
}

TEST(UnitSolutions, ContactSurfacesSitAtTheContactPotentials) {
    // Just outside each contact's surface the superposed potential equals the contact's potential
    // from the resistance matrix (V = R I): the field and the impedances come from the same solution.
    const HomogeneousConductor& hc = conductor("3389");
    const auto& lead = hc.lead();
    Eigen::Matrix3Xd p(3, 4);
    for (int c = 0; c < 4; ++c) p.col(c) << 0.0, lead.radiusMm() + 0.002, lead.contacts[c].centreZMm();
    const UnitSolutions us(hc, p, false);
    Eigen::VectorXd currents(4);
    currents << 0.0, -2.0, 1.0, 0.0;  // bipolar 1- 2+, contacts 0 and 3 floating
    const Eigen::VectorXd contactV = hc.contactPotentialsVPerMa() * currents;
    const Eigen::VectorXd surfaceV = us.potentialV(currents);
    for (int c = 0; c < 4; ++c) EXPECT_NEAR(surfaceV[c], contactV[c], 0.005 * contactV.cwiseAbs().maxCoeff()) << c;
}

TEST(UnitSolutions, RejectsMismatchedSizes) {
    const UnitSolutions potentialsOnly(conductor("3389"), samplePoints(), false);
    EXPECT_THROW(potentialsOnly.potentialV(Eigen::VectorXd::Zero(3)), std::invalid_argument);
    EXPECT_THROW(potentialsOnly.fieldMagnitudeVPerMm(Eigen::VectorXd::Zero(4)), std::invalid_argument);
    Eigen::VectorXd wrongSize(5);
    EXPECT_THROW(potentialsOnly.potentialV(Eigen::VectorXd::Zero(4), wrongSize), std::invalid_argument);
}

}  // namespace
