#pragma once
/// Azimuthal integrals of the Laplace kernel for bodies of revolution (internal to field/, public
/// only so the tests can check them against brute-force quadrature).
///
/// A source on a ring of radius rho' at height z' and a target at (rho, 0, z) are
/// R = sqrt(A - B cos psi) apart, with A = Q + B, Q = (rho - rho')^2 + (z - z')^2, B = 2 rho rho'.
/// Every kernel the boundary-element method needs (single layer, double layer and their gradients)
/// integrated over psi reduces to the integrals below (with w = 1 - cos psi):
///   j1   = int R^-1           j3   = int R^-3        jd3  = int w R^-3      j3s  = int sin R^-3
///   j5   = int R^-5           jd5  = int w R^-5      jdd5 = int w^2 R^-5    j5s  = int sin R^-5
///   j5ds = int sin w R^-5
/// The w-forms are used instead of cos-forms because they stay accurate when the target sits on the
/// source ring (Q -> 0), where cos-forms cancel catastrophically.
///
/// Closed forms: incomplete elliptic integrals via Carlson's symmetric forms (Carlson 1995, Numer.
/// Algorithms 10:13-26), substitution psi = pi - 2u (Gradshteyn & Ryzhik 2.571; reduction of
/// int Delta^-5 derived in azimuthal_integrals.cpp); complete ones by the arithmetic-geometric mean
/// (Abramowitz & Stegun 17.6). Where the integrand is smooth over the range (B w << Q) plain quadrature
/// is exact and the closed forms would cancel; near targets whose angular range stays away from
/// psi = 0 use composite Gauss-Legendre graded toward psi = 0 (the closed forms cancel there too).

namespace dbsprog::field::detail {

struct AzimuthalIntegrals {
    double j1 = 0, j3 = 0, jd3 = 0, j3s = 0;
    double j5 = 0, jd5 = 0, jdd5 = 0, j5s = 0, j5ds = 0;

    AzimuthalIntegrals& operator+=(const AzimuthalIntegrals& o);
};

/// Integrals over psi in [psi1, psi2] (radians, psi2 - psi1 in (0, 2 pi]; a full 2 pi range is a ring).
/// `qMm2` = (rho - rho')^2 + (z - z')^2 >= 0, `bMm2` = 2 rho rho' >= 0, not both 0.
/// `withOrder5`: also the R^-5 family (needed for gradients of the double layer only).
AzimuthalIntegrals azimuthalIntegrals(double qMm2, double bMm2, double psi1, double psi2, bool withOrder5);

/// The full ring (psi over 2 pi); the sine integrals are 0.
AzimuthalIntegrals ringIntegrals(double qMm2, double bMm2, bool withOrder5);

/// Carlson's R_F(x, y, z) and R_D(x, y, z), at most one argument 0 (R_D: z > 0).
double carlsonRF(double x, double y, double z);
double carlsonRD(double x, double y, double z);

/// Complete elliptic integrals K(k), E(k) from the complementary modulus squared kc2 = 1 - k^2 > 0,
/// by the arithmetic-geometric mean; passing kc2 keeps full precision as k -> 1.
void completeEllipticKE(double kc2, double& kOut, double& eOut);

}  // namespace dbsprog::field::detail
