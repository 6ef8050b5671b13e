#include "dbsprog/field/detail/azimuthal_integrals.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>

#include "dbsprog/field/detail/gauss_legendre.hpp"

namespace dbsprog::field::detail {

namespace {

constexpr double kPi = 3.14159265358979323846;

// R^-n = Q^{-n/2} (1 + gamma w)^{-n/2} with gamma = B/Q and w = 1 - cos psi <= wMax on the range.
// Below this gamma * wMax the integrands are smooth enough for plain quadrature (smoothIntegrals);
// above it the closed-form recurrences for jd3, jd5, jdd5 (which cancel like 1 / (gamma w)) lose at
// most ~3 digits each.
constexpr double kSmoothMaxGammaW = 0.04;
constexpr int kRingTrapezoidPoints = 8;
constexpr int kSmoothSectorGaussOrder = 16;
// Closed forms for a range that excludes psi = 0 cancel like eps/kc2^2; below this kc2 (and when the
// range is farther from 0 than the singular width) composite Gauss-Legendre is used instead.
constexpr double kNumericMaxKc2 = 1e-3;
constexpr int kNumericGaussOrder = 8;  // per geometric piece: Bernstein ratio ~5.8, error ~1e-12

// Carlson 1995: the duplication loop stops when the relative spread of the arguments is below this;
// the truncated fifth-order series then errs by about tol^6 / 4 < 1e-18.
constexpr double kCarlsonTolerance = 1e-3;
// The AGM converges quadratically: ~7 iterations even for k' = 1e-16; this only guards the loop.
constexpr int kMaxAgmIterations = 40;

struct FE {
    double f = 0, e = 0;
};

/// F(u, k) and E(u, k) for u in [0, pi]; kc = complete values (K, E).
FE incompleteFE(double u, double k2, double kc2, const FE& complete) {
    if (u > 0.5 * kPi) {
        const FE r = incompleteFE(kPi - u, k2, kc2, complete);
        return {2.0 * complete.f - r.f, 2.0 * complete.e - r.e};
    }
    const double s = std::sin(u), c = std::cos(u);
    const double c2 = c * c, d2 = c2 + kc2 * s * s;  // Delta^2 = 1 - k^2 sin^2 u, without cancellation
    const double f = s * carlsonRF(c2, d2, 1.0);
    return {f, f - (k2 / 3.0) * s * s * s * carlsonRD(c2, d2, 1.0)};
}

struct Accumulator {
    // Integrands of the nine integrals at one psi, weighted.
    static void add(AzimuthalIntegrals& out, double q, double b, double psi, double weight, bool withOrder5) {
        const double sh = std::sin(0.5 * psi);
        addAt(out, q, b, 2.0 * sh * sh, std::sin(psi), weight, withOrder5);
    }
    // The same given w = 1 - cos psi and sin psi.
    static void addAt(AzimuthalIntegrals& out, double q, double b, double w, double sn, double weight,
                      bool withOrder5) {
        const double r2 = q + b * w;
        const double rInv = 1.0 / std::sqrt(r2);
        const double r3 = rInv * rInv * rInv;
        out.j1 += weight * rInv;
        out.j3 += weight * r3;
        out.jd3 += weight * w * r3;
        out.j3s += weight * sn * r3;
        if (withOrder5) {
            const double r5 = r3 * rInv * rInv;
            out.j5 += weight * r5;
            out.jd5 += weight * w * r5;
            out.jdd5 += weight * w * w * r5;
            out.j5s += weight * sn * r5;
            out.j5ds += weight * sn * w * r5;
        }
    }
};

/// Smooth regime (gamma * wMax small): the integrands are nearly constant and analytic in a wide strip
/// (nearest singularity at Im psi = 2 asinh(1/sqrt(2 gamma)) >= 4.6 for rings), so plain quadrature
/// is exact to double precision: the periodic trapezoid rule for a ring (error ~ 2 exp(-4.6 N)), and
/// Gauss-Legendre for a sector (Bernstein ratio >= 3.2 at 16 points).
AzimuthalIntegrals smoothIntegrals(double q, double b, double psi1, double psi2, bool full, bool withOrder5) {
    AzimuthalIntegrals r;
    if (full) {
        // Trapezoid on [-pi, pi) with kRingTrapezoidPoints points, folded by the symmetry psi -> -psi;
        // the nodes are fixed, so w = 1 - cos psi at them is tabulated once.
        static const std::array<double, kRingTrapezoidPoints / 2 + 1> nodeW = [] {
            std::array<double, kRingTrapezoidPoints / 2 + 1> w{};
            for (int i = 0; i <= kRingTrapezoidPoints / 2; ++i) {
                const double sh = std::sin(kPi * i / kRingTrapezoidPoints);
                w[i] = 2.0 * sh * sh;
            }
            return w;
        }();
        const double h = 2.0 * kPi / kRingTrapezoidPoints;
        for (int i = 0; i <= kRingTrapezoidPoints / 2; ++i) {
            const double weight = (i == 0 || i == kRingTrapezoidPoints / 2) ? h : 2.0 * h;
            Accumulator::addAt(r, q, b, nodeW[i], 0.0, weight, withOrder5);
        }
        r.j3s = r.j5s = r.j5ds = 0.0;
        return r;
    }
    const GaussRule& rule = gaussLegendre(kSmoothSectorGaussOrder);
    const double half = 0.5 * (psi2 - psi1), mid = 0.5 * (psi2 + psi1);
    for (size_t i = 0; i < rule.nodes.size(); ++i)
        Accumulator::add(r, q, b, mid + half * rule.nodes[i], half * rule.weights[i], withOrder5);
    return r;
}

/// Composite Gauss-Legendre on a range [psiA, psiB] that excludes 0: pieces double in length away from
/// the end nearest 0, each as long as its distance from the near-singularity at psi = 0.
AzimuthalIntegrals numericIntegrals(double q, double b, double psiA, double psiB, bool withOrder5) {
    const bool positive = psiA > 0.0;
    const double nearAbs = positive ? psiA : -psiB;
    const double farAbs = positive ? psiB : -psiA;
    const GaussRule& rule = gaussLegendre(kNumericGaussOrder);
    AzimuthalIntegrals r;
    double lo = nearAbs;
    while (lo < farAbs) {
        const double hi = std::min(farAbs, 2.0 * lo);
        const double half = 0.5 * (hi - lo), mid = 0.5 * (hi + lo);
        for (size_t i = 0; i < rule.nodes.size(); ++i) {
            const double a = mid + half * rule.nodes[i];
            Accumulator::add(r, q, b, positive ? a : -a, half * rule.weights[i], withOrder5);
        }
        lo = hi;
    }
    return r;
}

/// Closed forms on one piece [psiA, psiB] within [-pi, pi] (or the full ring).
AzimuthalIntegrals closedFormIntegrals(double q, double b, double psiA, double psiB, bool full, bool withOrder5) {
    const double p = q + 2.0 * b;  // A + B
    const double k2 = 2.0 * b / p, kc2 = q / p;
    double i1u, i3u, i5u = 0.0;
    if (full) {
        double kK, eE;
        completeEllipticKE(kc2, kK, eE);
        i1u = 2.0 * kK;
        i3u = 2.0 * eE / kc2;
        if (withOrder5) i5u = ((4.0 - 2.0 * k2) * i3u - i1u) / (3.0 * kc2);
    } else {
        const double rf = carlsonRF(0.0, kc2, 1.0);
        const FE complete{rf, rf - (k2 / 3.0) * carlsonRD(0.0, kc2, 1.0)};
        const double ua = 0.5 * (kPi - psiA), ub = 0.5 * (kPi - psiB);  // ua > ub
        const FE fa = incompleteFE(ua, k2, kc2, complete), fb = incompleteFE(ub, k2, kc2, complete);
        auto scOverDelta = [&](double u, double& sd1, double& sd3) {
            const double s = std::sin(u), c = std::cos(u);
            const double d2 = c * c + kc2 * s * s;
            const double d = std::sqrt(d2);
            sd1 = s * c / d;
            sd3 = sd1 / d2;
        };
        double a1, a3, b1, b3;
        scOverDelta(ua, a1, a3);
        scOverDelta(ub, b1, b3);
        i1u = fa.f - fb.f;
        // int Delta^-3 du = [E(u) - k^2 sin u cos u / Delta] / k'^2 (verified by differentiation).
        i3u = ((fa.e - fb.e) - k2 * (a1 - b1)) / kc2;
        // 3 k'^2 int Delta^-5 = (4 - 2k^2) int Delta^-3 - int Delta^-1 - k^2 sin u cos u / Delta^3
        // (from d/du[sin u cos u / Delta^3] expressed in powers of Delta).
        if (withOrder5) i5u = ((4.0 - 2.0 * k2) * i3u - i1u - k2 * (a3 - b3)) / (3.0 * kc2);
    }
    const double sp = std::sqrt(p);
    AzimuthalIntegrals r;
    r.j1 = 2.0 * i1u / sp;
    r.j3 = 2.0 * i3u / (p * sp);
    // 1 - cos psi = (R^2 - Q) / B
    r.jd3 = (r.j1 - q * r.j3) / b;
    if (!full) {
        const double sa = std::sin(0.5 * psiA), sb = std::sin(0.5 * psiB);
        const double ra = std::sqrt(q + 2.0 * b * sa * sa), rb = std::sqrt(q + 2.0 * b * sb * sb);
        // w_b - w_a = 2 sin((psiB - psiA)/2) sin((psiA + psiB)/2), accurate for short ranges.
        const double dw = 2.0 * std::sin(0.5 * (psiB - psiA)) * std::sin(0.5 * (psiA + psiB));
        const double ra2 = ra * ra, rb2 = rb * rb;
        // d(R^2) = B sin psi dpsi.
        r.j3s = 2.0 * dw / (ra * rb * (ra + rb));
        if (withOrder5)
            r.j5s = (2.0 / 3.0) * dw * (ra2 + ra * rb + rb2) / ((ra + rb) * ra2 * ra * rb2 * rb);
    }
    if (withOrder5) {
        r.j5 = 2.0 * i5u / (p * p * sp);
        r.jd5 = (r.j3 - q * r.j5) / b;
        r.jdd5 = (r.jd3 - q * r.jd5) / b;
        r.j5ds = (r.j3s - q * r.j5s) / b;
    }
    return r;
}

/// One piece within [-pi, pi]: choose smooth quadrature, near-singular quadrature or closed forms.
AzimuthalIntegrals pieceIntegrals(double q, double b, double psiA, double psiB, bool withOrder5) {
    // w = 2 sin^2(psi/2) grows with |psi| on [-pi, pi].
    const double sMax = std::sin(0.5 * std::max(std::fabs(psiA), std::fabs(psiB)));
    if (b * 2.0 * sMax * sMax < kSmoothMaxGammaW * q) return smoothIntegrals(q, b, psiA, psiB, false, withOrder5);
    const double kc2 = q / (q + 2.0 * b);
    if (psiA > 0.0 || psiB < 0.0) {
        const double gap = psiA > 0.0 ? psiA : -psiB;
        const double sg = std::sin(0.5 * gap);
        if (kc2 < kNumericMaxKc2 && sg * sg > kc2) return numericIntegrals(q, b, psiA, psiB, withOrder5);
    }
    return closedFormIntegrals(q, b, psiA, psiB, false, withOrder5);
}

}  // namespace

AzimuthalIntegrals& AzimuthalIntegrals::operator+=(const AzimuthalIntegrals& o) {
    j1 += o.j1;
    j3 += o.j3;
    jd3 += o.jd3;
    j3s += o.j3s;
    j5 += o.j5;
    jd5 += o.jd5;
    jdd5 += o.jdd5;
    j5s += o.j5s;
    j5ds += o.j5ds;
    return *this;
}

double carlsonRF(double x, double y, double z) {
    for (int iter = 0; iter < 100; ++iter) {
        const double sx = std::sqrt(x), sy = std::sqrt(y), sz = std::sqrt(z);
        const double lambda = sx * sy + sy * sz + sz * sx;
        x = 0.25 * (x + lambda);
        y = 0.25 * (y + lambda);
        z = 0.25 * (z + lambda);
        const double mean = (x + y + z) / 3.0;
        const double dx = 1.0 - x / mean, dy = 1.0 - y / mean, dz = 1.0 - z / mean;
        if (std::max({std::fabs(dx), std::fabs(dy), std::fabs(dz)}) < kCarlsonTolerance) {
            const double e2 = dx * dy - dz * dz, e3 = dx * dy * dz;
            return (1.0 + (e2 / 24.0 - 0.1 - 3.0 * e3 / 44.0) * e2 + e3 / 14.0) / std::sqrt(mean);
        }
    }
    assert(false && "carlsonRF did not converge");
    return std::nan("");
}

double carlsonRD(double x, double y, double z) {
    double sum = 0.0, factor = 1.0;
    for (int iter = 0; iter < 100; ++iter) {
        const double sx = std::sqrt(x), sy = std::sqrt(y), sz = std::sqrt(z);
        const double lambda = sx * (sy + sz) + sy * sz;
        sum += factor / (sz * (z + lambda));
        factor *= 0.25;
        x = 0.25 * (x + lambda);
        y = 0.25 * (y + lambda);
        z = 0.25 * (z + lambda);
        const double mean = 0.2 * (x + y + 3.0 * z);
        const double dx = (mean - x) / mean, dy = (mean - y) / mean, dz = (mean - z) / mean;
        if (std::max({std::fabs(dx), std::fabs(dy), std::fabs(dz)}) < kCarlsonTolerance) {
            // Carlson 1995 eq. 2.29 series for R_D.
            const double ea = dx * dy, eb = dz * dz, ec = ea - eb, ed = ea - 6.0 * eb, ee = ed + ec + ec;
            constexpr double c1 = 3.0 / 14.0, c2 = 1.0 / 6.0, c3 = 9.0 / 22.0, c4 = 3.0 / 26.0;
            constexpr double c5 = 0.25 * c3, c6 = 1.5 * c4;
            const double series = 1.0 + ed * (-c1 + c5 * ed - c6 * dz * ee) +
                                  dz * (c2 * ee + dz * (-c3 * ec + dz * c4 * ea));
            return 3.0 * sum + factor * series / (mean * std::sqrt(mean));
        }
    }
    assert(false && "carlsonRD did not converge");
    return std::nan("");
}

void completeEllipticKE(double kc2, double& kOut, double& eOut) {
    // AGM: K = pi / (2 M(1, k')), E = K (1 - sum_n 2^{n-1} c_n^2), c_0 = k (A&S 17.6.1-17.6.4).
    double a = 1.0, b = std::sqrt(kc2);
    double sum = 0.5 * (1.0 - kc2), power = 0.5;
    // Quadratic convergence: c_{n+1} ~ c_n^2 / (4 a), so once c < 1e-15 a both a and the sum are final
    // (a stricter test can stall at rounding level, where a and b differ by an ulp).
    for (int iter = 0; iter < kMaxAgmIterations; ++iter) {
        const double c = 0.5 * (a - b);
        const double an = 0.5 * (a + b);
        b = std::sqrt(a * b);
        a = an;
        power *= 2.0;
        sum += power * c * c;
        if (std::fabs(c) < 1e-15 * a) break;
    }
    kOut = 0.5 * kPi / a;
    eOut = kOut * (1.0 - sum);
}

AzimuthalIntegrals ringIntegrals(double qMm2, double bMm2, bool withOrder5) {
    assert(qMm2 >= 0.0 && bMm2 >= 0.0 && qMm2 + bMm2 > 0.0);
    if (2.0 * bMm2 < kSmoothMaxGammaW * qMm2) return smoothIntegrals(qMm2, bMm2, -kPi, kPi, true, withOrder5);
    return closedFormIntegrals(qMm2, bMm2, -kPi, kPi, true, withOrder5);
}

AzimuthalIntegrals azimuthalIntegrals(double qMm2, double bMm2, double psi1, double psi2, bool withOrder5) {
    assert(psi2 > psi1 && psi2 - psi1 <= 2.0 * kPi + 1e-12);
    if (psi2 - psi1 >= 2.0 * kPi - 1e-12) return ringIntegrals(qMm2, bMm2, withOrder5);
    // Shift psi1 into [-pi, pi); split where the range passes pi.
    const double shift = 2.0 * kPi * std::floor((psi1 + kPi) / (2.0 * kPi));
    const double a = psi1 - shift, bEnd = psi2 - shift;
    if (bEnd <= kPi) return pieceIntegrals(qMm2, bMm2, a, bEnd, withOrder5);
    AzimuthalIntegrals r = pieceIntegrals(qMm2, bMm2, a, kPi, withOrder5);
    r += pieceIntegrals(qMm2, bMm2, -kPi, bEnd - 2.0 * kPi, withOrder5);
    return r;
}

}  // namespace dbsprog::field::detail
