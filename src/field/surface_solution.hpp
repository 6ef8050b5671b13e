#pragma once
/// The solved boundary-element surface problem and its evaluation at field points (internal).
#include <Eigen/Core>
#include <memory>
#include <vector>

#include "dbsprog/field/detail/lead_surface.hpp"
#include "dbsprog/field/homogeneous_conductor.hpp"
#include "bem_kernels.hpp"

namespace dbsprog::field::detail {

/// A run of consecutive rows. Seen from a target far from it (relative to its length), its panels act
/// through `proxies`: Gauss points along its meridian carrying interpolatory weights (the integrals
/// of each panel density times the Lagrange basis), exact for kernels of polynomial degree < order
/// along the run, so the error falls like the kernel's Chebyshev interpolation error.
struct ClusterNode {
    int rowBegin = 0, rowEnd = 0;  ///< rows [rowBegin, rowEnd)
    int left = -1, right = -1;     ///< children (-1: a leaf, one row)
    double lengthMm = 0.0;         ///< meridian arc length
    double rhoMin = 0, rhoMax = 0, zMin = 0, zMax = 0;  ///< bounding box in the meridian plane
    std::vector<MeridianSegment::Point> proxies;
    /// [(proxy * sectors + sector) * contacts + contact]: int (density * Lagrange basis * rho) ds, for the
    /// single layer (density qn) and the double layer (density phi).
    std::vector<double> singleWeights, doubleWeights;
    /// Segmented leads: the same weights carried by M equispaced azimuths per proxy ring (trigonometric
    /// interpolation, see AngularNodes), [level][(proxy * M + node) * contacts + contact].
    std::vector<std::vector<double>> angularSingleWeights, angularDoubleWeights;
};

/// Equispaced azimuths theta_m = 2 pi m / M on a proxy ring, for targets far enough that the kernel
/// around the ring is a trigonometric polynomial of degree (M - 1)/2 to within e^-kAngularDecay.
/// weights(s, m) = int over sector s of the trigonometric Lagrange basis of node m, so that
/// sum_s w_s int_s k(theta) dtheta ~ sum_m k(theta_m) sum_s w_s weights(s, m).
struct AngularNodes {
    int count = 0;                   ///< M (odd)
    std::vector<double> cosTheta, sinTheta;
    Eigen::MatrixXd sectorWeights;   ///< sectors x M
};

/// Per unit I/sigma = 1 V mm on each contact (1 mA at 1 S/m); sigma scales every value by 1/sigma.
struct SurfaceSolution {
    SurfaceMesh mesh;
    InactiveContacts mode = InactiveContacts::Floating;
    using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    RowMajor panelPotential;           ///< P x C: phi on each panel, V
    RowMajor panelFlux;                ///< P x C: qn = -dphi/dn on each panel, V/mm
    Eigen::MatrixXd contactPotential;  ///< C x C: potential of contact c in unit solution k, V
    std::vector<double> rowStartMm;    ///< meridian arc length at the start of each row (R + 1 values)
    std::vector<ClusterNode> clusters;
    std::vector<AngularNodes> angularLevels;  ///< segmented leads only, increasing M
    std::vector<int> roots;            ///< cluster trees: tip hemisphere, cylinder, cap (each smooth)
    BemStats stats;
};

std::shared_ptr<const SurfaceSolution> solveSurface(const device::Lead& lead, const BemDiscretisation& disc,
                                                    InactiveContacts mode);

/// Evaluates unit potentials (and gradients) at points; one per thread (holds scratch buffers).
class SurfaceEvaluator {
public:
    SurfaceEvaluator(const SurfaceSolution& solution, bool gradients);
    /// potential: C values; gradient: 3 x C, component-major (x, y, z in the lead frame). Per unit I/sigma.
    void evaluate(const Eigen::Vector3d& pointMm, double* potential, double* gradient);

private:
    void visit(int node);
    void accumulate(const KernelSums& k, const double* singleDensity, const double* doubleDensity);

    const SurfaceSolution& sol_;
    bool gradients_;
    int contacts_;
    double targetRho_ = 0.0, targetZ_ = 0.0, cosTarget_ = 1.0, sinTarget_ = 0.0;
    std::vector<Sector> sectors_;
    std::vector<double> potential_, local_;  // local_: 3 x C in the target's (radial, tangential, z) frame
};

}  // namespace dbsprog::field::detail
