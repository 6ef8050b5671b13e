#pragma once
/// Heterogeneous tissue around a lead, solved on nested Cartesian grids (issue 3, conductor model 2).
///
/// Method: cell-centred finite volumes for div(sigma grad phi) = 0 on a composite grid of nested cubic
/// patches around the lead (spacing halving from patch to patch, the finest one around the contacts).
///  - Face conductance sigma A / d of the "tube" between two cell centres: slices in series, each the
///    mean conductivity of its cross-section, so tissue boundaries and the encapsulation layer sit
///    where they are, whichever way they cross the face (sampled where the conductivity varies).
///  - Patch interfaces: one link per fine face, over the distance to the coarse centre line, to the
///    potential there interpolated bilinearly from the coarse cells along the interface; its current
///    is shared among those cells by the same weights. Symmetric and conservative (the coarse side
///    receives exactly what leaves the fine side), second order away from the patch's edges.
///  - Lead body: cells whose centre is inside it are not unknowns; faces into it carry no current.
///  - Contacts: each is one unknown potential V_c, coupled to every tissue cell with a face on it by
///    sigma h^2 / d, d the distance from the cell centre to the surface along the face normal (the
///    symmetric second-order treatment of a Dirichlet surface crossing the grid, Gibou, Fedkiw, Cheng &
///    Kang, J Comput Phys 176:205, 2002); the face's share on the contact is sampled, so contact and
///    segment edges need not fall on cell faces. Its row states the contact's net current (1 mA
///    driven, 0 floating).
///  - Far boundary: a box at least domainHalfWidthMm from the contacts with the condition
///    d(phi)/dr = -phi / r about the contacts' centre, which every field decaying as 1/r (any net
///    current, in any tissue) satisfies, so no conductivity or current has to be guessed there.
///  - Solver: conjugate gradients preconditioned by one multigrid V-cycle over the patch hierarchy and
///    below it (local symmetric Gauss-Seidel smoothing on each patch, trilinear prolongation and its
///    transpose as restriction, coarse operators aggregated from the fine conductances, exact dense
///    solve on the coarsest grid). Relative residual checked against the tolerance; failure throws.
///  - Unit solutions: one solve per contact; one thread per contact (the result does not depend on the
///    thread count). Cached on disk under a hash of everything that determines them.
///  - Evaluation: tricubic (Lagrange) interpolation of the cell potentials on the finest patch that
///    holds the point's 4 x 4 x 4 stencil, blended linearly into the next coarser patch over two cells;
///    the gradient is the exact derivative of that interpolant (third order). Cells inside the lead
///    carry values extrapolated through the surface (the contact potential on contacts, zero normal
///    gradient on insulation). Accuracy: see tests/field/test_grid_conductor.cpp; within about 0.15 mm
///    of the lead surface (1-2 cells) |E| errors reach 10-30% next to contact edges.
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dbsprog/field/tissue_model.hpp"
#include "dbsprog/field/volume_conductor.hpp"

namespace dbsprog::field {

/// Grid geometry. None of these is a published number: they are numerical choices, set by the
/// convergence study in tests/field/test_grid_conductor.cpp (reference solution and the
/// boundary-element model; summarised at the presets below).
struct GridDiscretisation {
    /// Cell size of the finest patch, mm. It must resolve the lead radius and the contact edges (and
    /// segment edges on directional leads).
    double fineSpacingMm = 0.1;
    /// How far the finest patch reaches beyond the lead surface and beyond the distal tip and the most
    /// proximal contact end, mm: the strongly varying field next to the contacts stays inside it.
    double fineMarginMm = 0.4;
    /// Each coarser patch extends this many of its own cells beyond the finer one on every side; more
    /// cells push the (first-order) patch interfaces further out into smoother field.
    int levelMarginCells = 8;
    /// The far boundary lies at least this far from the contacts' centre, mm. With the 1/r boundary
    /// condition the solution does not change (< 0.01%) from 40 to 80 mm.
    double domainHalfWidthMm = 40.0;

