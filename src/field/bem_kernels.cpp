#include "bem_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "dbsprog/field/detail/azimuthal_integrals.hpp"
#include "dbsprog/field/detail/gauss_legendre.hpp"

namespace dbsprog::field::detail {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kInvFourPi = 1.0 / (4.0 * kPi);

// Gauss order for a piece of length h whose nearest point is d from the target (meridian pieces and,
// for far sectors, angular arcs). An n-point rule errs by ~rho^-2n with rho ~ 1 + 2d/h +
// sqrt((1 + 2d/h)^2 - 1) (Bernstein ellipse of the kernel's singularity): 8 points at d/h = 1.5 give
// ~4e-15, 4 at 6 ~1e-11, 2 at 20 ~2e-8; the midpoint rule at d/h >= 60 errs by ~h^2/(12 d^2) ~ 2e-5
// of that piece's (small) share. Nearer meridian pieces are halved, grading the quadrature
// geometrically toward the target; nearer arcs use the closed-form azimuthal integrals.
struct GaussForRatio {
    double minRatio;
    int order;
};
constexpr GaussForRatio kRules[] = {{60.0, 1}, {20.0, 2}, {6.0, 4}, {1.5, 8}};
// Far arcs use the node tables of Sector, which hold exactly these orders.
static_assert(kRules[0].order == Sector::kNodeOrders[0] && kRules[1].order == Sector::kNodeOrders[1] &&
              kRules[2].order == Sector::kNodeOrders[2] && kRules[3].order == Sector::kNodeOrders[3]);
constexpr int kSingularOrder = 8;
// Halving stops at pieces this short (well above the rounding of z ~ 10 mm, ~2e-15 mm, so a node never
// lands on the target); a target on the piece is then a log singularity integrated by the 8-point rule
// over a piece whose share, ~h log h, is far below 1e-12.
constexpr double kMinPieceMm = 1e-9;
constexpr int kMaxSubdivisionDepth = 60;

int orderFor(double distance, double length) {
    for (const auto& rule : kRules)
        if (distance >= rule.minRatio * length) return rule.order;
    return 0;
}

double wrapToPi(double a) {
    a = std::fmod(a + kPi, 2.0 * kPi);
    if (a < 0.0) a += 2.0 * kPi;
    return a - kPi;
}

/// Point sources and dipoles on the arc by Gauss in psi (the arc is far from the target).
void addArcByQuadrature(const MeridianSegment::Point& p, double f, const Target& x, const Sector& sector, int order,
                        bool gradients, KernelSums& out) {
    const auto& rule = gaussLegendre(order);
    const double half = 0.5 * (sector.psi2 - sector.psi1);
    for (int i = 0; i < order; ++i)
        addPointNode(p, sector.cosNode[order - 1 + i], sector.sinNode[order - 1 + i], f * half * rule.weights[i], x,
                     gradients, out);
}

void integratePiece(const PanelRow& row, const Target& x, const Sector& sector, bool gradients, KernelSums& out,
                    double t0, double t1, int depth) {
    const MeridianSegment& seg = row.segment;
    const double h = row.lengthMm * (t1 - t0);
    double dist = seg.distanceMm(x.rho, x.z, t0, t1);
    if (!sector.full && sector.gapRad > 0.0) {
        // An angular gap keeps the sources at least 2 sqrt(rho rho') sin(gap/2) away as well.
        const double rhoMin = std::min(seg.at(t0).rho, seg.at(t1).rho);
        dist = std::hypot(dist, 2.0 * std::sqrt(x.rho * rhoMin) * std::sin(0.5 * std::min(sector.gapRad, kPi)));
    }
    int order = orderFor(dist, h);
    if (order == 0) {
        if (depth < kMaxSubdivisionDepth && h > kMinPieceMm) {
            const double tm = 0.5 * (t0 + t1);
            integratePiece(row, x, sector, gradients, out, t0, tm, depth + 1);
            integratePiece(row, x, sector, gradients, out, tm, t1, depth + 1);
            return;
        }
        order = kSingularOrder;
    }
    const auto& rule = gaussLegendre(order);
    const double half = 0.5 * (t1 - t0), mid = 0.5 * (t0 + t1);
    for (size_t i = 0; i < rule.nodes.size(); ++i) {
        const MeridianSegment::Point p = seg.at(mid + half * rule.nodes[i]);
        addRingNode(p, half * rule.weights[i] * p.dsdt * p.rho, x, sector, gradients, out);
    }
}

}  // namespace

