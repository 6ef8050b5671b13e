#pragma once
// Conjugate gradients with a geometric multigrid V-cycle preconditioner for the composite-grid system
// of the grid conductor (grid_internal.hpp). Internal to field/.
//
// Hierarchy: level k of the hierarchy is the composite grid of levels 0..k with level k complete (its
// covered cells stand for their children). Going from k to k - 1 replaces level k by its parents:
// prolongation is cell-centred trilinear interpolation onto level k (identity on every coarser cell),
// restriction its transpose; the coarse operator is level k - 1's own ("top") conductances, aggregated
// from level k's (grid_geometry.cpp). Smoothing is local: lexicographic Gauss-Seidel on level k's cells and
// a Gauss-Seidel update of the contact potentials, forward before the coarse correction and backward
// after it, so the V-cycle is a symmetric preconditioner. Level 0 (<= 8^3 cells) is solved by
// dense Cholesky. Local smoothing on nested patches is the multiplicative form of Bramble, Pasciak,
// Wang & Xu's local-refinement multigrid (Math Comp 56:1, 1991).
#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <vector>

#include "field/grid_internal.hpp"

namespace dbsprog::field::grid {

/// The system for one set of conducting contacts (all of them with floating inactive contacts; only
/// the driven ones with insulating inactive contacts).
struct Operator {
    const Geometry* geo = nullptr;
    std::vector<char> contactOn;                           ///< contact is an unknown (a conductor)
    std::vector<std::vector<double>> diagTop, invDiagTop;  ///< per level, when it is the finest
    std::vector<std::vector<double>> diagComp;             ///< per composite level below the finest
    std::vector<std::vector<ContactLink>> links;           ///< per level, links of contacts that are on
    std::vector<Eigen::VectorXd> contactDiag;              ///< per level: sum of that level's links per contact
    Eigen::LLT<Eigen::MatrixXd> bottom;                    ///< level 0 + contacts that are on
    std::vector<long> bottomCells;                         ///< padded index of each dense row (tissue cells)
    std::vector<int> bottomContacts;                       ///< contact of each remaining dense row
};

Operator buildOperator(const Geometry& geo, const std::vector<char>& contactOn);

/// Solves for the given contact currents (mA; zero for contacts that are off). Throws
/// std::runtime_error if the relative residual does not reach `settings.relativeTolerance`.
SolveResult solveComposite(const Operator& op, const Eigen::VectorXd& contactCurrentsMa,
                           const GridSolverSettings& settings);

}  // namespace dbsprog::field::grid
