// The grid conductor: unit solutions on nested grids, their evaluation and caching (grid_conductor.hpp).
#include "dbsprog/field/grid_conductor.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <sstream>
#include <thread>

#include "dbsprog/error.hpp"
#include "util/parallel.hpp"
#include "field/grid_internal.hpp"
#include "field/multigrid.hpp"

namespace dbsprog::field {

namespace grid {

namespace {

// Bump when anything that changes the numbers changes (discretisation rules, solver, file layout): old
// cache files then miss instead of returning stale results.
constexpr const char* kCodeVersion = "dbsprog-grid-conductor-1";

// Tricubic interpolation reads the 4 x 4 x 4 cells around a point, so a patch serves points at least
// this many of its cells inside its edge (the stencil then never reads the extrapolated padding)...
constexpr double kPatchInteriorCells = 2.0;
// ...and hands over to the coarser patch across a band this many cells wide (linear blend), so the
// interpolated field has no jump where the resolution changes.
constexpr double kBlendCells = 2.0;

double interiorDistance(const Box& b, const Eigen::Vector3d& p) {
    const Eigen::Vector3d lo = b.minCorner(), hi = b.maxCorner();
    double d = std::numeric_limits<double>::infinity();
    for (int a = 0; a < 3; ++a) d = std::min({d, p[a] - lo[a], hi[a] - p[a]});
    return d;
}

/// Tricubic (4-point Lagrange per axis) interpolation of the cell potentials on one level, and the
/// exact gradient of that interpolant: fourth-order potential, third-order gradient in smooth field.
void interpolateLevel(const Box& b, const std::vector<double>& phi, const Eigen::Vector3d& p, bool withGradient,
                      double& value, Eigen::Vector3d& gradient) {
    int i0[3];
    double w[3][4], dw[3][4];
    for (int a = 0; a < 3; ++a) {
        const double u = p[a] / b.h - b.lo[a] - 0.5;
        int i = static_cast<int>(std::floor(u));
        i = std::clamp(i, 0, b.n[a] - 2);  // (points near the domain edge read the padding)
        i0[a] = i;
        const double f = std::clamp(u - i, -0.5, 1.5);
        // Lagrange basis on the nodes -1, 0, 1, 2 and its derivative (per mm).
        const double fm = f + 1.0, f1 = f - 1.0, f2 = f - 2.0;
        w[a][0] = -f * f1 * f2 / 6.0;
        w[a][1] = fm * f1 * f2 / 2.0;
        w[a][2] = -fm * f * f2 / 2.0;
        w[a][3] = fm * f * f1 / 6.0;
        dw[a][0] = -(f1 * f2 + f * f2 + f * f1) / 6.0 / b.h;
        dw[a][1] = (f1 * f2 + fm * f2 + fm * f1) / 2.0 / b.h;
        dw[a][2] = -(f * f2 + fm * f2 + fm * f) / 2.0 / b.h;
        dw[a][3] = (f * f1 + fm * f1 + fm * f) / 6.0 / b.h;
    }
    value = 0.0;
    gradient.setZero();
    for (int c = 0; c < 4; ++c) {
        double vz = 0.0, gxz = 0.0, gyz = 0.0;
        for (int bb = 0; bb < 4; ++bb) {
            const long row = b.index(i0[0] - 1, i0[1] - 1 + bb, i0[2] - 1 + c);
            const double v0 = phi[row], v1 = phi[row + 1], v2 = phi[row + 2], v3 = phi[row + 3];
            const double vx = w[0][0] * v0 + w[0][1] * v1 + w[0][2] * v2 + w[0][3] * v3;
            vz += w[1][bb] * vx;
            if (withGradient) {
                const double dx = dw[0][0] * v0 + dw[0][1] * v1 + dw[0][2] * v2 + dw[0][3] * v3;
                gxz += w[1][bb] * dx;
                gyz += dw[1][bb] * vx;
            }
        }
        value += w[2][c] * vz;
        if (withGradient) {
            gradient.x() += w[2][c] * gxz;
            gradient.y() += w[2][c] * gyz;
            gradient.z() += dw[2][c] * vz;
        }
    }
}

}  // namespace

std::vector<std::vector<double>> finishField(const Geometry& geo, const SolveResult& result,
                                             const std::vector<char>& contactOn, Eigen::VectorXd& surfaceMean) {
    const int top = geo.finest();
    std::vector<std::vector<double>> field(geo.levels.size());
    std::vector<std::vector<char>> known(geo.levels.size());
    for (int l = geo.base; l <= top; ++l) {
        const Level& L = geo.levels[l];
        field[l] = result.cellPotential[l];
        known[l].assign(L.box.size(), 0);
        for (long p = 0; p < L.box.size(); ++p) {
            const auto f = L.flags[p];
            known[l][p] = (f & kInBox) && (f & kActive) && !(f & kCovered);
            if (!known[l][p]) field[l][p] = 0.0;
        }
    }
    // Ghost values inside the lead on the finest level: along each face, the line through the tissue
    // cell and the surface value (the contact's potential on its share of the face, zero normal
    // gradient elsewhere), continued to the inner cell's centre; averaged over the faces.
    {
        const Level& L = geo.levels[top];
        const double h = L.box.h;
        std::vector<double> sum(L.box.size(), 0.0);
        std::vector<int> count(L.box.size(), 0);
        surfaceMean = Eigen::VectorXd::Zero(geo.contactCount);
        Eigen::VectorXd area = Eigen::VectorXd::Zero(geo.contactCount);
        for (const auto& face : geo.leadFaces) {
            const double phiCell = field[top][face.cell];
            double ghost = phiCell;
            for (int m = 0; m < 2; ++m) {
                const int c = face.contact[m];
                if (c < 0) continue;
                if (contactOn[c])
                    ghost += face.fraction[m] * (result.contactPotential[c] - phiCell) * h / face.distance;
                surfaceMean[c] += face.fraction[m] * phiCell;
                area[c] += face.fraction[m];
            }
            sum[face.inside] += ghost;
            ++count[face.inside];
        }
        for (long p = 0; p < L.box.size(); ++p)
            if (count[p] > 0) {
                field[top][p] = sum[p] / count[p];
                known[top][p] = 1;
            }
        for (int c = 0; c < geo.contactCount; ++c) surfaceMean[c] = area[c] > 0.0 ? surfaceMean[c] / area[c] : 0.0;
    }
    // Covered cells: the mean of their tissue children (finest first, so children are complete).
    for (int l = top - 1; l >= geo.base; --l) {
        const Level& L = geo.levels[l];
        const Level& C = geo.levels[l + 1];
        const Box& B = L.box;
        for (int k = 0; k < B.n[2]; ++k)
            for (int j = 0; j < B.n[1]; ++j)
                for (int i = 0; i < B.n[0]; ++i) {
                    const long p = B.index(i, j, k);
                    if (!(L.flags[p] & kCovered)) continue;
                    double s = 0.0;
                    int n = 0;
                    for (int c = 0; c < 8; ++c) {
                        const long q = C.box.index(2 * (B.lo[0] + i) + (c & 1) - C.box.lo[0],
                                                   2 * (B.lo[1] + j) + ((c >> 1) & 1) - C.box.lo[1],
                                                   2 * (B.lo[2] + k) + ((c >> 2) & 1) - C.box.lo[2]);
                        if (C.flags[q] & kActive) {
                            s += field[l + 1][q];
                            ++n;
                        }
                    }
                    if (n > 0) {
                        field[l][p] = s / n;
                        known[l][p] = 1;
                    }
                }
    }
    // Uncovered cells around each patch (sharing a face, edge or corner with a covered cell) carry the
    // first-order error of the patch interface, largest along the patch's edges (the coarse cells
    // diagonally off an edge receive a share of current from fine faces they do not face). For
    // interpolation only, they are re-estimated from their own level's equation with the covered
    // neighbours' fine-averaged values: one Jacobi step over that ring, which removes the spike and
    // leaves a smooth (discrete-harmonic) field unchanged to second order. Measured on the 3389
    // against the boundary-element model: worst |E| error within 10 mm from 5% to 2%.
    for (int l = top - 1; l >= geo.base; --l) {
        const Level& L = geo.levels[l];
        const Box& B = L.box;
        std::vector<long> ring;
        std::vector<double> values;
        for (int k = 0; k < B.n[2]; ++k)
            for (int j = 0; j < B.n[1]; ++j)
                for (int i = 0; i < B.n[0]; ++i) {
                    const long p = B.index(i, j, k);
                    const auto f = L.flags[p];
                    if (!(f & kActive) || (f & kCovered)) continue;
                    bool nearPatch = false;
                    for (int dk = -1; dk <= 1 && !nearPatch; ++dk)
                        for (int dj = -1; dj <= 1 && !nearPatch; ++dj)
                            for (int di = -1; di <= 1 && !nearPatch; ++di)
                                nearPatch = (L.flags[p + di + dj * B.sy() + dk * B.sz()] & kCovered) != 0;
                    if (!nearPatch) continue;
                    double sumG = 0.0, sumGPhi = 0.0;
                    for (int ax = 0; ax < 3; ++ax) {
                        const long s = B.stride(ax);
                        for (const long q : {p + s, p - s}) {
                            const double g = L.gTop[ax][std::min(p, q)];
                            if (g > 0.0 && known[l][q]) {
                                sumG += g;
                                sumGPhi += g * field[l][q];
                            }
                        }
                    }
                    if (sumG > 0.0) {
                        ring.push_back(p);
                        values.push_back(sumGPhi / sumG);
                    }
                }
        for (size_t m = 0; m < ring.size(); ++m) field[l][ring[m]] = values[m];
    }
    // Remaining cells inside the lead: layer by layer, the mean of known face neighbours (zero normal
    // gradient; only points within a cell or two of the surface ever read them).
    for (int l = geo.base; l <= top; ++l) {
        const Box& B = geo.levels[l].box;
        auto& phi = field[l];
        auto& kn = known[l];
        for (bool changed = true; changed;) {
            changed = false;
            std::vector<long> filled;
            std::vector<double> values;
            for (int k = 0; k < B.n[2]; ++k)
                for (int j = 0; j < B.n[1]; ++j)
                    for (int i = 0; i < B.n[0]; ++i) {
                        const long p = B.index(i, j, k);
                        if (kn[p]) continue;
                        double s = 0.0;
                        int n = 0;
                        const int loc[3] = {i, j, k};
                        for (int ax = 0; ax < 3; ++ax)
                            for (int sg = -1; sg <= 1; sg += 2) {
                                if ((sg < 0 && loc[ax] == 0) || (sg > 0 && loc[ax] == B.n[ax] - 1)) continue;
                                const long q = p + sg * B.stride(ax);
                                if (kn[q]) {
                                    s += phi[q];
                                    ++n;
                                }
                            }
                        if (n > 0) {
                            filled.push_back(p);
                            values.push_back(s / n);
                        }
                    }
            for (size_t m = 0; m < filled.size(); ++m) {
                phi[filled[m]] = values[m];
                kn[filled[m]] = 1;
                changed = true;
            }
        }
        // Padding: linear extrapolation, axis by axis (x, then y including x padding, then z).
        for (int ax = 0; ax < 3; ++ax) {
            const int u = (ax + 1) % 3, v = (ax + 2) % 3;
            const int uLo = ax > u ? -1 : 0, uHi = ax > u ? B.n[u] : B.n[u] - 1;
            const int vLo = ax > v ? -1 : 0, vHi = ax > v ? B.n[v] : B.n[v] - 1;
            for (int b = vLo; b <= vHi; ++b)
                for (int a = uLo; a <= uHi; ++a) {
                    int loc[3];
                    loc[u] = a;
                    loc[v] = b;
                    auto at = [&](int w) {
                        loc[ax] = w;
                        return B.index(loc[0], loc[1], loc[2]);
                    };
                    const int n = B.n[ax];
                    phi[at(-1)] = n > 1 ? 2.0 * phi[at(0)] - phi[at(1)] : phi[at(0)];
                    phi[at(n)] = n > 1 ? 2.0 * phi[at(n - 1)] - phi[at(n - 2)] : phi[at(n - 1)];
                }
        }
    }
    std::vector<std::vector<double>> stored;
    for (int l = geo.base; l <= top; ++l) stored.push_back(std::move(field[l]));
    return stored;
}

void evaluateField(const Solution& s, int contact, const Eigen::Vector3d& pointMm, bool withGradient, double& potential,
                   Eigen::Vector3d& gradient) {
    const auto& levels = s.potential[contact];
    const int top = static_cast<int>(s.boxes.size()) - 1;
    for (int l = top; l >= 1; --l) {
        const Box& b = s.boxes[l];
        const double inner = interiorDistance(b, pointMm) - kPatchInteriorCells * b.h;
        if (inner < 0.0) continue;
        const double t = std::min(1.0, inner / (kBlendCells * b.h));
        interpolateLevel(b, levels[l], pointMm, withGradient, potential, gradient);
        if (t < 1.0) {
            double vc;
            Eigen::Vector3d gc;
            interpolateLevel(s.boxes[l - 1], levels[l - 1], pointMm, withGradient, vc, gc);
            // The gradients are blended like the potentials, without the blend weight's own derivative
            // times the levels' potential difference: that difference is discretisation error (0.1-0.3%
            // of the potential next to a patch edge), which divided by the 2-cell band width would add
            // several % to the field.
            if (withGradient) gradient = t * gradient + (1.0 - t) * gc;
            potential = t * potential + (1.0 - t) * vc;
        }
        return;
    }
    // The full-domain level; beyond it, a monopole about the far-field origin continued from the
    // domain edge (the boundary condition's own assumption).
    const Box& b = s.boxes[0];
    const Eigen::Vector3d lo = b.minCorner(), hi = b.maxCorner();
    Eigen::Vector3d q = pointMm;
    for (int a = 0; a < 3; ++a) q[a] = std::clamp(q[a], lo[a] + 0.5 * b.h, hi[a] - 0.5 * b.h);
    interpolateLevel(b, levels[0], q, withGradient, potential, gradient);
    if ((q - pointMm).squaredNorm() > 0.0) {
        const Eigen::Vector3d rq = q - s.farOriginMm, rp = pointMm - s.farOriginMm;
        potential *= rq.norm() / rp.norm();
        gradient = -potential * rp / rp.squaredNorm();
    }
}

}  // namespace grid

namespace {

std::string hexFloat(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%a", v);
    return buf;
}

int resolveThreads(int requested) {
    if (requested > 0) return requested;
    const unsigned hw = std::thread::hardware_concurrency();
    return hw > 0 ? static_cast<int>(hw) : 1;
}

std::string keyText(const device::Lead& lead, const GridSettings& s, const GridDiscretisation& d) {
    std::ostringstream ss;
    ss << grid::kCodeVersion << "\n";
    ss << "lead=" << lead.id << ";radius=" << hexFloat(lead.radiusMm()) << ";";
    for (const auto& c : lead.contacts)
        ss << "contact=" << static_cast<int>(c.shape) << "," << hexFloat(c.zMinMm) << "," << hexFloat(c.zMaxMm) << ","
           << hexFloat(c.arcDeg) << "," << hexFloat(c.angleDeg) << ";";
    ss << "\ntissue=" << s.tissue.canonicalText() << "\n";
    ss << "grid=" << hexFloat(d.fineSpacingMm) << "," << hexFloat(d.fineMarginMm) << "," << d.levelMarginCells << ","
       << hexFloat(d.domainHalfWidthMm) << "\n";
    ss << "solver=" << hexFloat(s.solver.relativeTolerance) << "," << s.solver.maxIterations << ","
       << s.solver.smoothingSweeps << "\n";
    ss << "inactive=" << toString(s.inactiveContacts) << "\n";
    return ss.str();
}

void validateSettings(const GridSettings& s) {
    auto fail = [](const char* field, double v, const char* allowed) {
        std::ostringstream ss;
        ss << v;
        throw InputError("grid solver settings", field, ss.str(), allowed);
    };
    if (!(s.solver.relativeTolerance >= 1e-14 && s.solver.relativeTolerance <= 1e-3))
        fail("relativeTolerance", s.solver.relativeTolerance, "1e-14 to 1e-3");
    if (s.solver.maxIterations < 1 || s.solver.maxIterations > 10000)
        fail("maxIterations", s.solver.maxIterations, "1 to 10000");
    if (s.solver.smoothingSweeps < 1 || s.solver.smoothingSweeps > 10)
        fail("smoothingSweeps", s.solver.smoothingSweeps, "1 to 10");
    if (s.threads < 0 || s.threads > 1024) fail("threads", s.threads, "0 (all hardware threads) to 1024");
}

/// Runs f(0..count-1) on `threads` threads, item i on thread i % threads.
template <class F>
void forEachParallel(int count, int threads, F&& f) {
    threads = std::max(1, std::min(threads, count));
    if (threads == 1) {
        for (int i = 0; i < count; ++i) f(i);
        return;
    }
    std::vector<std::exception_ptr> errors(threads);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            try {
                for (int i = t; i < count; i += threads) f(i);
            } catch (...) {
                errors[t] = std::current_exception();
            }
        });
    for (auto& th : pool) th.join();
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
}

}  // namespace