Sector sectorRelativeTo(const SurfaceMesh& mesh, int s, double thetaTargetRad) {
    Sector sec;
    if (mesh.sectorCount == 1) return sec;
    const double w = mesh.sectorWidthRad();
    sec.full = false;
    sec.psi1 = wrapToPi(mesh.sectorStartRad + s * w - thetaTargetRad);
    sec.psi2 = sec.psi1 + w;
    const bool containsZero = (sec.psi1 <= 0.0 && sec.psi2 >= 0.0) || sec.psi2 >= 2.0 * kPi;
    sec.gapRad = containsZero ? 0.0 : std::min(std::fabs(wrapToPi(sec.psi1)), std::fabs(wrapToPi(sec.psi2)));
    const double half = 0.5 * (sec.psi2 - sec.psi1), mid = 0.5 * (sec.psi1 + sec.psi2);
    for (int order : Sector::kNodeOrders) {
        const auto& rule = gaussLegendre(order);
        for (int i = 0; i < order; ++i) {
            const double psi = mid + half * rule.nodes[i];
            sec.cosNode[order - 1 + i] = std::cos(psi);
            sec.sinNode[order - 1 + i] = std::sin(psi);
        }
    }
    return sec;
}

void addRingNode(const MeridianSegment::Point& p, double weightRho, const Target& x, const Sector& sector,
                 bool gradients, KernelSums& out) {
    const double rp = p.rho, f0 = x.rho - rp, dz = x.z - p.z;
    const double q = f0 * f0 + dz * dz, b = 2.0 * x.rho * rp;
    if (q + b <= 0.0) return;  // target on the axis at a source point on the axis (zero-area ring)
    const double f = weightRho * kInvFourPi;
    if (!sector.full) {
        // A far arc: plain Gauss in psi with point kernels is cheaper than the elliptic closed forms.
        // In psi the kernel is singular at psi = +-i d, cosh d = A / B = 1 + Q / B (and its 2 pi
        // images), so the arc's Bernstein distance is that of the point (gap, d) from an interval of
        // length = the sector's angle. (Distance over arc length would be wrong: d grows only like
        // log(distance / rho'); it under-resolved far arcs by ~3e-4, measured.)
        const double decay = b > 0.0 ? std::acosh(1.0 + q / b) : std::numeric_limits<double>::infinity();
        const int order = orderFor(std::hypot(sector.gapRad, decay), sector.psi2 - sector.psi1);
        if (order > 0) {
            addArcByQuadrature(p, f, x, sector, order, gradients, out);
            return;
        }
    }
    const AzimuthalIntegrals j = sector.full ? ringIntegrals(q, b, gradients)
                                             : azimuthalIntegrals(q, b, sector.psi1, sector.psi2, gradients);
    // With d = x - y = (f0 + rho' w, -rho' sin psi, dz) in the local frame (w = 1 - cos psi) and
    // d.n_y = e0 + e1 w, each kernel is a combination of the azimuthal integrals.
    const double e0 = p.nRho * f0 + p.nZ * dz, e1 = -p.nRho * x.rho;
    out.single += f * j.j1;
    out.dbl += f * (e0 * j.j3 + e1 * j.jd3);
    if (!gradients) return;
    // grad_x G = -d / (4 pi R^3)
    out.gradSingle[0] -= f * (f0 * j.j3 + rp * j.jd3);
    out.gradSingle[1] += f * rp * j.j3s;
    out.gradSingle[2] -= f * dz * j.j3;
    // grad_x dG/dn_y = [n_y / R^3 - 3 d (d.n_y) / R^5] / (4 pi)
    out.gradDbl[0] +=
        f * (p.nRho * (j.j3 - j.jd3) - 3.0 * (f0 * e0 * j.j5 + (f0 * e1 + rp * e0) * j.jd5 + rp * e1 * j.jdd5));
    out.gradDbl[1] += f * (p.nRho * j.j3s + 3.0 * rp * (e0 * j.j5s + e1 * j.j5ds));
    out.gradDbl[2] += f * (p.nZ * j.j3 - 3.0 * dz * (e0 * j.j5 + e1 * j.jd5));
}

void addPointNode(const MeridianSegment::Point& p, double cosPsi, double sinPsi, double f, const Target& x,
                  bool gradients, KernelSums& out) {
    // Target at azimuth 0: d = x - y, n_y the source normal at azimuth psi.
    const double dx = x.rho - p.rho * cosPsi, dy = -p.rho * sinPsi, dz = x.z - p.z;
    const double nx = p.nRho * cosPsi, ny = p.nRho * sinPsi, nz = p.nZ;
    const double ir = 1.0 / std::sqrt(dx * dx + dy * dy + dz * dz), ir3 = ir * ir * ir;
    const double dn = dx * nx + dy * ny + dz * nz;
    out.single += f * ir;
    out.dbl += f * dn * ir3;
    if (!gradients) return;
    const double ir5 = ir3 * ir * ir;
    out.gradSingle[0] -= f * dx * ir3;
    out.gradSingle[1] -= f * dy * ir3;
    out.gradSingle[2] -= f * dz * ir3;
    out.gradDbl[0] += f * (nx * ir3 - 3.0 * dx * dn * ir5);
    out.gradDbl[1] += f * (ny * ir3 - 3.0 * dy * dn * ir5);
    out.gradDbl[2] += f * (nz * ir3 - 3.0 * dz * dn * ir5);
}

void integrateRow(const PanelRow& row, const Target& x, const Sector& sector, bool gradients, KernelSums& out) {
    integratePiece(row, x, sector, gradients, out, 0.0, 1.0, 0);
}

}  // namespace dbsprog::field::detail
