// Nested grids around a lead and every conductance of the finite-volume system (grid_internal.hpp).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

#include "dbsprog/error.hpp"
#include "field/grid_internal.hpp"

namespace dbsprog::field::grid {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kInf = std::numeric_limits<double>::infinity();

// A tissue cell whose centre lies closer to a contact than this fraction of h is coupled as if it lay
// this far away: bounds the coupling at 10x a normal face (conditioning) while moving the surface by
// at most 0.1 h for those few cells.
constexpr double kMinSurfaceDistanceFraction = 0.1;
// Sample lines per face side for the share of a face on a contact (16 lines: the share is resolved to
// 1/16, i.e. a contact edge placed to within ~h/16 along the lead).
constexpr int kFaceSamples = 4;
// Sample points per cell side for the conductivity of cells and faces that straddle a tissue boundary,
// and slices along a face's tube (grid_geometry's SigmaField::tube).
constexpr int kCellSamples = 3;
constexpr int kTubeSlices = 4;
// The coarsest multigrid grid has at most this many cells per axis; it is solved by dense Cholesky
// (<= 512 cells + contacts: a few ms).
constexpr int kCoarsestMaxCells = 8;
// The full-domain grid keeps at least this many of its cells between itself and the next patch, so
// the trilinear transfer stencil and the interface links never leave the box.
constexpr int kMinNestingCells = 2;

// Coarse-grid operator scalings (FV rediscretisation from fine conductances): a coarse face spans four
// fine faces; for uniform sigma, sigma (2h) = 0.5 * 4 * (sigma h). A patch-interface face spans four
// fine-to-coarse links of sigma h_f^2 / (1.5 h_f) each, i.e. (4/3) sigma h_c, scaled by 3/4. Conductances
// to ground (far boundary, per unit area) add up unscaled.
constexpr double kFaceAggregation = 0.5;
constexpr double kInterfaceAggregation = 0.75;

int floorEven(int v) { return 2 * floorDiv2(v); }
int ceilEven(int v) { return -floorEven(-v); }
int floorMultiple(int v, int m) { return static_cast<int>(std::floor(static_cast<double>(v) / m)) * m; }
int ceilMultiple(int v, int m) { return static_cast<int>(std::ceil(static_cast<double>(v) / m)) * m; }

/// Distance from p along +-axis to the lead surface, 0 if p is inside, +inf if the ray misses it.
double rayToLead(double a, const Eigen::Vector3d& p, int axis, int sign) {
    if (axis < 2) {
        const double u = p[axis], w = p[1 - axis], z = p.z();
        double r2 = a * a - w * w;
        if (z < a) r2 -= (z - a) * (z - a);  // the hemispherical tip: a circle of the sphere
        if (r2 <= 0.0) return kInf;
        const double r = std::sqrt(r2);
        if (std::fabs(u) < r) return 0.0;
        if (sign > 0 && u <= -r) return -r - u;
        if (sign < 0 && u >= r) return u - r;
        return kInf;
    }
    const double rho2 = p.x() * p.x() + p.y() * p.y();
    if (rho2 >= a * a) return kInf;
    const double zBottom = a - std::sqrt(a * a - rho2);
    if (p.z() >= zBottom) return 0.0;
    return sign > 0 ? zBottom - p.z() : kInf;
}

double wrapDeg(double deg) {
    double d = std::fmod(deg, 360.0);
    if (d <= -180.0) d += 360.0;
    if (d > 180.0) d -= 360.0;
    return d;
}

/// True if the surface point s lies on contact c.
bool onContact(const device::Contact& c, const Eigen::Vector3d& s) {
    constexpr double kTolMm = 1e-12;
    if (s.z() > c.zMaxMm + kTolMm) return false;
    if (c.shape == device::ContactShape::Tip) return true;
    if (s.z() < c.zMinMm - kTolMm) return false;
    if (c.shape == device::ContactShape::Ring) return true;
    const double angle = std::atan2(s.y(), s.x()) * 180.0 / kPi;
    return std::fabs(wrapDeg(angle - c.angleDeg)) <= 0.5 * c.arcDeg + 1e-12;
}

struct SigmaField {
    const TissueModel& tissue;
    double radiusMm;
    double at(const Eigen::Vector3d& p) const {
        const double t = tissue.encapsulation.thicknessMm;
        if (t > 0.0) {
            const double d = signedDistanceToLeadMm(radiusMm, p);
            if (d >= 0.0 && d < t) return tissue.encapsulation.conductivitySPerM;
        }
        return tissue.regionConductivityAt(p);
    }
    /// Cell conductivity: harmonic mean over the tissue part of the cell (used for the multigrid's
    /// coarse cells and the far boundary; faces use tube()). Uniform cells (centre and eight corners
    /// agree) skip the sampling and report it in `uniform`.
    double cell(const Eigen::Vector3d& c, double h, bool& uniform) const {
        const double centre = at(c);
        uniform = true;
        for (int corner = 0; corner < 8 && uniform; ++corner) {
            const Eigen::Vector3d q =
                c + 0.5 * h * Eigen::Vector3d(corner & 1 ? 1 : -1, corner & 2 ? 1 : -1, corner & 4 ? 1 : -1);
            if (insideLeadBody(radiusMm, q)) continue;
            uniform = at(q) == centre;
        }
        if (uniform) return centre;
        double inverseSum = 0.0;
        int count = 0;
        for (int k = 0; k < kCellSamples; ++k)
            for (int j = 0; j < kCellSamples; ++j)
                for (int i = 0; i < kCellSamples; ++i) {
                    const Eigen::Vector3d q =
                        c + h * (Eigen::Vector3d(i, j, k).array() + 0.5 - 0.5 * kCellSamples).matrix() / kCellSamples;
                    if (insideLeadBody(radiusMm, q)) continue;
                    inverseSum += 1.0 / at(q);
                    ++count;
                }
        return count > 0 ? count / inverseSum : centre;
    }
    /// Conductance (S/m * mm) of a square tube of side w running `len` mm from `a` along +-axis:
    /// slices in series, each the arithmetic mean over its cross-section (parallel paths), so a layer
    /// across the tube adds its resistance and a layer along it its conductance (a cell-wise harmonic
    /// mean would treat both as series and shift a tissue boundary by up to half a cell). Samples inside
    /// the lead are left out.
    double tube(const Eigen::Vector3d& a, int axis, int sign, double len, double w) const {
        const int u = (axis + 1) % 3, v = (axis + 2) % 3;
        double resistance = 0.0;
        for (int m = 0; m < kTubeSlices; ++m) {
            double sum = 0.0;
            int count = 0;
            for (int j = 0; j < kCellSamples; ++j)
                for (int i = 0; i < kCellSamples; ++i) {
                    Eigen::Vector3d q = a;
                    q[axis] += sign * len * (m + 0.5) / kTubeSlices;
                    q[u] += w * ((i + 0.5) / kCellSamples - 0.5);
                    q[v] += w * ((j + 0.5) / kCellSamples - 0.5);
                    if (insideLeadBody(radiusMm, q)) continue;
                    sum += at(q);
                    ++count;
                }
            if (count == 0) continue;  // (a slice wholly inside the lead next to a contact)
            resistance += (len / kTubeSlices) / (sum / count);
        }
        return resistance > 0.0 ? w * w / resistance : 0.0;
    }
};

void validate(const GridDiscretisation& d) {
    const std::string src = "grid discretisation";
    auto check = [&](bool ok, const char* field, double value, const char* allowed) {
        if (!ok) {
            std::ostringstream v;
            v << value;
            throw InputError(src, field, v.str(), allowed);
        }
    };
    check(d.fineSpacingMm >= 0.005 && d.fineSpacingMm <= 0.5, "fineSpacingMm", d.fineSpacingMm, "0.005 to 0.5 mm");
    check(d.fineMarginMm >= 2.0 * d.fineSpacingMm && d.fineMarginMm <= 10.0, "fineMarginMm", d.fineMarginMm,
          "at least two fine cells and at most 10 mm");
    check(d.levelMarginCells >= 2 && d.levelMarginCells <= 64, "levelMarginCells", d.levelMarginCells, "2 to 64");
    check(d.domainHalfWidthMm >= 10.0 && d.domainHalfWidthMm <= 500.0, "domainHalfWidthMm", d.domainHalfWidthMm,
          "10 to 500 mm");
}

struct BoxSpec {
    std::array<int, 3> lo, hi;  // [lo, hi) in the level's lattice
    double h;
};

/// Boxes, coarsest first; `base` receives the index of the full-domain composite level.
std::vector<BoxSpec> planBoxes(const Eigen::Vector3d& regionMin, const Eigen::Vector3d& regionMax,
                               const Eigen::Vector3d& origin, const GridDiscretisation& d, int& base) {
    std::vector<BoxSpec> fineFirst;
    BoxSpec b;
    b.h = d.fineSpacingMm;
    for (int a = 0; a < 3; ++a) {
        b.lo[a] = floorEven(static_cast<int>(std::floor((regionMin[a] - d.fineMarginMm) / b.h + 1e-9)));
        b.hi[a] = ceilEven(static_cast<int>(std::ceil((regionMax[a] + d.fineMarginMm) / b.h - 1e-9)));
    }
    fineFirst.push_back(b);
    for (;;) {
        const BoxSpec& finer = fineFirst.back();
        BoxSpec c;
        c.h = 2.0 * finer.h;
        bool reachesDomain = false;
        std::array<int, 3> dlo{}, dhi{};
        for (int a = 0; a < 3; ++a) {
            c.lo[a] = floorEven(finer.lo[a] / 2 - d.levelMarginCells);
            c.hi[a] = ceilEven(finer.hi[a] / 2 + d.levelMarginCells);
            dlo[a] = static_cast<int>(std::floor((origin[a] - d.domainHalfWidthMm) / c.h));
            dhi[a] = static_cast<int>(std::ceil((origin[a] + d.domainHalfWidthMm) / c.h));
            if (c.lo[a] <= dlo[a] || c.hi[a] >= dhi[a]) reachesDomain = true;
        }
        if (!reachesDomain) {
            fineFirst.push_back(c);
            continue;
        }
        // The full-domain level: the domain box, grown if needed to nest the finer patch.
        for (int a = 0; a < 3; ++a) {
            c.lo[a] = std::min(dlo[a], finer.lo[a] / 2 - kMinNestingCells);
            c.hi[a] = std::max(dhi[a], finer.hi[a] / 2 + kMinNestingCells);
        }
        // Coarsen further (whole domain) until the coarsest grid is small: round the box out to a
        // multiple of 2^K cells so every coarser lattice aligns.
        int k = 0;
        for (;; ++k) {
            const int m = 1 << k;
            bool small = true;
            for (int a = 0; a < 3; ++a)
                small = small && (ceilMultiple(c.hi[a], m) - floorMultiple(c.lo[a], m)) / m <= kCoarsestMaxCells;
            if (small) break;
        }
        const int m = 1 << k;
        for (int a = 0; a < 3; ++a) {
            c.lo[a] = floorMultiple(c.lo[a], m);
            c.hi[a] = ceilMultiple(c.hi[a], m);
        }
        fineFirst.push_back(c);
        for (int i = 1; i <= k; ++i) {
            BoxSpec e;
            e.h = c.h * (1 << i);
            for (int a = 0; a < 3; ++a) {
                e.lo[a] = c.lo[a] / (1 << i);  // exact: multiples of 2^k
                e.hi[a] = c.hi[a] / (1 << i);
            }
            fineFirst.push_back(e);
        }
        base = k;  // index in coarsest-first order
        break;
    }
    std::reverse(fineFirst.begin(), fineFirst.end());
    return fineFirst;
}

}  // namespace