GridDiscretisation GridDiscretisation::ringLeadDefaults() {
    GridDiscretisation d;
    d.fineSpacingMm = 0.1;
    d.levelMarginCells = 8;
    return d;
}

GridDiscretisation GridDiscretisation::directionalLeadDefaults() {
    GridDiscretisation d;
    d.fineSpacingMm = 0.05;
    d.levelMarginCells = 6;
    return d;
}

GridDiscretisation GridDiscretisation::defaultsFor(const device::Lead& lead) {
    for (const auto& c : lead.contacts)
        if (c.shape == device::ContactShape::Segment) return directionalLeadDefaults();
    return ringLeadDefaults();
}

std::string defaultGridCacheDir() {
    namespace fs = std::filesystem;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return (fs::path(xdg) / "dbsprog").string();
    if (const char* home = std::getenv("HOME"); home && *home) return (fs::path(home) / ".cache" / "dbsprog").string();
    return (fs::temp_directory_path() / "dbsprog-cache").string();
}

GridConductor::GridConductor(device::Lead lead, GridSettings settings)
    : lead_(std::move(lead)), settings_(std::move(settings)) {
    const auto t0 = std::chrono::steady_clock::now();
    validateSettings(settings_);
    discretisation_ = settings_.discretisation ? *settings_.discretisation : GridDiscretisation::defaultsFor(lead_);
    keyText_ = keyText(lead_, settings_, discretisation_);
    const int contacts = contactCount();

    std::string cachePath;
    if (settings_.useCache) {
        namespace fs = std::filesystem;
        const std::string dir = settings_.cacheDir.empty() ? defaultGridCacheDir() : settings_.cacheDir;
        char name[64];
        std::snprintf(name, sizeof name, "grid-%016llx.bin",
                      static_cast<unsigned long long>(grid::fnv1a64(keyText_.data(), keyText_.size())));
        cachePath = (fs::path(dir) / name).string();
        stats_.cacheFile = cachePath;
        std::error_code ec;
        if (fs::exists(cachePath, ec)) {
            auto sol = std::make_shared<grid::Solution>();
            GridStats cached;
            std::string why;
            if (grid::readCacheFile(cachePath, keyText_, *sol, cached, why)) {
                stats_ = cached;
                stats_.fromCache = true;
                stats_.cacheFile = cachePath;
                stats_.setupSeconds = stats_.solveSeconds = 0.0;
                solution_ = std::move(sol);
                stats_.totalSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                return;
            }
            stats_.cacheNote = "cache file not used (" + why + "); recomputed";
        }
    }

    const grid::Geometry geo = grid::buildGeometry(lead_, settings_.tissue, discretisation_);
    stats_.setupSeconds = geo.setupSeconds;
    auto sol = std::make_shared<grid::Solution>();
    for (int l = geo.base; l <= geo.finest(); ++l) sol->boxes.push_back(geo.levels[l].box);
    sol->potential.resize(contacts);
    sol->contactPotentials = Eigen::MatrixXd::Zero(contacts, contacts);
    sol->farOriginMm = geo.farOriginMm;
    sol->radiusMm = lead_.radiusMm();
    stats_.solves.assign(contacts, {});

    const bool floating = settings_.inactiveContacts == InactiveContacts::Floating;
    const auto tSolve = std::chrono::steady_clock::now();
    std::unique_ptr<grid::Operator> shared;
    if (floating) {
        const auto tOp = std::chrono::steady_clock::now();
        shared = std::make_unique<grid::Operator>(grid::buildOperator(geo, std::vector<char>(contacts, 1)));
        stats_.setupSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - tOp).count();
    }
    forEachParallel(contacts, resolveThreads(settings_.threads), [&](int c) {
        std::vector<char> on(contacts, 1);
        grid::Operator own;
        if (!floating) {
            std::fill(on.begin(), on.end(), 0);
            on[c] = 1;
            own = grid::buildOperator(geo, on);
        }
        const grid::Operator& op = floating ? *shared : own;
        Eigen::VectorXd currents = Eigen::VectorXd::Zero(contacts);
        currents[c] = 1.0;
        const grid::SolveResult res = grid::solveComposite(op, currents, settings_.solver);
        Eigen::VectorXd surfaceMean;
        sol->potential[c] = grid::finishField(geo, res, on, surfaceMean);
        for (int k = 0; k < contacts; ++k)
            sol->contactPotentials(k, c) = on[k] ? res.contactPotential[k] : surfaceMean[k];
        stats_.solves[c] = res.report;
    });
    stats_.solveSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - tSolve).count();

    for (int l = geo.base; l <= geo.finest(); ++l) {
        const grid::Level& L = geo.levels[l];
        GridLevelInfo info;
        info.spacingMm = L.box.h;
        info.cells = L.box.n;
        for (int a = 0; a < 3; ++a) {
            info.minMm[a] = L.box.minCorner()[a];
            info.maxMm[a] = L.box.maxCorner()[a];
        }
        for (auto f : L.flags)
            info.compositeCells += (f & grid::kActive) && (f & grid::kInBox) && !(f & grid::kCovered);
        stats_.levels.push_back(info);
    }
    stats_.unknowns = geo.compositeCells() + contacts;
    solution_ = std::move(sol);

    if (settings_.useCache) {
        try {
            std::error_code ec;
            std::filesystem::create_directories(std::filesystem::path(cachePath).parent_path(), ec);
            grid::writeCacheFile(cachePath, keyText_, *solution_, stats_);
        } catch (const std::exception& e) {
            stats_.cacheNote += (stats_.cacheNote.empty() ? "" : "; ") + std::string("cache not written: ") + e.what();
        }
    }
    stats_.totalSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

