#include "dbsprog/field/isosurface.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include <Eigen/Geometry>
#include <Eigen/LU>

#include "dbsprog/error.hpp"

namespace dbsprog::field {
namespace {

constexpr std::uint32_t kNoVertex = std::numeric_limits<std::uint32_t>::max();
/// Edges per grid node: the seven directions (bit masks 1..7 of x, y, z steps) the cell split uses.
constexpr int kEdgeDirections = 7;
/// Below this |gradient| (per mm, relative to the level's scale) a vertex takes its faces' normal.
constexpr double kFlatGradient = 1e-12;

/// A cell's corner c (0..7) is offset (c & 1, c >> 1 & 1, c >> 2 & 1) from its lowest node.
struct Tetrahedron {
    std::array<int, 4> corners;  ///< each corner's bits include the previous one's
    bool negative = false;       ///< corners in this order span a negatively oriented tetrahedron
};

/// The six tetrahedra around the cell diagonal from corner 0 to corner 7: one per order of the axes,
/// stepping one axis at a time. The split of each cell face (its diagonal from its lowest to its highest
/// corner) is the same seen from either cell sharing it, so the tetrahedra of all cells fit together.
std::array<Tetrahedron, 6> cellTetrahedra() {
    std::array<Tetrahedron, 6> tets{};
    std::array<int, 3> axes{0, 1, 2};
    int t = 0;
    do {
        Tetrahedron& tet = tets[static_cast<std::size_t>(t++)];
        tet.corners = {0, 1 << axes[0], (1 << axes[0]) | (1 << axes[1]), 7};
        // Orientation: the sign of det(p1 - p0, p2 - p0, p3 - p0).
        Eigen::Matrix3d edges;
        for (int e = 0; e < 3; ++e)
            for (int d = 0; d < 3; ++d) edges(d, e) = (tet.corners[static_cast<std::size_t>(e) + 1] >> d) & 1;
        tet.negative = edges.determinant() < 0.0;
    } while (std::next_permutation(axes.begin(), axes.end()));
    return tets;
}

/// Number of swaps (mod 2) that sort a permutation of 0..3.
bool oddPermutation(const std::array<int, 4>& p) {
    int inversions = 0;
    for (int i = 0; i < 4; ++i)
        for (int j = i + 1; j < 4; ++j) inversions += p[static_cast<std::size_t>(i)] > p[static_cast<std::size_t>(j)];
    return inversions % 2 == 1;
}

class Extractor {
public:
    Extractor(const RegionGrid& grid, const std::vector<float>& values, double level, IsoInside inside)
        : grid_(grid), values_(values), level_(level), inside_(inside) {
        const std::size_t layer = static_cast<std::size_t>(grid_.dims[0]) * static_cast<std::size_t>(grid_.dims[1]);
        for (auto& table : edgeVertex_) table.assign(layer * kEdgeDirections, kNoVertex);
    }

    IsoSurface run() {
        const auto& d = grid_.dims;
        const std::array<Tetrahedron, 6> tets = cellTetrahedra();
        for (int k = 0; k + 1 < d[2]; ++k) {
            // Edges whose lower node lies in layer k + 1 are new for this cell layer; the table for
            // layer k - 1 (same parity) is no longer needed.
            if (k > 0) std::fill(edgeVertex_[(k + 1) % 2].begin(), edgeVertex_[(k + 1) % 2].end(), kNoVertex);
            for (int j = 0; j + 1 < d[1]; ++j)
                for (int i = 0; i + 1 < d[0]; ++i) {
                    std::array<bool, 8> in{};
                    int count = 0;
                    for (int c = 0; c < 8; ++c) {
                        in[static_cast<std::size_t>(c)] = isInside(value(i + (c & 1), j + (c >> 1 & 1), k + (c >> 2 & 1)));
                        count += in[static_cast<std::size_t>(c)];
                    }
                    if (count == 0 || count == 8) continue;  // the surface does not pass this cell
                    for (const Tetrahedron& tet : tets) marchTetrahedron(i, j, k, tet, in);
                }
        }
        finishNormals();
        return std::move(mesh_);
    }

private:
    float value(int i, int j, int k) const { return values_[grid_.index(i, j, k)]; }
    bool isInside(float v) const {
        if (!std::isfinite(v)) return false;
        return inside_ == IsoInside::AtOrAbove ? v >= level_ : v < level_;
    }

