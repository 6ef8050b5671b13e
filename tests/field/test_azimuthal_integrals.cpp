// The azimuthal integrals under every boundary-element kernel, against brute-force quadrature.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include "dbsprog/field/detail/azimuthal_integrals.hpp"
#include "dbsprog/field/detail/gauss_legendre.hpp"

namespace {

using dbsprog::field::detail::AzimuthalIntegrals;
using dbsprog::field::detail::azimuthalIntegrals;
using dbsprog::field::detail::gaussLegendre;
using dbsprog::field::detail::ringIntegrals;

constexpr double kPi = 3.14159265358979323846;

// Brute force: 40-point Gauss-Legendre on pieces graded geometrically toward psi = 0 (the only place
// the integrands can be sharp), starting far below the singular width sqrt(Q/B).
AzimuthalIntegrals bruteForce(double q, double b, double psi1, double psi2) {
    const auto& rule = gaussLegendre(40);
    // Accumulated in long double; w = 2 sin^2(psi/2) avoids the cancellation of 1 - cos psi.
    long double acc[9] = {};
    auto integrate = [&](double lo, double hi) {
        const long double half = 0.5L * (hi - lo), mid = 0.5L * (hi + lo);
        for (size_t i = 0; i < rule.nodes.size(); ++i) {
            const long double psi = mid + half * rule.nodes[i], wt = half * rule.weights[i];
            const long double sh = std::sin(0.5L * psi), w = 2.0L * sh * sh, sn = std::sin(psi);
            const long double r1 = 1.0L / std::sqrt(q + b * w), r3 = r1 * r1 * r1, r5 = r3 * r1 * r1;
            const long double terms[9] = {r1, r3, w * r3, sn * r3, r5, w * r5, w * w * r5, sn * r5, sn * w * r5};
            for (int k = 0; k < 9; ++k) acc[k] += wt * terms[k];
        }
    };
    // Breakpoints: 0 (and its 2 pi images) with geometric grading on both sides.
    std::vector<double> cuts{psi1, psi2};
    const double width = b > 0 ? std::sqrt(q / b) : 1.0;
    for (double centre : {-2.0 * kPi, 0.0, 2.0 * kPi})
        for (double d = 1e-3 * width; d < 2.0 * kPi; d *= 1.5)
            for (double s : {-1.0, 1.0})
                if (centre + s * d > psi1 && centre + s * d < psi2) cuts.push_back(centre + s * d);
    for (double centre : {-2.0 * kPi, 0.0, 2.0 * kPi})
        if (centre > psi1 && centre < psi2) cuts.push_back(centre);
    std::sort(cuts.begin(), cuts.end());
    for (size_t i = 0; i + 1 < cuts.size(); ++i)
        if (cuts[i + 1] > cuts[i]) integrate(cuts[i], cuts[i + 1]);
    AzimuthalIntegrals r;
    double* out[9] = {&r.j1, &r.j3, &r.jd3, &r.j3s, &r.j5, &r.jd5, &r.jdd5, &r.j5s, &r.j5ds};
    for (int k = 0; k < 9; ++k) *out[k] = static_cast<double>(acc[k]);
    return r;
}

double relErr(double got, double want, double scale) { return std::fabs(got - want) / scale; }

void expectClose(const AzimuthalIntegrals& got, const AzimuthalIntegrals& want, double tol, const std::string& label,
                 bool withSines = true) {
    // Each integral is compared relative to its own magnitude, with a floor of 1e-7 of its family's
    // scale (j3 or j5) for integrals that vanish by symmetry or nearly so.
    const double s3 = std::fabs(want.j3) + 1e-300, s5 = std::fabs(want.j5) + 1e-300;
    EXPECT_LT(relErr(got.j1, want.j1, std::fabs(want.j1)), tol) << label << " j1";
    EXPECT_LT(relErr(got.j3, want.j3, s3), tol) << label << " j3";
    EXPECT_LT(relErr(got.jd3, want.jd3, std::fabs(want.jd3) + 1e-7 * s3), tol) << label << " jd3";
    if (withSines) {
        EXPECT_LT(relErr(got.j3s, want.j3s, std::fabs(want.j3s) + 1e-7 * s3), tol) << label << " j3s";
    }
    EXPECT_LT(relErr(got.j5, want.j5, s5), tol) << label << " j5";
    EXPECT_LT(relErr(got.jd5, want.jd5, std::fabs(want.jd5) + 1e-7 * s5), tol) << label << " jd5";
    EXPECT_LT(relErr(got.jdd5, want.jdd5, std::fabs(want.jdd5) + 1e-7 * s5), tol) << label << " jdd5";
    if (!withSines) return;
    EXPECT_LT(relErr(got.j5s, want.j5s, std::fabs(want.j5s) + 1e-7 * s5), tol) << label << " j5s";
    EXPECT_LT(relErr(got.j5ds, want.j5ds, std::fabs(want.j5ds) + 1e-7 * s5), tol) << label << " j5ds";
}

struct Case {
    double rhoTarget, rhoSource, dz;
};

// Targets from on-axis (B = 0: series) through far (small B/A: series) to grazing the source ring
// (Q -> 0: closed forms and, off psi = 0, composite quadrature).
const Case kCases[] = {
    {0.0, 0.635, 1.0},    {0.635, 0.635, 1e-6}, {0.635, 0.635, 1e-3}, {0.64, 0.635, 0.0},
    {1.0, 0.635, 0.0},    {1.0, 0.635, 0.3},    {3.0, 0.635, 2.0},   {20.0, 0.635, 5.0},
    {0.2, 0.635, 0.05},   {0.635, 0.3, 0.01},   {0.001, 0.635, 0.0}, {0.635, 0.635, 0.2},
};

std::string describe(const Case& c) {
    return "rho " + std::to_string(c.rhoTarget) + " rho' " + std::to_string(c.rhoSource) + " dz " + std::to_string(c.dz);
}

TEST(AzimuthalIntegrals, FullRingMatchesQuadrature) {
    for (const auto& c : kCases) {
        const double q = (c.rhoTarget - c.rhoSource) * (c.rhoTarget - c.rhoSource) + c.dz * c.dz;
        const double b = 2.0 * c.rhoTarget * c.rhoSource;
        const AzimuthalIntegrals ring = ringIntegrals(q, b, true);
        expectClose(ring, bruteForce(q, b, -kPi, kPi), 1e-9, "ring " + describe(c), false);
        // The sine integrals vanish by symmetry over a full ring; the ring path returns them as 0.
        EXPECT_EQ(ring.j3s, 0.0);
        EXPECT_EQ(ring.j5s, 0.0);
        EXPECT_EQ(ring.j5ds, 0.0);
    }
}

TEST(AzimuthalIntegrals, SectorsMatchQuadrature) {
    // Ranges that contain psi = 0, touch it, stay near it, stay far from it, and wrap across pi.
    const double ranges[][2] = {{-0.13, 0.13}, {0.0, 0.26},  {0.13, 0.39},  {-0.5, -0.1},
                                {2.9, 3.6},    {-3.5, -2.8}, {0.01, 0.2},   {-2.0, 4.0},
                                {1.0, 2.5},    {-0.3, 1.3},  {5.9, 6.4},    {-1e-4, 0.5}};
    for (const auto& c : kCases)
        for (const auto& rg : ranges) {
            const double q = (c.rhoTarget - c.rhoSource) * (c.rhoTarget - c.rhoSource) + c.dz * c.dz;
            const double b = 2.0 * c.rhoTarget * c.rhoSource;
            expectClose(azimuthalIntegrals(q, b, rg[0], rg[1], true), bruteForce(q, b, rg[0], rg[1]), 1e-8,
                        "sector [" + std::to_string(rg[0]) + ", " + std::to_string(rg[1]) + "] " + describe(c));
        }
}

TEST(AzimuthalIntegrals, SectorsAddUpToTheRing) {
    // 24 sectors of 15 degrees sum to the full ring, for a target near the ring (closed forms and
    // quadrature mixed).
    const double q = 1e-6, b = 2.0 * 0.635 * 0.636;
    AzimuthalIntegrals sum;
    for (int s = 0; s < 24; ++s) sum += azimuthalIntegrals(q, b, -kPi + s * kPi / 12, -kPi + (s + 1) * kPi / 12, true);
    const AzimuthalIntegrals ring = ringIntegrals(q, b, true);
    EXPECT_NEAR(sum.j1 / ring.j1, 1.0, 1e-11);
    EXPECT_NEAR(sum.j3 / ring.j3, 1.0, 1e-11);
    EXPECT_NEAR(sum.jd3 / ring.jd3, 1.0, 1e-11);
    EXPECT_NEAR(sum.j5 / ring.j5, 1.0, 1e-10);
    EXPECT_NEAR(sum.jdd5 / ring.jdd5, 1.0, 1e-10);
    EXPECT_NEAR(sum.j3s * ring.j3 / (ring.j3 * ring.j3), 0.0, 1e-10);
}

}  // namespace