GridConductor::~GridConductor() = default;
GridConductor::GridConductor(GridConductor&&) noexcept = default;
GridConductor& GridConductor::operator=(GridConductor&&) noexcept = default;

std::string GridConductor::description() const {
    std::ostringstream ss;
    ss << "grid finite-volume conductor (" << settings_.tissue.summary() << "; nested grids "
       << solution_->boxes.back().h << " to " << solution_->boxes.front().h << " mm, " << stats_.unknowns
       << " unknowns; inactive contacts " << toString(settings_.inactiveContacts) << ")";
    return ss.str();
}

bool GridConductor::insideLead(const Eigen::Vector3d& p) const { return grid::insideLeadBody(lead_.radiusMm(), p); }

Eigen::MatrixXd GridConductor::contactPotentialsVPerMa() const { return solution_->contactPotentials; }

UnitFields GridConductor::unitFields(const Eigen::Matrix3Xd& pointsMm, bool withGradient, int threads) const {
    const Eigen::Index n = pointsMm.cols();
    const int contacts = contactCount();
    UnitFields out;
    out.potentialVPerMa.resize(n, contacts);
    if (withGradient)
        for (auto& g : out.gradientVPerMmPerMa) g.resize(n, contacts);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    auto work = [&](Eigen::Index begin, Eigen::Index end) {
        for (Eigen::Index i = begin; i < end; ++i) {
            const Eigen::Vector3d p = pointsMm.col(i);
            const bool bad = !p.allFinite() || insideLead(p);
            for (int c = 0; c < contacts; ++c) {
                double v = nan;
                Eigen::Vector3d g = Eigen::Vector3d::Constant(nan);
                if (!bad) grid::evaluateField(*solution_, c, p, withGradient, v, g);
                out.potentialVPerMa(i, c) = v;
                if (withGradient)
                    for (int d = 0; d < 3; ++d) out.gradientVPerMmPerMa[d](i, c) = g[d];
            }
        }
    };
    util::parallelFor(n, threads, work);
    return out;
}

