#pragma once
/// Homogeneous, isotropic tissue around a lead, solved by a boundary-element method (BEM) on the lead
/// surface. The lead is what makes a homogeneous medium non-trivial: its body is an insulator and its
/// contacts are metal, so the current leaves each contact with a non-uniform density (crowding at the
/// edges) and inactive contacts short the field along the lead. Both shape the field within a few mm
/// (FACTS.md / reference README), which a point- or line-source model misses.
///
/// Method (direct BEM for the exterior Laplace problem, e.g. Brebbia & Dominguez, "Boundary Elements:
/// An Introductory Course", ch. 2): for x on the lead surface S with outward normal n,
///   phi(x)/2 = int_S G(x,y) qn(y) dS + int_S phi(y) dG/dn_y(x,y) dS,   G = 1 / (4 pi |x - y|),
/// where qn = -d(phi)/dn = J.n / sigma. Unknowns per panel: phi on insulating panels (qn = 0 there),
/// qn on contact panels (phi = the contact's potential), plus one potential per contact fixed by its
/// net current. The surface is a body of revolution (hemispherical tip, cylinder, flat cap far up the
/// shaft) cut into rows along the meridian and, for segmented leads, equal angular sectors; azimuthal
/// integrals are done in closed form (elliptic integrals), meridian integrals by adaptive Gauss.
/// Solve: the operators are block-circulant in the sectors, so X = (I/2 - D)^-1 S is formed per
/// Fourier mode (dense LU, Eigen), then a dense LU on the metal panels' unknowns only; once per lead
/// and InactiveContacts mode, sigma only scales the result. Evaluation at field points walks a tree of
/// panel rows whose far parts act through interpolatory proxy rings (cost ~log of the row count).
#include <memory>
#include <optional>

#include "dbsprog/field/volume_conductor.hpp"

namespace dbsprog::field {

/// Panel sizes of the lead surface mesh. None of these is a published number: they are numerical
/// choices, set by the convergence study in tests/field/test_homogeneous_conductor.cpp
/// ("DiscretisationConvergesTowardTheReference"; numbers there and at the presets in the .cpp).
struct BemDiscretisation {
    double edgePanelMm = 0.002;     ///< panel length at a contact edge (where the current density is singular)
    double growthRatio = 1.25;      ///< length ratio of neighbouring panels moving away from an edge
    double maxPanelMm = 0.05;       ///< longest panel on contacts, gaps and tip
    double maxShaftPanelMm = 2.0;   ///< longest panel on the shaft above the most proximal contact
    double shaftLengthMm = 50.0;    ///< modelled shaft above the most proximal contact (then a flat cap)
    int capPanels = 4;              ///< rows on the flat cap closing the shaft
    int minSectors = 24;            ///< segmented leads: fewest angular sectors (must align with segment edges)
    int maxSectors = 72;            ///< segmented leads: most angular sectors tried before snapping edges

    /// Ring-only leads: axisymmetric, so fine panels are cheap (3389: 401 rows, built in ~0.15 s).
    static BemDiscretisation ringLeadDefaults();
    /// Segmented leads: rows x sectors panels, so coarser rows (DB-2202: 151 rows x 24 sectors, ~0.8 s).
    static BemDiscretisation directionalLeadDefaults();
    static BemDiscretisation defaultsFor(const device::Lead& lead);
};

struct HomogeneousSettings {
    double sigmaSPerM = 0.2;  ///< tissue conductivity, S/m (issue 3 default for the homogeneous model)
    InactiveContacts inactiveContacts = InactiveContacts::Floating;
    std::optional<BemDiscretisation> discretisation;  ///< default: BemDiscretisation::defaultsFor(lead)
};

namespace detail {
struct SurfaceSolution;
}

/// Statistics of the surface solution, for reports and benchmarks.
struct BemStats {
    int rows = 0;           ///< panel rows along the meridian
    int sectors = 1;        ///< angular sectors (1: axisymmetric)
    int unknowns = 0;       ///< size of each dense system
    double buildSeconds = 0.0;  ///< assembly + factorisation + solves (wall clock)
    bool segmentEdgesSnapped = false;  ///< segment edges moved to the nearest sector boundary
    /// max over collocation points of |sum_j D_ij + 1/2| (0 for exact quadrature on a closed surface);
    /// a check on the double-layer integrals.
    double doubleLayerRowSumError = 0.0;
};

/// Immutable once built: const members may be called from several threads at once; copies share the
/// solved surface.
class HomogeneousConductor final : public VolumeConductor {
public:
    /// Builds and solves the surface problem. Throws InputError for a lead this model cannot mesh
    /// (a ring or segment reaching onto the rounded tip) or a non-positive conductivity.
    explicit HomogeneousConductor(device::Lead lead, HomogeneousSettings settings = {});

    /// The same lead and contact mode at another conductivity: shares the solved surface (no solve).
    HomogeneousConductor withConductivity(double sigmaSPerM) const;

    double sigmaSPerM() const { return sigmaSPerM_; }
    InactiveContacts inactiveContacts() const;
    const BemStats& stats() const;

    const device::Lead& lead() const override { return lead_; }
    std::string description() const override;
    UnitFields unitFields(const Eigen::Matrix3Xd& pointsMm, bool withGradient = true, int threads = 1) const override;
    Eigen::MatrixXd contactPotentialsVPerMa() const override;
    bool insideLead(const Eigen::Vector3d& pointMm) const override;

private:
    HomogeneousConductor(device::Lead lead, double sigmaSPerM, std::shared_ptr<const detail::SurfaceSolution> s);

    device::Lead lead_;
    double sigmaSPerM_;
    std::shared_ptr<const detail::SurfaceSolution> solution_;
};

}  // namespace dbsprog::field
