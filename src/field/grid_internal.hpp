#pragma once
// Internal data of the grid conductor (grid_*.cpp, multigrid.cpp). Not part of the public API.
//
// The grid is a stack of nested boxes of cubic cells (cell-centred finite volumes). Level 0 is the
// coarsest; each level halves the spacing of the one below. Every level's lattice has faces at integer
// multiples of its spacing h (global cell index g spans [g h, (g + 1) h] on each axis), so the eight
// children of level-j cell g are level-(j+1) cells 2g, 2g + 1 on each axis. Levels 0..base cover the
// whole domain (the coarse ones only serve the multigrid); levels above base are patches around the
// lead, each inside the one below with a margin. The composite grid, on which the problem is solved, is
// every level's cells not covered by the next finer box.
#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "dbsprog/device/lead.hpp"
#include "dbsprog/field/grid_conductor.hpp"

namespace dbsprog::field::grid {

/// Cells of one level, stored with one layer of padding on every side so that the six neighbours of a
/// box cell always exist (padding cells are inactive and carry zero conductance).
struct Box {
    double h = 0.0;           ///< cell size, mm
    std::array<int, 3> lo{};  ///< global lattice index of the box's first cell, per axis
    std::array<int, 3> n{};   ///< cells per axis

    long px() const { return n[0] + 2; }
    long py() const { return n[1] + 2; }
    long pz() const { return n[2] + 2; }
    long sy() const { return px(); }
    long sz() const { return px() * py(); }
    long size() const { return px() * py() * pz(); }
    long cells() const { return static_cast<long>(n[0]) * n[1] * n[2]; }
    /// Padded index of local cell (i, j, k), each in [-1, n].
    long index(int i, int j, int k) const { return (i + 1) + px() * ((j + 1) + py() * static_cast<long>(k + 1)); }
    long stride(int axis) const { return axis == 0 ? 1 : axis == 1 ? sy() : sz(); }
    Eigen::Vector3d centre(int i, int j, int k) const {
        return {(lo[0] + i + 0.5) * h, (lo[1] + j + 0.5) * h, (lo[2] + k + 0.5) * h};
    }
    Eigen::Vector3d minCorner() const { return {lo[0] * h, lo[1] * h, lo[2] * h}; }
    Eigen::Vector3d maxCorner() const { return {(lo[0] + n[0]) * h, (lo[1] + n[1]) * h, (lo[2] + n[2]) * h}; }
    /// Local (i, j, k) of padded index p.
    std::array<int, 3> local(long p) const {
        const long i = p % px(), j = (p / px()) % py(), k = p / (px() * py());
        return {static_cast<int>(i - 1), static_cast<int>(j - 1), static_cast<int>(k - 1)};
    }
};

enum CellFlag : std::uint8_t {
    kActive = 1,           ///< tissue (for covered cells: some child is tissue)
    kCovered = 2,          ///< inside the next finer box
    kInBox = 4,            ///< a box cell, not padding
    kRegularTransfer = 8,  ///< tissue cell whose 8 trilinear-transfer cells one level down are all tissue
};

/// Coupling of a cell to a contact's unknown potential: current g (V_c - phi_cell).
struct ContactLink {
    long cell;
    int contact;
    double g;  ///< S/m * mm (1 mA per V / 1000)
};

/// Coupling of a cell of level j to the uncovered cells of level j - 1 across the edge of box j: the
/// current g (phi_virtual - phi_fine) through the fine face, where phi_virtual is the potential at the
/// point one coarse half-cell beyond the edge opposite the fine cell, interpolated bilinearly from the
/// coarse cells along the edge (weights 3/4, 1/4 per tangential axis). The current is shared among those
/// coarse cells by the same weights, which keeps the system symmetric and conservative (its energy is
/// g (phi_virtual - phi_fine)^2) while the flux is second-order in the tangential position.
struct InterfaceLink {
    long fine;         ///< padded index on level j
    long coarse[4];    ///< padded indices on level j - 1; coarse[0] is the cell directly across
    double weight[4];  ///< interpolation weights (sum 1)
    int count;
    double g;
};

/// A face between a tissue cell and a cell inside the lead, on the finest level: how the face meets the
/// lead surface (for the contact links, ghost values and mean potentials of insulating contacts).
struct LeadFace {
    long cell;        ///< tissue cell
    long inside;      ///< cell inside the lead
    double distance;  ///< mm from the tissue cell's centre to the surface along the face normal (clamped)
    double sigma;     ///< S/m of the tissue cell
    std::array<int, 2> contact{-1, -1};        ///< contacts the face meets (-1: none)
    std::array<double, 2> fraction{0.0, 0.0};  ///< share of the face area on each
};

struct Level {
    Box box;
    std::vector<std::uint8_t> flags;
    std::vector<double> sigma;                 ///< cell conductivity, S/m (covered: mean of tissue children)
    std::array<std::vector<double>, 3> gTop;   ///< face to the +axis neighbour when this level is the finest
    std::array<std::vector<double>, 3> gComp;  ///< the same in the composite grid (both cells uncovered)
    std::vector<double> ground;                ///< conductance to 0 V (far-boundary condition)
    std::vector<ContactLink> contactLinks;     ///< finest: geometric; below: aggregated onto covered cells
    std::vector<InterfaceLink> toCoarser;      ///< from this level's edge cells to level - 1
};

struct Geometry {
    std::vector<Level> levels;  ///< 0 = coarsest
    int base = 0;               ///< coarsest level of the composite grid (the full-domain one)
    int contactCount = 0;
    Eigen::Vector3d farOriginMm = Eigen::Vector3d::Zero();  ///< centre of the far-field condition
    std::vector<LeadFace> leadFaces;                        ///< finest level
    double setupSeconds = 0.0;

