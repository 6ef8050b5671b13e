// The homogeneous boundary-element conductor against the finite-element reference (issue 3 accuracy
// targets), against the point-source far field, and on the properties the physics demands.
#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "dbsprog/error.hpp"
#include "dbsprog/field/homogeneous_conductor.hpp"
#include "field_test_support.hpp"

namespace {

using dbsprog::field::BemDiscretisation;
using dbsprog::field::contactResistanceOhm;
using dbsprog::field::HomogeneousConductor;
using dbsprog::field::HomogeneousSettings;
using dbsprog::field::InactiveContacts;
using dbsprog::field::UnitFields;
using field_test::conductor;
using field_test::femRadialReference;
using field_test::gradientAt;
using field_test::norm3;
using field_test::shippedLead;

constexpr double kPi = 3.14159265358979323846;
constexpr double kSigmaSPerM = 0.2;  // the reference setup

std::string percent(double relative) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%+.3f%%", 100.0 * relative);
    return buf;
}

Eigen::Matrix3Xd columns(const std::vector<Eigen::Vector3d>& points) {
    Eigen::Matrix3Xd m(3, static_cast<Eigen::Index>(points.size()));
    for (size_t i = 0; i < points.size(); ++i) m.col(static_cast<Eigen::Index>(i)) = points[i];
    return m;
}

// ---- accuracy against the finite-element reference (issue 3) ----

TEST(HomogeneousReference, RadialLineMatchesFiniteElements) {
    const HomogeneousConductor& hc = conductor("3389");
    ASSERT_EQ(hc.sigmaSPerM(), kSigmaSPerM);
    const int c1 = *hc.lead().contactIndex("1");
    const auto reference = femRadialReference();
    ASSERT_EQ(reference.size(), 10u);
    std::vector<Eigen::Vector3d> points;
    for (const auto& r : reference) points.push_back(r.pointMm);
    const UnitFields f = hc.unitFields(columns(points));
    const double currentMa = -1.0;  // contact 1 cathodic, as in the reference
    std::cout << "3389, contact 1 at -1 mA, sigma 0.2 S/m, others floating; relative error vs FEM:\n"
              << "  x_mm   potential    |E|\n";
    for (size_t i = 0; i < reference.size(); ++i) {
        const double x = reference[i].pointMm.x();
        const double potentialV = currentMa * f.potentialVPerMa(static_cast<Eigen::Index>(i), c1);
        const double fieldVPerMm = std::fabs(currentMa) * norm3(f, static_cast<Eigen::Index>(i), c1);
        const double errV = potentialV / reference[i].potentialInfiniteV - 1.0;
        const double errE = fieldVPerMm / reference[i].fieldVPerMm - 1.0;
        std::printf("  %4.1f  %9s  %9s\n", x, percent(errV).c_str(), percent(errE).c_str());
        ::testing::Test::RecordProperty("potential_error_at_" + std::to_string(x).substr(0, 4) + "mm", percent(errV));
        ::testing::Test::RecordProperty("field_error_at_" + std::to_string(x).substr(0, 4) + "mm", percent(errE));
        // Issue 3: within 5% at 1 mm from the axis, within 3% from 1.5 to 10 mm.
        const double required = x < 1.25 ? 0.05 : 0.03;
        EXPECT_LT(std::fabs(errV), required) << "potential at x = " << x << " mm";
        EXPECT_LT(std::fabs(errE), required) << "|E| at x = " << x << " mm";
        // Regression guard: measured at most 0.035% (potential) and 0.071% (|E|, at 1 mm) with the
        // default discretisation; a change that loses accuracy shows here long before the targets.
        EXPECT_LT(std::fabs(errV), 0.005) << "potential at x = " << x << " mm";
        EXPECT_LT(std::fabs(errE), 0.005) << "|E| at x = " << x << " mm";
    }
}