GridDirectSolution GridConductor::solveDirect(const Eigen::VectorXd& currentsMa, const Eigen::Matrix3Xd& pointsMm,
                                              bool withGradient) const {
    const int contacts = contactCount();
    if (currentsMa.size() != contacts || !currentsMa.allFinite())
        throw InputError("grid conductor", "contact currents", std::to_string(currentsMa.size()) + " values",
                         std::to_string(contacts) + " finite currents in mA");
    const grid::Geometry geo = grid::buildGeometry(lead_, settings_.tissue, discretisation_);
    std::vector<char> on(contacts, 1);
    if (settings_.inactiveContacts == InactiveContacts::Insulating)
        for (int c = 0; c < contacts; ++c) on[c] = currentsMa[c] != 0.0;
    const grid::Operator op = grid::buildOperator(geo, on);
    const grid::SolveResult res = grid::solveComposite(op, currentsMa, settings_.solver);
    grid::Solution s;
    for (int l = geo.base; l <= geo.finest(); ++l) s.boxes.push_back(geo.levels[l].box);
    s.farOriginMm = geo.farOriginMm;
    s.radiusMm = lead_.radiusMm();
    Eigen::VectorXd surfaceMean;
    s.potential.push_back(grid::finishField(geo, res, on, surfaceMean));
    GridDirectSolution out;
    out.contactPotentialsV = res.contactPotential;
    out.solve = res.report;
    const Eigen::Index n = pointsMm.cols();
    out.fields.potentialVPerMa.resize(n, 1);
    if (withGradient)
        for (auto& g : out.fields.gradientVPerMmPerMa) g.resize(n, 1);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (Eigen::Index i = 0; i < n; ++i) {
        const Eigen::Vector3d p = pointsMm.col(i);
        double v = nan;
        Eigen::Vector3d g = Eigen::Vector3d::Constant(nan);
        if (p.allFinite() && !insideLead(p)) grid::evaluateField(s, 0, p, withGradient, v, g);
        out.fields.potentialVPerMa(i, 0) = v;
        if (withGradient)
            for (int d = 0; d < 3; ++d) out.fields.gradientVPerMmPerMa[d](i, 0) = g[d];
    }
    return out;
}

}  // namespace dbsprog::field