double signedDistanceToLeadMm(double a, const Eigen::Vector3d& p) {
    if (p.z() >= a) return std::hypot(p.x(), p.y()) - a;
    return (p - Eigen::Vector3d(0.0, 0.0, a)).norm() - a;
}

long Geometry::compositeCells() const {
    long n = 0;
    for (int l = base; l <= finest(); ++l)
        for (auto f : levels[l].flags) n += (f & kActive) && (f & kInBox) && !(f & kCovered);
    return n;
}

TransferStencil transferStencil(const Level& fine, const Level& coarse, int i, int j, int k) {
    const int local[3] = {i, j, k};
    int idx[3][2];
    double w[3][2];
    int cnt[3];
    for (int a = 0; a < 3; ++a) {
        const int g = fine.box.lo[a] + local[a];
        const int p = floorDiv2(g);
        const int nb = (g - 2 * p == 0) ? p - 1 : p + 1;
        idx[a][0] = p - coarse.box.lo[a];
        idx[a][1] = nb - coarse.box.lo[a];
        if (idx[a][1] < 0 || idx[a][1] >= coarse.box.n[a]) {
            cnt[a] = 1;
            w[a][0] = 1.0;
        } else {
            cnt[a] = 2;
            w[a][0] = 0.75;  // cell-centred linear interpolation: the parent is h_f/2, the neighbour 3h_f/2 away
            w[a][1] = 0.25;
        }
    }
    TransferStencil s;
    double total = 0.0;
    for (int c = 0; c < cnt[2]; ++c)
        for (int b = 0; b < cnt[1]; ++b)
            for (int a = 0; a < cnt[0]; ++a) {
                const long ci = coarse.box.index(idx[0][a], idx[1][b], idx[2][c]);
                if (!(coarse.flags[ci] & kActive)) continue;
                s.coarse[s.count] = ci;
                s.weight[s.count] = w[0][a] * w[1][b] * w[2][c];
                total += s.weight[s.count];
                ++s.count;
            }
    for (int q = 0; q < s.count; ++q) s.weight[q] /= total;
    return s;
}