TEST(HomogeneousReference, ContactPotentialMatchesFiniteElements) {
    // Reference: contact 1 at 1 mA sits at -0.5564 V in an infinite domain (556 ohm, no encapsulation).
    const HomogeneousConductor& hc = conductor("3389");
    const int c1 = *hc.lead().contactIndex("1");
    const double potentialV = -1.0 * hc.contactPotentialsVPerMa()(c1, c1);
    const double err = potentialV / -0.5564 - 1.0;
    std::cout << "contact 1 potential at -1 mA: " << potentialV << " V (reference -0.5564 V), " << percent(err)
              << "; impedance " << contactResistanceOhm(hc)(c1, c1) << " ohm\n";
    ::testing::Test::RecordProperty("contact_potential_error", percent(err));
    EXPECT_LT(std::fabs(err), 0.05);   // issue 3
    EXPECT_LT(std::fabs(err), 0.005);  // regression guard; measured +0.054%
}

TEST(HomogeneousReference, DiscretisationConvergesTowardTheReference) {
    // The panel-size study behind BemDiscretisation's defaults. Mean |error| over the radial line,
    // potential / |E| (edge panel / growth / longest panel, mm): 0.02/1.5/0.25 -> 0.086%/0.186%;
    // directional preset 0.01/1.5/0.15 -> 0.046%/0.096%; ring default 0.002/1.25/0.05 ->
    // 0.012%/0.027%. A finer 0.0005/1.15/0.025 mesh (2x the rows, not run here) halves the worst
    // errors again (1 mm: 0.016%/0.032%). Errors fall monotonically as the panels shrink, so the
    // agreement is convergence, not a lucky cancellation; the shaft length (25-200 mm) changes nothing
    // at the 1e-5 level.
    const auto reference = femRadialReference();
    std::vector<Eigen::Vector3d> points;
    for (const auto& r : reference) points.push_back(r.pointMm);
    const Eigen::Matrix3Xd pts = columns(points);
    auto meanErrors = [&](const BemDiscretisation& d, double& errV, double& errE) {
        HomogeneousSettings s;
        s.discretisation = d;
        const HomogeneousConductor hc(shippedLead("3389"), s);
        const int c1 = *hc.lead().contactIndex("1");
        const UnitFields f = hc.unitFields(pts);
        errV = errE = 0.0;
        for (size_t i = 0; i < reference.size(); ++i) {
            const auto k = static_cast<Eigen::Index>(i);
            errV += std::fabs(-f.potentialVPerMa(k, c1) / reference[i].potentialInfiniteV - 1.0) / reference.size();
            errE += std::fabs(norm3(f, k, c1) / reference[i].fieldVPerMm - 1.0) / reference.size();
        }
    };
    BemDiscretisation coarse = BemDiscretisation::ringLeadDefaults();
    coarse.edgePanelMm = 0.02;
    coarse.growthRatio = 1.5;
    coarse.maxPanelMm = 0.25;
    double coarseV, coarseE, mediumV, mediumE, fineV, fineE;
    meanErrors(coarse, coarseV, coarseE);
    meanErrors(BemDiscretisation::directionalLeadDefaults(), mediumV, mediumE);
    meanErrors(BemDiscretisation::ringLeadDefaults(), fineV, fineE);
    std::cout << "mean |error| potential / |E|: coarse " << percent(coarseV) << " / " << percent(coarseE)
              << ", directional preset " << percent(mediumV) << " / " << percent(mediumE) << ", ring default "
              << percent(fineV) << " / " << percent(fineE) << "\n";
    EXPECT_LT(fineV, mediumV);
    EXPECT_LT(mediumV, coarseV);
    EXPECT_LT(fineE, mediumE);
    EXPECT_LT(mediumE, coarseE);
    // The coarser directional preset still meets the targets with a wide margin on a ring lead.
    EXPECT_LT(mediumV, 0.005);
    EXPECT_LT(mediumE, 0.005);
}

// ---- far field ----

