#pragma once
/// Boundary-element kernels integrated over panels of a body of revolution (internal to field/).
#include "dbsprog/field/detail/lead_surface.hpp"

namespace dbsprog::field::detail {

/// A target point in its own meridian plane (azimuth 0 of its local frame).
struct Target {
    double rho = 0.0, z = 0.0;  ///< mm
};

/// A panel's angular range relative to the target's azimuth.
struct Sector {
    double psi1 = -3.14159265358979323846, psi2 = 3.14159265358979323846;  ///< radians
    bool full = true;      ///< a whole ring
    double gapRad = 0.0;   ///< angular distance from the target's azimuth to the range (0 if inside)
    /// cos and sin of psi at the Gauss nodes of orders 1, 2, 4, 8 on [psi1, psi2] (15 nodes, order n
    /// from index n - 1), so far arcs need no trigonometry per source point. Partial sectors only.
    static constexpr int kNodeOrders[4] = {1, 2, 4, 8};
    double cosNode[15] = {}, sinNode[15] = {};
};

/// Sector s of the mesh seen from a target at azimuth `thetaTargetRad`.
Sector sectorRelativeTo(const SurfaceMesh& mesh, int s, double thetaTargetRad);

/// Kernels integrated over (part of) a panel, in the target's local frame (radial, tangential, z):
/// single = int G dS (mm), dbl = int dG/dn_y dS, and their gradients with respect to the target.
struct KernelSums {
    double single = 0.0;
    double dbl = 0.0;
    double gradSingle[3] = {0.0, 0.0, 0.0};
    double gradDbl[3] = {0.0, 0.0, 0.0};  ///< 1/mm
};

/// Adds a ring (or sector arc) of sources at meridian point `p` with weight `weightRho` (quadrature
/// weight in arc length times rho', mm^2): int over the arc of kernel * rho' dpsi * weight.
void addRingNode(const MeridianSegment::Point& p, double weightRho, const Target& x, const Sector& sector,
                 bool gradients, KernelSums& out);

/// Adds a point source and dipole at azimuth psi (given by its cosine and sine) on the ring through
/// meridian point `p`, weight `f` (already divided by 4 pi): f/r, f (d.n)/r^3 and their gradients.
void addPointNode(const MeridianSegment::Point& p, double cosPsi, double sinPsi, double f, const Target& x,
                  bool gradients, KernelSums& out);

/// Integrates over a whole row (t in [0, 1]), adaptively in the meridian direction.
void integrateRow(const PanelRow& row, const Target& x, const Sector& sector, bool gradients, KernelSums& out);

}  // namespace dbsprog::field::detail