    int finest() const { return static_cast<int>(levels.size()) - 1; }
    long compositeCells() const;
};

/// Builds the nested grids and all conductances for a lead in a tissue model.
Geometry buildGeometry(const device::Lead& lead, const TissueModel& tissue, const GridDiscretisation& disc);

/// The lead body (hemispherical tip of the lead's radius, then a cylinder running on proximally).
double signedDistanceToLeadMm(double radiusMm, const Eigen::Vector3d& p);
inline bool insideLeadBody(double radiusMm, const Eigen::Vector3d& p) {
    return signedDistanceToLeadMm(radiusMm, p) < 0.0;
}

/// Floor division for lattice indices (which may be negative).
inline int floorDiv2(int g) { return g >= 0 ? g / 2 : -((-g + 1) / 2); }

/// Cell-centred trilinear interpolation from level j - 1 to a level-j cell: up to 8 coarse cells and
/// weights (missing or non-tissue coarse cells left out, the rest renormalised). Used for prolongation
/// and, transposed, restriction, so that restriction = prolongation^T exactly.
struct TransferStencil {
    long coarse[8];
    double weight[8];
    int count = 0;
};
TransferStencil transferStencil(const Level& fine, const Level& coarse, int i, int j, int k);

/// One solution of the composite system for given contact currents.
struct SolveResult {
    std::vector<std::vector<double>> cellPotential;  ///< per level (all levels; only composite cells meaningful)
    Eigen::VectorXd contactPotential;                ///< V; NaN for contacts that were not unknowns
    GridContactSolve report;
};

/// Everything evaluation needs, and what the cache stores: the boxes of the composite levels
/// (base..finest, coarsest first) and per contact, per level, a padded array of cell potentials in which
/// covered cells hold the mean of their children, cells inside the lead hold ghost values extrapolated
/// from the tissue next to them, and padding holds linear extrapolation.
struct Solution {
    std::vector<Box> boxes;
    std::vector<std::vector<std::vector<double>>> potential;  ///< [contact][level]
    Eigen::MatrixXd contactPotentials;                        ///< C x C, V per mA
    Eigen::Vector3d farOriginMm = Eigen::Vector3d::Zero();
    double radiusMm = 0.0;
};

/// Turns a composite solution into an interpolation-ready field (Solution::potential[c]); `surfaceMean`
/// receives, per contact, the area-weighted mean potential of the tissue cells facing it (the surface
/// potential of an insulating contact).
std::vector<std::vector<double>> finishField(const Geometry& geo, const SolveResult& result,
                                             const std::vector<char>& contactOn, Eigen::VectorXd& surfaceMean);

/// Potential (V) and gradient (V/mm) of one stored field at a point outside the lead.
void evaluateField(const Solution& s, int contact, const Eigen::Vector3d& pointMm, bool withGradient, double& potential,
                   Eigen::Vector3d& gradient);

/// 64-bit FNV-1a (cache keys and checksums).
std::uint64_t fnv1a64(const void* data, size_t size, std::uint64_t seed = 1469598103934665603ULL);

/// Cache file I/O. `read` returns false (and says why) for a missing, mismatched or corrupt file.
bool readCacheFile(const std::string& path, const std::string& keyText, Solution& solution, GridStats& stats,
                   std::string& why);
void writeCacheFile(const std::string& path, const std::string& keyText, const Solution& solution,
                    const GridStats& stats);

}  // namespace dbsprog::field::grid