TEST(HomogeneousFarField, MatchesPointSourceBeyondTenMillimetres) {
    // Beyond 10 mm the lead looks like a point source at the contact: V = I / (4 pi sigma r)
    // (FACTS.md). Directions: radial, toward the tip, below it on the axis, along the shaft (where the
    // insulating lead body perturbs most; measured worst +0.38% at 10 mm, 30 degrees off the shaft).
    const HomogeneousConductor& hc = conductor("3389");
    const int c1 = *hc.lead().contactIndex("1");
    const double centreZ = hc.lead().contacts[c1].centreZMm();
    const double polarDeg[] = {90, 135, 180, 30, 150};
    const double azimuthDeg[] = {0, 200, 0, 70, 45};
    double worst = 0.0;
    for (double r : {10.0, 15.0, 20.0, 40.0}) {
        std::vector<Eigen::Vector3d> points;
        for (int d = 0; d < 5; ++d) {
            const double th = polarDeg[d] * kPi / 180, ph = azimuthDeg[d] * kPi / 180;
            points.emplace_back(r * std::sin(th) * std::cos(ph), r * std::sin(th) * std::sin(ph),
                                centreZ + r * std::cos(th));
        }
        const UnitFields f = hc.unitFields(columns(points));
        const double pointSourceV = 1.0 / (4.0 * kPi * kSigmaSPerM * r);
        for (int d = 0; d < 5; ++d) {
            const double err = f.potentialVPerMa(d, c1) / pointSourceV - 1.0;
            worst = std::max(worst, std::fabs(err));
            EXPECT_LT(std::fabs(err), 0.01) << "r = " << r << " mm, polar " << polarDeg[d] << " deg";
            // |E| = I / (4 pi sigma r^2), pointing away from the source
            const Eigen::Vector3d outward = (points[d] - Eigen::Vector3d(0, 0, centreZ)).normalized();
            const Eigen::Vector3d grad = gradientAt(f, d, c1);
            EXPECT_LT(std::fabs(-grad.dot(outward) * 4.0 * kPi * kSigmaSPerM * r * r - 1.0), 0.02)
                << "r = " << r << " mm, polar " << polarDeg[d] << " deg";
        }
    }
    std::cout << "far field: worst relative deviation from I/(4 pi sigma r) beyond 10 mm: " << percent(worst) << "\n";
    ::testing::Test::RecordProperty("far_field_worst_error", percent(worst));
}

// ---- properties ----

TEST(HomogeneousProperties, ResistanceMatrixIsSymmetric) {
    // Reciprocity: the potential of contact j for current on k equals that of k for current on j.
    // The BEM does not impose it, so it checks the solution (measured: 6e-6 relative on the 3389).
    for (const char* stem : {"3389", "db-2202"}) {
        const Eigen::MatrixXd r = contactResistanceOhm(conductor(stem));
        const double asymmetry = (r - r.transpose()).cwiseAbs().maxCoeff() / r.cwiseAbs().maxCoeff();
        EXPECT_LT(asymmetry, 1e-4) << stem;
        // The monopolar impedance exceeds every transfer resistance of the same contact.
        for (Eigen::Index c = 0; c < r.rows(); ++c)
            for (Eigen::Index k = 0; k < r.cols(); ++k) {
                if (k == c) continue;
                EXPECT_GT(r(c, c), r(c, k)) << stem;
            }
    }
}

TEST(HomogeneousProperties, RingContactFieldIsSymmetricAboutTheLeadAxis) {
    // Rotating the evaluation point about the lead axis leaves potential and |E| unchanged for a ring
    // lead, and rotates the gradient with it.
    const HomogeneousConductor& hc = conductor("3389");
    for (double z : {4.25, 7.3, -1.0}) {
        std::vector<Eigen::Vector3d> points;
        for (int k = 0; k < 12; ++k) {
            const double a = k * 2.0 * kPi / 12 + 0.1;
            points.emplace_back(1.7 * std::cos(a), 1.7 * std::sin(a), z);
        }
        const UnitFields f = hc.unitFields(columns(points));
        for (int c = 0; c < hc.contactCount(); ++c) {
            const Eigen::Vector3d g0 = gradientAt(f, 0, c);
            for (int k = 1; k < 12; ++k) {
                EXPECT_NEAR(f.potentialVPerMa(k, c), f.potentialVPerMa(0, c), 1e-12 * f.potentialVPerMa(0, c));
                const Eigen::Matrix3d rot = Eigen::AngleAxisd(k * 2.0 * kPi / 12, Eigen::Vector3d::UnitZ()).matrix();
                EXPECT_LT((gradientAt(f, k, c) - rot * g0).norm(), 1e-10 * g0.norm()) << "z " << z << " k " << k;
            }
        }
    }
}