    /// Gradient of the sampled values at node (i, j, k), per mm: central differences, one-sided at
    /// the grid's edge or next to a non-finite value, zero where neither neighbour helps.
    Eigen::Vector3d gradient(int i, int j, int k) const {
        const std::array<int, 3> at{i, j, k};
        const double centre = value(i, j, k);
        Eigen::Vector3d g = Eigen::Vector3d::Zero();
        for (int axis = 0; axis < 3; ++axis) {
            auto neighbour = [&](int step, double& out) {
                std::array<int, 3> n = at;
                n[static_cast<std::size_t>(axis)] += step;
                if (n[static_cast<std::size_t>(axis)] < 0 || n[static_cast<std::size_t>(axis)] >= grid_.dims[static_cast<std::size_t>(axis)]) return false;
                out = value(n[0], n[1], n[2]);
                return std::isfinite(out);
            };
            double ahead = 0.0, behind = 0.0;
            const bool hasAhead = neighbour(1, ahead), hasBehind = neighbour(-1, behind);
            if (hasAhead && hasBehind) g[axis] = (ahead - behind) / (2.0 * grid_.spacingMm);
            else if (std::isfinite(centre) && hasAhead) g[axis] = (ahead - centre) / grid_.spacingMm;
            else if (std::isfinite(centre) && hasBehind) g[axis] = (centre - behind) / grid_.spacingMm;
        }
        return g;
    }

    /// The vertex where the surface crosses the edge from cell corner `lo` to corner `hi` (hi's bits
    /// include lo's), created on first use and shared by every triangle on that edge.
    std::uint32_t edgeVertex(int i, int j, int k, int lo, int hi) {
        const std::array<int, 3> a{i + (lo & 1), j + (lo >> 1 & 1), k + (lo >> 2 & 1)};
        const std::array<int, 3> b{i + (hi & 1), j + (hi >> 1 & 1), k + (hi >> 2 & 1)};
        const int direction = hi & ~lo;  // 1..7
        std::uint32_t& slot = edgeVertex_[static_cast<std::size_t>(a[2] % 2)]
                                         [(static_cast<std::size_t>(a[0]) + static_cast<std::size_t>(grid_.dims[0]) * static_cast<std::size_t>(a[1])) * kEdgeDirections +
                                          static_cast<std::size_t>(direction - 1)];
        if (slot != kNoVertex) return slot;
        const double fa = value(a[0], a[1], a[2]), fb = value(b[0], b[1], b[2]);
        double t = (level_ - fa) / (fb - fa);
        if (!std::isfinite(t)) t = 0.5;  // a non-finite end: no better place than the middle
        t = std::clamp(t, 0.0, 1.0);
        const Eigen::Vector3d pa = grid_.pointMm(a[0], a[1], a[2]), pb = grid_.pointMm(b[0], b[1], b[2]);
        const Eigen::Vector3d g = (1.0 - t) * gradient(a[0], a[1], a[2]) + t * gradient(b[0], b[1], b[2]);
        // Outward points away from the enclosed region: down the gradient when the region is above.
        const Eigen::Vector3d outward = inside_ == IsoInside::AtOrAbove ? Eigen::Vector3d(-g) : g;
        slot = static_cast<std::uint32_t>(mesh_.positionsMm.size());
        mesh_.positionsMm.push_back((pa + t * (pb - pa)).cast<float>());
        const double norm = outward.norm();
        const bool flat = !(norm > kFlatGradient * std::max(1.0, std::abs(level_)));
        mesh_.normals.push_back(flat ? Eigen::Vector3f::Zero() : Eigen::Vector3f((outward / norm).cast<float>()));
        flat_.push_back(flat);
        return slot;
    }