    /// Ring leads: 0.1 mm, 8 margin cells (~230k unknowns on a 3389; contact impedance +0.9% and
    /// |E| within 2% of the references from 1.5 to 10 mm).
    static GridDiscretisation ringLeadDefaults();
    /// Directional leads: 0.05 mm, 6 margin cells (~510k unknowns on a 6172): 0.1 mm leaves up to 10%
    /// |E| error next to segments whose edges cross the grid obliquely (segments b and c, 120/240 deg).
    static GridDiscretisation directionalLeadDefaults();
    static GridDiscretisation defaultsFor(const device::Lead& lead);
};

struct GridSolverSettings {
    /// Stop when ||b - A x|| <= relativeTolerance ||b|| (b: the contact currents). 1e-8 leaves
    /// algebraic errors far below the discretisation error (~1e-3) and costs a few more iterations.
    double relativeTolerance = 1e-8;
    /// Conjugate-gradient iterations before giving up (the V-cycle preconditioner needs ~10).
    int maxIterations = 200;
    /// Gauss-Seidel sweeps before (forward) and after (backward) each coarse-grid correction: 2 is
    /// fastest overall (at 0.05 mm: 1 sweep needs 14 iterations, 2 need 10, 3 need 8 at 50% more smoothing).
    int smoothingSweeps = 2;
};

struct GridSettings {
    TissueModel tissue = TissueModel::homogeneous(0.2);
    InactiveContacts inactiveContacts = InactiveContacts::Floating;
    std::optional<GridDiscretisation> discretisation;  ///< default: GridDiscretisation::defaultsFor(lead)
    GridSolverSettings solver;
    /// Threads for the unit solutions (one contact per thread) and evaluation; 0 = all hardware
    /// threads. Results are bit-identical for any count.
    int threads = 0;
    /// Read and write the on-disk cache.
    bool useCache = true;
    /// Cache directory; empty = defaultGridCacheDir().
    std::string cacheDir;
};

/// $XDG_CACHE_HOME/dbsprog, else $HOME/.cache/dbsprog, else <temp>/dbsprog-cache.
std::string defaultGridCacheDir();

/// One patch of the grid (finest last).
struct GridLevelInfo {
    double spacingMm = 0.0;
    std::array<int, 3> cells{};              ///< cells per axis
    std::array<double, 3> minMm{}, maxMm{};  ///< box corners, lead frame
    long compositeCells = 0;                 ///< tissue cells of this patch in the composite grid
};

/// Convergence of one solve.
struct GridContactSolve {
    int iterations = 0;
    double relativeResidual = 0.0;  ///< ||b - A x|| / ||b|| recomputed from the final x
    double seconds = 0.0;
};

struct GridStats {
    std::vector<GridLevelInfo> levels;     ///< composite levels, coarsest first
    long unknowns = 0;                     ///< composite tissue cells + contact potentials
    std::vector<GridContactSolve> solves;  ///< per contact, as computed (also when read from the cache)
    double setupSeconds = 0.0;             ///< grid, conductances and multigrid hierarchy (0 if cached)
    double solveSeconds = 0.0;             ///< all unit solutions, wall clock (0 if cached)
    double totalSeconds = 0.0;             ///< constructor wall clock
    bool fromCache = false;
    std::string cacheFile;  ///< empty when caching is off
    std::string cacheNote;  ///< why the cache was not used or written, if so
};

namespace grid {
struct Solution;
}

/// Result of a direct solve for arbitrary contact currents (superposition checks, one-off programs).
struct GridDirectSolution {
    Eigen::VectorXd contactPotentialsV;  ///< per contact; NaN for insulating contacts
    UnitFields fields;                   ///< one column
    GridContactSolve solve;
};

class GridConductor final : public VolumeConductor {
public:
    /// Builds (or reads from the cache) the unit solutions. Throws InputError for settings out of range
    /// or a lead the grid cannot hold, std::runtime_error if the solver fails to converge.
    explicit GridConductor(device::Lead lead, GridSettings settings = {});
    ~GridConductor() override;
    GridConductor(GridConductor&&) noexcept;
    GridConductor& operator=(GridConductor&&) noexcept;

    const GridSettings& settings() const { return settings_; }
    /// The discretisation used (settings().discretisation or the lead's defaults).
    const GridDiscretisation& discretisation() const { return discretisation_; }
    const GridStats& stats() const { return stats_; }
    /// The text hashed for the cache key (lead, tissue, discretisation, solver, code version).
    const std::string& cacheKeyText() const { return keyText_; }

    const device::Lead& lead() const override { return lead_; }
    std::string description() const override;
    UnitFields unitFields(const Eigen::Matrix3Xd& pointsMm, bool withGradient = true, int threads = 1) const override;
    Eigen::MatrixXd contactPotentialsVPerMa() const override;
    bool insideLead(const Eigen::Vector3d& pointMm) const override;

    /// Solves once for the given contact currents (mA, + leaving the contact), without the cache (it
    /// rebuilds the grid: a full solve's cost); with insulating inactive contacts, only contacts with a
    /// non-zero current are conductors. For checks of superposition and one-off programs.
    GridDirectSolution solveDirect(const Eigen::VectorXd& contactCurrentsMa, const Eigen::Matrix3Xd& pointsMm,
                                   bool withGradient = true) const;

private:
    device::Lead lead_;
    GridSettings settings_;
    GridDiscretisation discretisation_;
    GridStats stats_;
    std::string keyText_;
    std::shared_ptr<const grid::Solution> solution_;
};

}  // namespace dbsprog::field