TEST(HomogeneousProperties, DirectionalLeadHasThreeFoldSymmetry) {
    // DB-2202: segments at 0/120/240 degrees. Rotating by 120 degrees maps segment a onto b onto c,
    // and the tip and ring contacts onto themselves.
    const HomogeneousConductor& hc = conductor("db-2202");
    const auto& lead = hc.lead();
    const int tip = *lead.contactIndex("1"), a = *lead.contactIndex("2a"), b = *lead.contactIndex("2b"),
              c = *lead.contactIndex("2c");
    const double z = lead.contacts[a].centreZMm();
    std::vector<Eigen::Vector3d> points;
    for (double angleDeg : {17.0, 137.0, 257.0}) {
        const double t = angleDeg * kPi / 180;
        points.emplace_back(1.4 * std::cos(t), 1.4 * std::sin(t), z + 0.3);
    }
    const UnitFields f = hc.unitFields(columns(points));
    const double scale = f.potentialVPerMa(0, a);
    EXPECT_NEAR(f.potentialVPerMa(1, b), f.potentialVPerMa(0, a), 1e-9 * scale);
    EXPECT_NEAR(f.potentialVPerMa(2, c), f.potentialVPerMa(0, a), 1e-9 * scale);
    EXPECT_NEAR(f.potentialVPerMa(1, tip), f.potentialVPerMa(0, tip), 1e-9 * scale);
    EXPECT_NEAR(f.potentialVPerMa(2, tip), f.potentialVPerMa(0, tip), 1e-9 * scale);
    EXPECT_NEAR(norm3(f, 1, b), norm3(f, 0, a), 1e-9 * norm3(f, 0, a));
}

TEST(HomogeneousProperties, ThreeGaplessSegmentsSharingTheCurrentActAsTheRing) {
    // The directional machinery (24 sectors, Fourier-mode solve, angular proxies) against the
    // axisymmetric one: a 3389 whose contact 1 is cut into three gapless 120-degree segments, each
    // carrying a third of the current, is the same conductor as the ring (by symmetry the segments sit
    // at one potential). Measured: potential within 0.11%, |E| within 0.24% (the coarser rows of the
    // directional preset; see DiscretisationConvergesTowardTheReference).
    const auto ring = shippedLead("3389");
    auto split = ring;
    split.contacts.clear();
    for (const auto& c : ring.contacts) {
        if (c.name != "1") {
            split.contacts.push_back(c);
            continue;
        }
        for (int s = 0; s < 3; ++s) {
            auto segment = c;
            segment.name = std::string("1") + static_cast<char>('a' + s);
            segment.shape = dbsprog::device::ContactShape::Segment;
            segment.arcDeg = 120.0;
            segment.angleDeg = 120.0 * s;
            segment.areaMm2 = c.areaMm2 / 3.0;
            split.contacts.push_back(segment);
        }
    }
    split.directional = true;
    const HomogeneousConductor& whole = conductor("3389");
    const HomogeneousConductor parts(split);
    ASSERT_EQ(parts.stats().sectors, 24);
    const Eigen::Matrix3Xd p = columns({{1.0, 0.0, 4.25}, {0.7, 0.7, 4.25}, {-1.0, 0.3, 3.6}, {3.0, 0.0, 4.25},
                                        {0.0, -2.0, 6.0}, {1.2, 1.2, 8.0}, {0.0, 0.0, -1.0}, {-3.0, -4.0, 2.0}});
    const UnitFields fw = whole.unitFields(p), fp = parts.unitFields(p);
    for (Eigen::Index i = 0; i < p.cols(); ++i) {
        double potential = 0.0;
        Eigen::Vector3d grad = Eigen::Vector3d::Zero();
        for (int c = 1; c <= 3; ++c) {
            potential += fp.potentialVPerMa(i, c) / 3.0;
            grad += gradientAt(fp, i, c) / 3.0;
        }
        const Eigen::Vector3d gw = gradientAt(fw, i, 1);
        EXPECT_NEAR(potential, fw.potentialVPerMa(i, 1), 0.005 * fw.potentialVPerMa(i, 1)) << i;
        EXPECT_LT((grad - gw).norm(), 0.01 * gw.norm()) << i;
    }
    const Eigen::MatrixXd rp = parts.contactPotentialsVPerMa();
    for (int c = 1; c <= 3; ++c)
        EXPECT_NEAR((rp(c, 1) + rp(c, 2) + rp(c, 3)) / 3.0, whole.contactPotentialsVPerMa()(1, 1),
                    0.005 * whole.contactPotentialsVPerMa()(1, 1));
}