Geometry buildGeometry(const device::Lead& lead, const TissueModel& tissue, const GridDiscretisation& disc) {
    const auto t0 = std::chrono::steady_clock::now();
    validate(disc);
    const double a = lead.radiusMm();
    if (!(a > 0.0) || lead.contacts.empty())
        throw InputError(lead.id, "lead", lead.displayName, "a lead with a diameter and at least one contact");
    double zTop = 0.0;
    for (const auto& c : lead.contacts) zTop = std::max(zTop, c.zMaxMm);

    Geometry geo;
    geo.contactCount = static_cast<int>(lead.contacts.size());
    geo.farOriginMm = Eigen::Vector3d(0.0, 0.0, 0.5 * zTop);
    const Eigen::Vector3d regionMin(-a, -a, 0.0), regionMax(a, a, zTop);
    int base = 0;
    const auto specs = planBoxes(regionMin, regionMax, geo.farOriginMm, disc, base);
    geo.base = base;
    const int levelsN = static_cast<int>(specs.size());
    const int finest = levelsN - 1;
    if (finest <= base)
        throw InputError("grid discretisation", "domainHalfWidthMm", std::to_string(disc.domainHalfWidthMm),
                         "a domain larger than the finest patch around the lead");
    geo.levels.resize(levelsN);
    for (int l = 0; l < levelsN; ++l) {
        Box& box = geo.levels[l].box;
        box.h = specs[l].h;
        for (int ax = 0; ax < 3; ++ax) {
            box.lo[ax] = specs[l].lo[ax];
            box.n[ax] = specs[l].hi[ax] - specs[l].lo[ax];
        }
    }

    const SigmaField sigmaField{tissue, a};

    // ---- cells: activity and conductivity, finest first (covered cells aggregate their children) ----
    std::vector<std::vector<char>> uniform(levelsN);  // uncovered tissue cell of one conductivity throughout
    for (int l = finest; l >= 0; --l) {
        Level& L = geo.levels[l];
        const Box& B = L.box;
        L.flags.assign(B.size(), 0);
        L.sigma.assign(B.size(), 0.0);
        uniform[l].assign(B.size(), 0);
        const Level* child = l < finest ? &geo.levels[l + 1] : nullptr;
        std::array<int, 3> cLo{}, cHi{};
        if (child)
            for (int ax = 0; ax < 3; ++ax) {
                cLo[ax] = child->box.lo[ax] / 2 - B.lo[ax];
                cHi[ax] = (child->box.lo[ax] + child->box.n[ax]) / 2 - B.lo[ax];
            }
        for (int k = 0; k < B.n[2]; ++k)
            for (int j = 0; j < B.n[1]; ++j)
                for (int i = 0; i < B.n[0]; ++i) {
                    const long p = B.index(i, j, k);
                    const bool covered =
                        child && i >= cLo[0] && i < cHi[0] && j >= cLo[1] && j < cHi[1] && k >= cLo[2] && k < cHi[2];
                    std::uint8_t f = kInBox;
                    if (covered) {
                        f |= kCovered;
                        double sum = 0.0;
                        int count = 0;
                        const Box& CB = child->box;
                        for (int c = 0; c < 8; ++c) {
                            const int ci = 2 * (B.lo[0] + i) + (c & 1) - CB.lo[0];
                            const int cj = 2 * (B.lo[1] + j) + ((c >> 1) & 1) - CB.lo[1];
                            const int ck = 2 * (B.lo[2] + k) + ((c >> 2) & 1) - CB.lo[2];
                            const long q = CB.index(ci, cj, ck);
                            if (child->flags[q] & kActive) {
                                sum += child->sigma[q];
                                ++count;
                            }
                        }
                        if (count > 0) {
                            f |= kActive;
                            L.sigma[p] = sum / count;
                        }
                    } else {
                        const Eigen::Vector3d c = B.centre(i, j, k);
                        if (!insideLeadBody(a, c)) {
                            f |= kActive;
                            bool uni = false;
                            L.sigma[p] = sigmaField.cell(c, B.h, uni);
                            uniform[l][p] = uni;
                        }
                    }
                    L.flags[p] = f;
                }
    }

    auto uncoveredActive = [](std::uint8_t f) { return (f & kActive) && !(f & kCovered); };

    // Cells whose transfer stencil is the plain tensor-product one (the multigrid's fast path).
    for (int l = 1; l <= finest; ++l) {
        Level& L = geo.levels[l];
        const Level& C = geo.levels[l - 1];
        const Box& B = L.box;
        for (int k = 0; k < B.n[2]; ++k)
            for (int j = 0; j < B.n[1]; ++j)
                for (int i = 0; i < B.n[0]; ++i) {
                    const long p = B.index(i, j, k);
                    if (!(L.flags[p] & kActive)) continue;
                    if (transferStencil(L, C, i, j, k).count == 8) L.flags[p] |= kRegularTransfer;
                }
    }

    // ---- per level, finest first: interface links, lead faces, faces, ground, contact links ----
    for (int l = finest; l >= 0; --l) {
        Level& L = geo.levels[l];
        const Box& B = L.box;
        for (auto& g : L.gTop) g.assign(B.size(), 0.0);
        if (l < finest)
            for (auto& g : L.gComp) g.assign(B.size(), 0.0);
        L.ground.assign(B.size(), 0.0);

        // Links from this patch's edge cells to the uncovered coarser cells just outside it.
        if (l > base) {
            const Level& C = geo.levels[l - 1];
            const double hf = B.h, hc = C.box.h;
            for (int k = 0; k < B.n[2]; ++k)
                for (int j = 0; j < B.n[1]; ++j)
                    for (int i = 0; i < B.n[0]; ++i) {
                        const int loc[3] = {i, j, k};
                        const long p = B.index(i, j, k);
                        for (int ax = 0; ax < 3; ++ax)
                            for (int s = -1; s <= 1; s += 2) {
                                if (!((s < 0 && loc[ax] == 0) || (s > 0 && loc[ax] == B.n[ax] - 1))) continue;
                                int g[3] = {B.lo[0] + i, B.lo[1] + j, B.lo[2] + k};
                                g[ax] += s;
                                int cg[3] = {floorDiv2(g[0]), floorDiv2(g[1]), floorDiv2(g[2])};
                                const long q =
                                    C.box.index(cg[0] - C.box.lo[0], cg[1] - C.box.lo[1], cg[2] - C.box.lo[2]);
                                if (!(C.flags[q] & kInBox) || (C.flags[q] & kCovered))
                                    throw std::logic_error("grid: patch not nested in its coarser level");
                                if (!(L.flags[p] & kActive) || !(C.flags[q] & kActive)) continue;
                                // sigma A / d over the centre-to-centre distance (h_f + h_c) / 2, with the
                                // two half-cells in series.
                                const bool plain = uniform[l][p] && uniform[l - 1][q] && L.sigma[p] == C.sigma[q];
                                const double g0 = plain
                                                      ? hf * hf / (0.5 * (hf + hc)) * L.sigma[p]
                                                      : sigmaField.tube(B.centre(i, j, k), ax, s, 0.5 * (hf + hc), hf);
                                InterfaceLink link{p, {q, q, q, q}, {1.0, 0.0, 0.0, 0.0}, 1, g0};
                                // Tangential neighbours: the fine cell sits h_c/4 off the coarse centre,
                                // towards the lower (even index) or upper neighbour. At the patch's edges
                                // that neighbour lies diagonally off the patch; it still takes part (the
                                // interpolation stays linear-exact), which leaves it a first-order share of
                                // current it does not face; finishField smooths that out for evaluation.
                                const int t1 = (ax + 1) % 3, t2 = (ax + 2) % 3;
                                auto lateral = [&](int t) { return (g[t] - 2 * cg[t] == 0) ? -1 : 1; };
                                const int s1 = lateral(t1), s2 = lateral(t2);
                                double total = 0.0;
                                int count = 0;
                                for (int m = 0; m < 4; ++m) {
                                    int c3[3] = {cg[0], cg[1], cg[2]};
                                    c3[t1] += (m & 1) ? s1 : 0;
                                    c3[t2] += (m & 2) ? s2 : 0;
                                    const long cq =
                                        C.box.index(c3[0] - C.box.lo[0], c3[1] - C.box.lo[1], c3[2] - C.box.lo[2]);
                                    if (!(C.flags[cq] & kInBox) || (C.flags[cq] & kCovered))
                                        throw std::logic_error(
                                            "grid: patch interface stencil leaves the coarser level");
                                    if (!(C.flags[cq] & kActive)) continue;
                                    link.coarse[count] = cq;
                                    link.weight[count] = ((m & 1) ? 0.25 : 0.75) * ((m & 2) ? 0.25 : 0.75);
                                    total += link.weight[count];
                                    ++count;
                                }
                                link.count = count;
                                for (int m = 0; m < count; ++m) link.weight[m] /= total;
                                L.toCoarser.push_back(link);
                            }
                    }
        }

        // Faces between tissue and the lead, finest level: contact links by the share of the face on
        // each contact (Gibou et al. 2002 symmetric Dirichlet treatment), insulation otherwise.
        if (l == finest) {
            const double h = B.h;
            for (int k = 0; k < B.n[2]; ++k)
                for (int j = 0; j < B.n[1]; ++j)
                    for (int i = 0; i < B.n[0]; ++i) {
                        const long p = B.index(i, j, k);
                        if (!(L.flags[p] & kActive)) continue;
                        const Eigen::Vector3d c = B.centre(i, j, k);
                        for (int ax = 0; ax < 3; ++ax)
                            for (int s = -1; s <= 1; s += 2) {
                                const long q = p + s * B.stride(ax);
                                if (!(L.flags[q] & kInBox) || (L.flags[q] & kActive)) continue;
                                double t = rayToLead(a, c, ax, s);
                                if (!(t <= h)) t = 0.5 * h;  // (centre-line rounding: cannot miss)
                                const double dist = std::max(t, kMinSurfaceDistanceFraction * h);
                                // Effective conductivity of the path to the surface (the encapsulation
                                // layer, when there is one).
                                const double sigmaPath =
                                    uniform[l][p] ? L.sigma[p] : sigmaField.tube(c, ax, s, dist, h) * dist / (h * h);
                                LeadFace face{p, q, dist, sigmaPath > 0.0 ? sigmaPath : L.sigma[p]};
                                int counts[16] = {0};
                                const int u = (ax + 1) % 3, v = (ax + 2) % 3;
                                for (int sv = 0; sv < kFaceSamples; ++sv)
                                    for (int su = 0; su < kFaceSamples; ++su) {
                                        Eigen::Vector3d o = c;
                                        o[u] += h * ((su + 0.5) / kFaceSamples - 0.5);
                                        o[v] += h * ((sv + 0.5) / kFaceSamples - 0.5);
                                        const double ts = rayToLead(a, o, ax, s);
                                        if (!(ts <= 1.5 * h)) continue;  // this part of the face misses the lead
                                        Eigen::Vector3d hit = o;
                                        hit[ax] += s * ts;
                                        for (int ci = 0; ci < geo.contactCount && ci < 16; ++ci)
                                            if (onContact(lead.contacts[ci], hit)) {
                                                ++counts[ci];
                                                break;
                                            }
                                    }
                                int used = 0;
                                for (int ci = 0; ci < geo.contactCount && ci < 16; ++ci) {
                                    if (counts[ci] == 0) continue;
                                    if (used == 2) throw std::logic_error("grid: a face meets more than two contacts");
                                    face.contact[used] = ci;
                                    face.fraction[used] =
                                        static_cast<double>(counts[ci]) / (kFaceSamples * kFaceSamples);
                                    ++used;
                                }
                                geo.leadFaces.push_back(face);
                                for (int m = 0; m < used; ++m)
                                    L.contactLinks.push_back(
                                        {p, face.contact[m], face.fraction[m] * face.sigma * h * h / face.distance});
                            }
                    }
            if (geo.contactCount > 16)
                throw InputError(lead.id, "contacts", std::to_string(geo.contactCount), "at most 16");
        }

        // Same-level faces.
        const Level* child = l < finest ? &geo.levels[l + 1] : nullptr;
        for (int k = 0; k < B.n[2]; ++k)
            for (int j = 0; j < B.n[1]; ++j)
                for (int i = 0; i < B.n[0]; ++i) {
                    const long p = B.index(i, j, k);
                    const int loc[3] = {i, j, k};
                    for (int ax = 0; ax < 3; ++ax) {
                        if (loc[ax] == B.n[ax] - 1) continue;
                        const long q = p + B.stride(ax);
                        const std::uint8_t fp = L.flags[p], fq = L.flags[q];
                        if (!(fp & kCovered) && !(fq & kCovered)) {
                            double g = 0.0;
                            if ((fp & kActive) && (fq & kActive))
                                g = (uniform[l][p] && uniform[l][q] && L.sigma[p] == L.sigma[q])
                                        ? B.h * L.sigma[p]
                                        : sigmaField.tube(B.centre(i, j, k), ax, 1, B.h, B.h);
                            L.gTop[ax][p] = g;
                            if (l < finest) L.gComp[ax][p] = g;
                        } else if ((fp & kCovered) && (fq & kCovered)) {
                            // Four child faces across this face: children of p on its +ax side.
                            const Box& CB = child->box;
                            double sum = 0.0;
                            for (int c = 0; c < 4; ++c) {
                                int g[3] = {2 * (B.lo[0] + i), 2 * (B.lo[1] + j), 2 * (B.lo[2] + k)};
                                g[ax] += 1;
                                g[(ax + 1) % 3] += c & 1;
                                g[(ax + 2) % 3] += (c >> 1) & 1;
                                sum += child->gTop[ax][CB.index(g[0] - CB.lo[0], g[1] - CB.lo[1], g[2] - CB.lo[2])];
                            }
                            L.gTop[ax][p] = kFaceAggregation * sum;
                        }
                    }
                }
        if (child) {
            // Faces between a covered and an uncovered cell: from the finer patch's interface links.
            const Box& CB = child->box;
            for (const auto& link : child->toCoarser) {
                const auto fl = CB.local(link.fine);
                const long parent =
                    B.index(floorDiv2(CB.lo[0] + fl[0]) - B.lo[0], floorDiv2(CB.lo[1] + fl[1]) - B.lo[1],
                            floorDiv2(CB.lo[2] + fl[2]) - B.lo[2]);
                const long diff = link.coarse[0] - parent;
                for (int ax = 0; ax < 3; ++ax) {
                    if (diff == B.stride(ax)) L.gTop[ax][parent] += kInterfaceAggregation * link.g;
                    if (diff == -B.stride(ax)) L.gTop[ax][link.coarse[0]] += kInterfaceAggregation * link.g;
                }
            }
        }

        // Far boundary: d(phi)/dn = -(n.r/r^2) phi on the faces of the full-domain box (exact for a
        // monopole about farOrigin). With the face value phi_b = phi_c - (h/2) k phi_b, the outflow
        // sigma A k phi_b is a conductance to ground sigma A k / (1 + h k / 2), k = n.r / r^2.
        if (l == base) {
            const double h = B.h;
            for (int k = 0; k < B.n[2]; ++k)
                for (int j = 0; j < B.n[1]; ++j)
                    for (int i = 0; i < B.n[0]; ++i) {
                        const long p = B.index(i, j, k);
                        if (!uncoveredActive(L.flags[p])) continue;
                        const int loc[3] = {i, j, k};
                        for (int ax = 0; ax < 3; ++ax)
                            for (int s = -1; s <= 1; s += 2) {
                                if (!((s < 0 && loc[ax] == 0) || (s > 0 && loc[ax] == B.n[ax] - 1))) continue;
                                Eigen::Vector3d face = B.centre(i, j, k);
                                face[ax] += 0.5 * s * h;
                                const Eigen::Vector3d r = face - geo.farOriginMm;
                                const double kk = s * r[ax] / r.squaredNorm();
                                if (kk > 0.0) L.ground[p] += L.sigma[p] * h * h * kk / (1.0 + 0.5 * h * kk);
                            }
                    }
        } else if (l < base) {
            const Level& C = geo.levels[l + 1];
            for (int k = 0; k < B.n[2]; ++k)
                for (int j = 0; j < B.n[1]; ++j)
                    for (int i = 0; i < B.n[0]; ++i) {
                        double sum = 0.0;
                        for (int c = 0; c < 8; ++c)
                            sum += C.ground[C.box.index(2 * (B.lo[0] + i) + (c & 1) - C.box.lo[0],
                                                        2 * (B.lo[1] + j) + ((c >> 1) & 1) - C.box.lo[1],
                                                        2 * (B.lo[2] + k) + ((c >> 2) & 1) - C.box.lo[2])];
                        L.ground[B.index(i, j, k)] = sum;
                    }
        }

        // Contact links of covered cells: aggregated from the children's.
        if (child) {
            std::map<std::pair<long, int>, double> agg;
            const Box& CB = child->box;
            for (const auto& link : child->contactLinks) {
                const auto fl = CB.local(link.cell);
                const long parent =
                    B.index(floorDiv2(CB.lo[0] + fl[0]) - B.lo[0], floorDiv2(CB.lo[1] + fl[1]) - B.lo[1],
                            floorDiv2(CB.lo[2] + fl[2]) - B.lo[2]);
                agg[{parent, link.contact}] += kFaceAggregation * link.g;
            }
            for (const auto& [key, g] : agg) L.contactLinks.push_back({key.first, key.second, g});
        }
    }

    // Every contact must meet the tissue (a contact buried in a coarse cell would float free).
    std::vector<double> contactConductance(geo.contactCount, 0.0);
    for (const auto& link : geo.levels[finest].contactLinks) contactConductance[link.contact] += link.g;
    for (int c = 0; c < geo.contactCount; ++c)
        if (!(contactConductance[c] > 0.0))
            throw InputError(lead.id, "contact '" + lead.contacts[c].name + "'", "not resolved by the grid",
                             "a finer grid (fineSpacingMm) for contacts this small");

    geo.setupSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return geo;
}

}  // namespace dbsprog::field::grid