    void marchTetrahedron(int i, int j, int k, const Tetrahedron& tet, const std::array<bool, 8>& in) {
        int count = 0;
        for (const int c : tet.corners) count += in[static_cast<std::size_t>(c)];
        if (count == 0 || count == 4) return;
        // Order the corners (a, b, c, d): the lone inside corner first (one inside), the lone outside
        // corner first (three inside), or the two inside ones first; then, if needed, swap c and d so
        // that (a, b, c, d) is positively oriented. The triangle (ab, ac, ad) then faces away from a,
        // and the quad (ac, ad, bd, bc) faces away from a and b.
        const bool loneIsInside = count == 1;
        std::array<int, 4> order{};
        std::size_t n = 0;
        if (count == 2) {
            for (int v = 0; v < 4; ++v)
                if (in[static_cast<std::size_t>(tet.corners[static_cast<std::size_t>(v)])]) order[n++] = v;
            for (int v = 0; v < 4; ++v)
                if (!in[static_cast<std::size_t>(tet.corners[static_cast<std::size_t>(v)])]) order[n++] = v;
        } else {
            for (int v = 0; v < 4; ++v)
                if (in[static_cast<std::size_t>(tet.corners[static_cast<std::size_t>(v)])] == loneIsInside) order[n++] = v;
            for (int v = 0; v < 4; ++v)
                if (in[static_cast<std::size_t>(tet.corners[static_cast<std::size_t>(v)])] != loneIsInside) order[n++] = v;
        }
        if (oddPermutation(order) != tet.negative) std::swap(order[2], order[3]);
        const int a = tet.corners[static_cast<std::size_t>(order[0])], b = tet.corners[static_cast<std::size_t>(order[1])];
        const int c = tet.corners[static_cast<std::size_t>(order[2])], d = tet.corners[static_cast<std::size_t>(order[3])];
        // Tetrahedron corners come in increasing bit sets, so the smaller code is the edge's lower end.
        auto vertex = [&](int p, int q) { return p < q ? edgeVertex(i, j, k, p, q) : edgeVertex(i, j, k, q, p); };
        if (count == 1) {
            addTriangle(vertex(a, b), vertex(a, c), vertex(a, d));
        } else if (count == 3) {
            addTriangle(vertex(a, b), vertex(a, d), vertex(a, c));  // faces toward the outside corner a
        } else {
            const std::uint32_t ac = vertex(a, c), ad = vertex(a, d), bd = vertex(b, d), bc = vertex(b, c);
            // Split the quad along its shorter diagonal (better shaped triangles).
            const float acbd = (mesh_.positionsMm[ac] - mesh_.positionsMm[bd]).squaredNorm();
            const float adbc = (mesh_.positionsMm[ad] - mesh_.positionsMm[bc]).squaredNorm();
            if (acbd <= adbc) {
                addTriangle(ac, ad, bd);
                addTriangle(ac, bd, bc);
            } else {
                addTriangle(ac, ad, bc);
                addTriangle(ad, bd, bc);
            }
        }
    }

    void addTriangle(std::uint32_t p, std::uint32_t q, std::uint32_t r) {
        mesh_.indices.insert(mesh_.indices.end(), {p, q, r});
    }

    /// Vertices where the gradient vanished take the area-weighted normal of their triangles.
    void finishNormals() {
        if (std::find(flat_.begin(), flat_.end(), true) == flat_.end()) return;
        std::vector<Eigen::Vector3f> sum(mesh_.positionsMm.size(), Eigen::Vector3f::Zero());
        for (std::size_t t = 0; t + 2 < mesh_.indices.size(); t += 3) {
            const auto& p = mesh_.positionsMm;
            const std::uint32_t v0 = mesh_.indices[t], v1 = mesh_.indices[t + 1], v2 = mesh_.indices[t + 2];
            const Eigen::Vector3f area = (p[v1] - p[v0]).cross(p[v2] - p[v0]);
            for (const std::uint32_t v : {v0, v1, v2}) sum[v] += area;
        }
        for (std::size_t v = 0; v < flat_.size(); ++v) {
            if (!flat_[v]) continue;
            const float norm = sum[v].norm();
            mesh_.normals[v] = norm > 0.0f ? Eigen::Vector3f(sum[v] / norm) : Eigen::Vector3f::UnitZ();
        }
    }

    const RegionGrid& grid_;
    const std::vector<float>& values_;
    double level_;
    IsoInside inside_;
    /// Vertex per (lower node, direction) for the two node layers a cell layer touches, by layer parity.
    std::array<std::vector<std::uint32_t>, 2> edgeVertex_;
    std::vector<bool> flat_;
    IsoSurface mesh_;
};

}  // namespace

double IsoSurface::enclosedVolumeMm3() const {
    // Sum of the signed volumes of the tetrahedra from a reference point to each triangle; a point
    // on the surface rather than the frame's origin keeps the terms small (less cancellation).
    if (indices.empty()) return 0.0;
    const Eigen::Vector3d o = positionsMm[indices[0]].cast<double>();
    double sixTimes = 0.0;
    for (std::size_t t = 0; t + 2 < indices.size(); t += 3) {
        const Eigen::Vector3d p = positionsMm[indices[t]].cast<double>() - o;
        const Eigen::Vector3d q = positionsMm[indices[t + 1]].cast<double>() - o;
        const Eigen::Vector3d r = positionsMm[indices[t + 2]].cast<double>() - o;
        sixTimes += p.dot(q.cross(r));
    }
    return sixTimes / 6.0;
}

IsoSurface extractIsosurface(const RegionGrid& grid, const std::vector<float>& values, double level, IsoInside inside) {
    if (values.size() != grid.voxelCount())
        throw InputError("isosurface", "values", std::to_string(values.size()) + " samples",
                         std::to_string(grid.voxelCount()) + " (one per grid voxel)");
    if (grid.dims[0] < 2 || grid.dims[1] < 2 || grid.dims[2] < 2 || !std::isfinite(level)) return {};
    return Extractor(grid, values, level, inside).run();
}

}  // namespace dbsprog::field