TEST(HomogeneousProperties, SegmentFieldIsStrongerOnItsOwnSide) {
    const HomogeneousConductor& hc = conductor("db-2202");
    const int a = *hc.lead().contactIndex("2a");
    const double z = hc.lead().contacts[a].centreZMm();
    std::vector<Eigen::Vector3d> points;
    for (int k = 0; k <= 6; ++k) points.emplace_back(2.0 * std::cos(k * kPi / 6), 2.0 * std::sin(k * kPi / 6), z);
    const UnitFields f = hc.unitFields(columns(points));
    // |E| falls monotonically from the segment's own side (+x, its centre) to the far side.
    for (int k = 1; k <= 6; ++k) EXPECT_LT(norm3(f, k, a), norm3(f, k - 1, a)) << k * 30 << " deg";
    const double ratio = norm3(f, 0, a) / norm3(f, 6, a);
    std::cout << "segment 2a, 2 mm from the axis: |E| facing / opposite = " << ratio << "\n";
    ::testing::Test::RecordProperty("segment_facing_over_opposite", std::to_string(ratio));
    EXPECT_GT(ratio, 2.0);
}

TEST(HomogeneousProperties, FloatingAndInsulatingContactsMeetTheirBoundaryConditions) {
    // 5 um outside the middle of inactive contact 2 while contact 1 is driven: metal (floating) makes
    // the surface an equipotential, so the field is normal to it (E_z ~ 0); an insulator passes no
    // current, so the field is tangential (E_rho ~ 0). The floating contact's surface potential is its
    // contact potential.
    const HomogeneousConductor& floating = conductor("3389", InactiveContacts::Floating);
    const HomogeneousConductor& insulating = conductor("3389", InactiveContacts::Insulating);
    const int c1 = *floating.lead().contactIndex("1"), c2 = *floating.lead().contactIndex("2");
    const double a = floating.lead().radiusMm();
    const Eigen::Matrix3Xd p = columns({{a + 0.005, 0.0, floating.lead().contacts[c2].centreZMm()}});
    const UnitFields ff = floating.unitFields(p), fi = insulating.unitFields(p);
    const Eigen::Vector3d gf = gradientAt(ff, 0, c1), gi = gradientAt(fi, 0, c1);
    EXPECT_LT(std::fabs(gf.z()), 0.1 * std::fabs(gf.x()));   // measured 0.0012 vs 0.036 V/mm
    EXPECT_LT(std::fabs(gi.x()), 0.1 * std::fabs(gi.z()));   // measured 0.0003 vs 0.052 V/mm
    EXPECT_NEAR(ff.potentialVPerMa(0, c1), floating.contactPotentialsVPerMa()(c2, c1),
                0.005 * floating.contactPotentialsVPerMa()(c2, c1));
}

TEST(HomogeneousProperties, FloatingContactsLowerImpedanceAndShrinkTheVolume) {
    // Floating metal neighbours offer the current extra paths: the driven contact's impedance is
    // lower (measured 556.7 vs 573.3 ohm), and they short the field along the lead, so the volume
    // where |E| >= 0.2 V/mm at 3 mA is smaller. The reference solution reports a 15% change between
    // the two treatments; measured here +16.2% on this test's 0.05 mm grid (+16.7% at 0.025 mm).
    const HomogeneousConductor& floating = conductor("3389", InactiveContacts::Floating);
    const HomogeneousConductor& insulating = conductor("3389", InactiveContacts::Insulating);
    const int c1 = *floating.lead().contactIndex("1");
    EXPECT_LT(contactResistanceOhm(floating)(c1, c1), contactResistanceOhm(insulating)(c1, c1));

    // Volume by axisymmetry: sum of 2 pi rho drho dz over the (rho, z) half-plane where |E| >= 0.2.
    const double h = 0.05, a = floating.lead().radiusMm();
    std::vector<Eigen::Vector3d> points;
    std::vector<double> ring;
    for (double rho = a + 0.5 * h; rho < 4.0; rho += h)
        for (double z = -2.0 + 0.5 * h; z < 11.0; z += h) {
            points.emplace_back(rho, 0.0, z);
            ring.push_back(2.0 * kPi * rho * h * h);
        }
    const Eigen::Matrix3Xd pts = columns(points);
    auto volume = [&](const HomogeneousConductor& hc) {
        const UnitFields f = hc.unitFields(pts, true, 2);
        double v = 0.0;
        for (size_t i = 0; i < ring.size(); ++i)
            if (3.0 * norm3(f, static_cast<Eigen::Index>(i), c1) >= 0.2) v += ring[i];
        return v;
    };
    const double vFloating = volume(floating), vInsulating = volume(insulating);
    const double change = vInsulating / vFloating - 1.0;
    std::cout << "0.2 V/mm volume at 3 mA: floating " << vFloating << " mm3, insulating " << vInsulating
              << " mm3, change " << percent(change) << " (reference: 15%)\n";
    ::testing::Test::RecordProperty("vta_change_insulating_vs_floating", percent(change));
    EXPECT_GT(change, 0.10);
    EXPECT_LT(change, 0.25);
}

TEST(HomogeneousProperties, ConductivityScalesThePotential) {
    // Homogeneous tissue: phi = I / sigma * (geometry); the solved surface is shared.
    const HomogeneousConductor& base = conductor("3389");
    const HomogeneousConductor half = base.withConductivity(0.1);
    EXPECT_EQ(half.stats().buildSeconds, base.stats().buildSeconds);  // no new solve
    const Eigen::Matrix3Xd p = columns({{2.0, 0.5, 3.0}, {5.0, -1.0, 9.0}});
    const UnitFields f0 = base.unitFields(p), f1 = half.unitFields(p);
    EXPECT_TRUE(f1.potentialVPerMa.isApprox(2.0 * f0.potentialVPerMa, 1e-14));
    EXPECT_TRUE(half.contactPotentialsVPerMa().isApprox(2.0 * base.contactPotentialsVPerMa(), 1e-14));
}

TEST(HomogeneousProperties, PointsInsideTheLeadAreNaN) {
    const HomogeneousConductor& hc = conductor("3389");
    const Eigen::Matrix3Xd p = columns({{0.3, 0.0, 4.0}, {0.0, 0.0, 0.3}, {0.0, 0.0, 80.0}, {0.0, 0.0, -0.5}});
    EXPECT_TRUE(hc.insideLead(p.col(0)));
    EXPECT_TRUE(hc.insideLead(p.col(1)));  // inside the hemispherical tip
    EXPECT_TRUE(hc.insideLead(p.col(2)));  // the shaft continues beyond the modelled cap
    EXPECT_FALSE(hc.insideLead(p.col(3)));  // below the tip, on the axis: tissue
    const UnitFields f = hc.unitFields(p);
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(std::isnan(f.potentialVPerMa(i, 0))) << i;
    EXPECT_TRUE(std::isfinite(f.potentialVPerMa(3, 0)));
    EXPECT_TRUE(std::isfinite(norm3(f, 3, 0)));
}

TEST(HomogeneousProperties, ResultsAreBitIdenticalAcrossBuildsAndThreads) {
    const HomogeneousConductor& built = conductor("3389");
    const HomogeneousConductor again(shippedLead("3389"));
    std::vector<Eigen::Vector3d> points;
    for (int i = 0; i < 40; ++i) points.emplace_back(1.0 + 0.3 * i, 0.2 * i - 3.0, 0.4 * i - 4.0);
    const Eigen::Matrix3Xd p = columns(points);
    const UnitFields one = built.unitFields(p, true, 1), two = again.unitFields(p, true, 2);
    EXPECT_EQ(one.potentialVPerMa, two.potentialVPerMa);
    for (int d = 0; d < 3; ++d) EXPECT_EQ(one.gradientVPerMmPerMa[d], two.gradientVPerMmPerMa[d]);
    EXPECT_EQ(built.contactPotentialsVPerMa(), again.contactPotentialsVPerMa());
}

TEST(HomogeneousProperties, DoubleLayerQuadratureClosesTheSurface) {
    // int dG/dn dS = -1/2 at every point of a closed smooth surface; the row sums test every panel
    // integral at once (measured 7e-6 on the 3389, 9e-6 on the DB-2202).
    EXPECT_LT(conductor("3389").stats().doubleLayerRowSumError, 1e-4);
    EXPECT_LT(conductor("db-2202").stats().doubleLayerRowSumError, 1e-4);
    EXPECT_EQ(conductor("3389").stats().sectors, 1);
    EXPECT_EQ(conductor("db-2202").stats().sectors, 24);
    EXPECT_FALSE(conductor("db-2202").stats().segmentEdgesSnapped);
}

TEST(HomogeneousProperties, RejectsBadInput) {
    HomogeneousSettings s;
    s.sigmaSPerM = 0.0;
    EXPECT_THROW(HomogeneousConductor(shippedLead("3389"), s), dbsprog::InputError);
    EXPECT_THROW(conductor("3389").withConductivity(-0.2), dbsprog::InputError);
    // A ring reaching onto the rounded tip cannot be meshed.
    auto lead = shippedLead("3389");
    lead.contacts[0].zMinMm = 0.2;
    EXPECT_THROW(HomogeneousConductor{lead}, dbsprog::InputError);
}

TEST(HomogeneousCatalog, EveryShippedLeadSolves) {
    // Every lead in models/leads meshes and solves; its resistance matrix is reciprocal, its
    // impedances physical (bare tissue at 0.2 S/m: several hundred ohm for rings, more for the smaller
    // segments), and each contact looks like a point source 30 mm away. The point is taken at right
    // angles to the contact's own direction: a segment's current leaves 0.65 mm off the axis, a
    // dipole term worth ~2.5% at 30 mm toward or away from it (measured), which vanishes there.
    int leads = 0;
    for (const auto& entry : std::filesystem::directory_iterator(std::string(DBSPROG_TEST_MODELS_DIR) + "/leads")) {
        if (entry.path().extension() != ".json") continue;
        ++leads;
        const std::string stem = entry.path().stem().string();
        const HomogeneousConductor& hc = conductor(stem);
        const Eigen::MatrixXd r = contactResistanceOhm(hc);
        EXPECT_LT((r - r.transpose()).cwiseAbs().maxCoeff(), 1e-4 * r.maxCoeff()) << stem;
        std::cout << stem << ": " << hc.description() << ", built in " << hc.stats().buildSeconds
                  << " s; impedances (ohm):";
        for (int c = 0; c < hc.contactCount(); ++c) {
            std::cout << " " << hc.lead().contacts[c].name << "=" << std::lround(r(c, c));
            EXPECT_GT(r(c, c), 300.0) << stem << " contact " << hc.lead().contacts[c].name;
            EXPECT_LT(r(c, c), 3000.0) << stem << " contact " << hc.lead().contacts[c].name;
            const double z = hc.lead().contacts[c].centreZMm();
            const double across = (hc.lead().contacts[c].angleDeg + 90.0) * kPi / 180.0;
            const UnitFields f = hc.unitFields(columns({{30.0 * std::cos(across), 30.0 * std::sin(across), z}}), false);
            EXPECT_NEAR(f.potentialVPerMa(0, c) * 4.0 * kPi * kSigmaSPerM * 30.0, 1.0, 0.01) << stem;
        }
        std::cout << "\n";
    }
    EXPECT_GE(leads, 1);
}

}  // namespace
