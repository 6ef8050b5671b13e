// Multigrid-preconditioned conjugate gradients on the composite grid (multigrid.hpp).
#include "field/multigrid.hpp"

#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace dbsprog::field::grid {

namespace {

/// y = diag x - sum_faces g x_neighbour on the cells selected by (flags & mask) == want; 0 elsewhere.
void applyStencil(const Level& L, const std::array<std::vector<double>, 3>& g, const std::vector<double>& diag,
                  const double* x, double* y, std::uint8_t mask, std::uint8_t want) {
    const Box& B = L.box;
    const long sy = B.sy(), sz = B.sz();
    const double* gx = g[0].data();
    const double* gy = g[1].data();
    const double* gz = g[2].data();
    const std::uint8_t* fl = L.flags.data();
    std::fill(y, y + B.size(), 0.0);
    for (int k = 0; k < B.n[2]; ++k)
        for (int j = 0; j < B.n[1]; ++j) {
            const long row = B.index(0, j, k);
            for (long p = row; p < row + B.n[0]; ++p) {
                if ((fl[p] & mask) != want) continue;
                y[p] = diag[p] * x[p] - (gx[p] * x[p + 1] + gx[p - 1] * x[p - 1] + gy[p] * x[p + sy] +
                                         gy[p - sy] * x[p - sy] + gz[p] * x[p + sz] + gz[p - sz] * x[p - sz]);
            }
        }
}

/// One lexicographic Gauss-Seidel sweep of level L, top mode, forward or backward:
/// x_p = (t_p + sum g x_n) / diag_p; t holds the right-hand side plus the couplings to coarser cells and
/// contacts. Cells outside the tissue have invDiag 0 and stay 0. (Each solve runs on one thread, so the
/// sequential sweep costs nothing in parallelism; it reads each array once per sweep, half the memory
/// traffic of a red-black sweep, and a forward sweep before / backward sweep after the coarse
/// correction keeps the V-cycle symmetric.)
void gaussSeidelSweep(const Level& L, const std::vector<double>& invDiag, const double* t, double* x, bool forward) {
    const Box& B = L.box;
    const long sy = B.sy(), sz = B.sz();
    const double* gx = L.gTop[0].data();
    const double* gy = L.gTop[1].data();
    const double* gz = L.gTop[2].data();
    const double* id = invDiag.data();
    auto update = [&](long p) {
        x[p] = id[p] * (t[p] + gx[p] * x[p + 1] + gx[p - 1] * x[p - 1] + gy[p] * x[p + sy] + gy[p - sy] * x[p - sy] +
                        gz[p] * x[p + sz] + gz[p - sz] * x[p - sz]);
    };
    if (forward) {
        for (int k = 0; k < B.n[2]; ++k)
            for (int j = 0; j < B.n[1]; ++j) {
                const long row = B.index(0, j, k);
                for (long p = row; p < row + B.n[0]; ++p) update(p);
            }
    } else {
        for (int k = B.n[2] - 1; k >= 0; --k)
            for (int j = B.n[1] - 1; j >= 0; --j) {
                const long row = B.index(0, j, k);
                for (long p = row + B.n[0] - 1; p >= row; --p) update(p);
            }
    }
}

/// Trilinear prolongation from level C = L - 1 (x_c) added onto level L (x_f), or (restrict = true) its
/// transpose: the level-L residual r_f scattered onto level C (b_c). Cells flagged kRegularTransfer use
/// the tensor-product weights (27, 9, 3, 1) / 64 inline; the rest go through transferStencil.
void transfer(const Level& L, const Level& C, const double* in, double* out, bool restrict) {
    const Box& B = L.box;
    const Box& CB = C.box;
    const long csy = CB.sy(), csz = CB.sz();
    const int ox = B.lo[0] / 2 - CB.lo[0], oy = B.lo[1] / 2 - CB.lo[1], oz = B.lo[2] / 2 - CB.lo[2];
    constexpr double w0 = 27.0 / 64.0, w1 = 9.0 / 64.0, w2 = 3.0 / 64.0, w3 = 1.0 / 64.0;
    for (int k = 0; k < B.n[2]; ++k)
        for (int j = 0; j < B.n[1]; ++j) {
            const long cy = (j & 1) ? csy : -csy;
            const long cz = (k & 1) ? csz : -csz;
            const long prow = CB.index(ox, oy + (j >> 1), oz + (k >> 1));
            const long row = B.index(0, j, k);
            for (int i = 0; i < B.n[0]; ++i) {
                const long p = row + i;
                const std::uint8_t fl = L.flags[p];
                if (fl & kRegularTransfer) {
                    const long c = prow + (i >> 1);
                    const long cx = (i & 1) ? 1 : -1;
                    if (restrict) {
                        const double r = in[p];
                        out[c] += w0 * r;
                        out[c + cx] += w1 * r;
                        out[c + cy] += w1 * r;
                        out[c + cz] += w1 * r;
                        out[c + cx + cy] += w2 * r;
                        out[c + cx + cz] += w2 * r;
                        out[c + cy + cz] += w2 * r;
                        out[c + cx + cy + cz] += w3 * r;
                    } else {
                        out[p] += w0 * in[c] + w1 * (in[c + cx] + in[c + cy] + in[c + cz]) +
                                  w2 * (in[c + cx + cy] + in[c + cx + cz] + in[c + cy + cz]) +
                                  w3 * in[c + cx + cy + cz];
                    }
                } else if (fl & kActive) {
                    const TransferStencil st = transferStencil(L, C, i, j, k);
                    if (restrict) {
                        for (int q = 0; q < st.count; ++q) out[st.coarse[q]] += st.weight[q] * in[p];
                    } else {
                        double v = 0.0;
                        for (int q = 0; q < st.count; ++q) v += st.weight[q] * in[st.coarse[q]];
                        out[p] += v;
                    }
                }
            }
        }
}

struct Workspace {
    std::vector<std::vector<double>> x, b, r;  // per level, padded box size
    std::vector<Eigen::VectorXd> xc, bc;       // per level, contact potentials / currents
};

class VCycle {
public:
    VCycle(const Operator& op, int sweeps) : op_(op), geo_(*op.geo), sweeps_(sweeps) {
        const int n = static_cast<int>(geo_.levels.size());
        ws_.x.resize(n);
        ws_.b.resize(n);
        ws_.r.resize(n);
        ws_.xc.assign(n, Eigen::VectorXd::Zero(geo_.contactCount));
        ws_.bc.assign(n, Eigen::VectorXd::Zero(geo_.contactCount));
        for (int l = 0; l < n; ++l) {
            const long s = geo_.levels[l].box.size();
            ws_.x[l].assign(s, 0.0);
            ws_.b[l].assign(s, 0.0);
            ws_.r[l].assign(s, 0.0);
        }
    }

    /// z = B r on the composite grid (levels base..finest; other levels' arrays unused).
    void apply(const std::vector<std::vector<double>>& r, const Eigen::VectorXd& rc,
               std::vector<std::vector<double>>& z, Eigen::VectorXd& zc) {
        const int top = geo_.finest();
        for (int l = 0; l <= top; ++l) std::fill(ws_.x[l].begin(), ws_.x[l].end(), 0.0);
        for (int l = geo_.base; l <= top; ++l) ws_.b[l] = r[l];
        ws_.bc[top] = rc;
        ws_.xc[top].setZero();
        cycle(top);
        z[top] = ws_.x[top];
        for (int l = geo_.base; l < top; ++l) {
            const auto& fl = geo_.levels[l].flags;
            auto& zl = z[l];
            const auto& xl = ws_.x[l];
            for (size_t p = 0; p < zl.size(); ++p) zl[p] = ((fl[p] & kActive) && !(fl[p] & kCovered)) ? xl[p] : 0.0;
        }
        zc = ws_.xc[top];
        for (int c = 0; c < zc.size(); ++c)
            if (!op_.contactOn[c]) zc[c] = 0.0;
    }

private:
    void contactUpdate(int k) {
        const auto& links = op_.links[k];
        if (links.empty()) return;
        Eigen::VectorXd acc = ws_.bc[k];
        const double* x = ws_.x[k].data();
        for (const auto& l : links) acc[l.contact] += l.g * x[l.cell];
        Eigen::VectorXd delta = Eigen::VectorXd::Zero(acc.size());
        for (int c = 0; c < acc.size(); ++c) {
            if (!op_.contactOn[c]) continue;
            const double v = acc[c] / op_.contactDiag[k][c];
            delta[c] = v - ws_.xc[k][c];
            ws_.xc[k][c] = v;
        }
        double* t = ws_.b[k].data();
        for (const auto& l : links) t[l.cell] += l.g * delta[l.contact];
    }

    void bottomSolve() {
        const int nCells = static_cast<int>(op_.bottomCells.size());
        Eigen::VectorXd rhs(nCells + static_cast<int>(op_.bottomContacts.size()));
        for (int i = 0; i < nCells; ++i) rhs[i] = ws_.b[0][op_.bottomCells[i]];
        for (size_t c = 0; c < op_.bottomContacts.size(); ++c) rhs[nCells + c] = ws_.bc[0][op_.bottomContacts[c]];
        const Eigen::VectorXd sol = op_.bottom.solve(rhs);
        for (int i = 0; i < nCells; ++i) ws_.x[0][op_.bottomCells[i]] = sol[i];
        ws_.xc[0].setZero();
        for (size_t c = 0; c < op_.bottomContacts.size(); ++c) ws_.xc[0][op_.bottomContacts[c]] = sol[nCells + c];
    }

    // Entry: x = 0 on level k and on every uncovered cell below; b holds the right-hand side there.
    void cycle(int k) {
        if (k == 0) {
            bottomSolve();
            return;
        }
        const Level& L = geo_.levels[k];
        const Level& C = geo_.levels[k - 1];
        double* x = ws_.x[k].data();
        double* t = ws_.b[k].data();
        const auto& invDiag = op_.invDiagTop[k];

        for (int s = 0; s < sweeps_; ++s) {
            gaussSeidelSweep(L, invDiag, t, x, true);
            contactUpdate(k);
        }

        // Residual on level k (t already includes the couplings to contacts and coarser cells).
        double* r = ws_.r[k].data();
        applyStencil(L, L.gTop, op_.diagTop[k], x, r, kActive, kActive);
        for (long p = 0; p < L.box.size(); ++p) r[p] = (L.flags[p] & kActive) ? t[p] - r[p] : 0.0;

        // Right-hand side of hierarchy level k - 1 (restriction = prolongation^T).
        double* xcoarse = ws_.x[k - 1].data();
        double* bcoarse = ws_.b[k - 1].data();
        std::fill(ws_.x[k - 1].begin(), ws_.x[k - 1].end(), 0.0);
        for (long p = 0; p < C.box.size(); ++p)
            if (C.flags[p] & kCovered) bcoarse[p] = 0.0;
        for (const auto& link : L.toCoarser)
            for (int m = 0; m < link.count; ++m) bcoarse[link.coarse[m]] += link.g * link.weight[m] * x[link.fine];
        Eigen::VectorXd& bc = ws_.bc[k - 1];
        bc = ws_.bc[k];
        for (int c = 0; c < bc.size(); ++c) bc[c] -= op_.contactOn[c] ? op_.contactDiag[k][c] * ws_.xc[k][c] : 0.0;
        for (const auto& l : op_.links[k]) bc[l.contact] += l.g * x[l.cell];
        transfer(L, C, r, bcoarse, true);
        ws_.xc[k - 1].setZero();

        cycle(k - 1);

        // Prolongation, then the changed couplings into t.
        transfer(L, C, xcoarse, x, false);
        ws_.xc[k] += ws_.xc[k - 1];
        for (const auto& link : L.toCoarser) {
            double v = 0.0;
            for (int m = 0; m < link.count; ++m) v += link.weight[m] * xcoarse[link.coarse[m]];
            t[link.fine] += link.g * v;
        }
        for (const auto& l : op_.links[k]) t[l.cell] += l.g * ws_.xc[k - 1][l.contact];

        for (int s = 0; s < sweeps_; ++s) {
            contactUpdate(k);
            gaussSeidelSweep(L, invDiag, t, x, false);
        }
    }

    const Operator& op_;
    const Geometry& geo_;
    int sweeps_;
    Workspace ws_;
};

/// Composite vectors: per level arrays (levels base..finest), contact potentials.
struct CompVec {
    std::vector<std::vector<double>> v;
    Eigen::VectorXd c;
};

CompVec makeVec(const Geometry& geo) {
    CompVec out;
    out.v.resize(geo.levels.size());
    for (int l = geo.base; l <= geo.finest(); ++l) out.v[l].assign(geo.levels[l].box.size(), 0.0);
    out.c = Eigen::VectorXd::Zero(geo.contactCount);
    return out;
}

double dot(const Geometry& geo, const CompVec& a, const CompVec& b) {
    double s = 0.0;
    for (int l = geo.base; l <= geo.finest(); ++l) {
        const double* pa = a.v[l].data();
        const double* pb = b.v[l].data();
        const size_t n = a.v[l].size();
        for (size_t i = 0; i < n; ++i) s += pa[i] * pb[i];
    }
    for (int c = 0; c < a.c.size(); ++c) s += a.c[c] * b.c[c];
    return s;
}

/// y = a x + y.
void axpy(const Geometry& geo, double a, const CompVec& x, CompVec& y) {
    for (int l = geo.base; l <= geo.finest(); ++l) {
        const double* px = x.v[l].data();
        double* py = y.v[l].data();
        const size_t n = x.v[l].size();
        for (size_t i = 0; i < n; ++i) py[i] += a * px[i];
    }
    y.c += a * x.c;
}

/// p = z + beta p.
void xpby(const Geometry& geo, const CompVec& z, double beta, CompVec& p) {
    for (int l = geo.base; l <= geo.finest(); ++l) {
        const double* pz = z.v[l].data();
        double* pp = p.v[l].data();
        const size_t n = z.v[l].size();
        for (size_t i = 0; i < n; ++i) pp[i] = pz[i] + beta * pp[i];
    }
    p.c = z.c + beta * p.c;
}

/// y = A x, the composite-grid operator.
void applyComposite(const Operator& op, const CompVec& x, CompVec& y) {
    const Geometry& geo = *op.geo;
    const int top = geo.finest();
    for (int l = geo.base; l <= top; ++l) {
        const Level& L = geo.levels[l];
        if (l == top)
            applyStencil(L, L.gTop, op.diagTop[l], x.v[l].data(), y.v[l].data(), kActive, kActive);
        else
            applyStencil(L, L.gComp, op.diagComp[l], x.v[l].data(), y.v[l].data(), kActive | kCovered, kActive);
    }
    // Patch interfaces: energy g (phi_virtual - phi_fine)^2 (the fine diagonal already holds g).
    for (int l = geo.base + 1; l <= top; ++l)
        for (const auto& link : geo.levels[l].toCoarser) {
            const double* xc = x.v[l - 1].data();
            double v = 0.0;
            for (int m = 0; m < link.count; ++m) v += link.weight[m] * xc[link.coarse[m]];
            const double xf = x.v[l][link.fine];
            y.v[l][link.fine] -= link.g * v;
            for (int m = 0; m < link.count; ++m) y.v[l - 1][link.coarse[m]] += link.g * link.weight[m] * (v - xf);
        }
    y.c = Eigen::VectorXd::Zero(geo.contactCount);
    for (int c = 0; c < geo.contactCount; ++c)
        if (op.contactOn[c]) y.c[c] = op.contactDiag[top][c] * x.c[c];
    for (const auto& link : op.links[top]) {
        y.v[top][link.cell] -= link.g * x.c[link.contact];
        y.c[link.contact] -= link.g * x.v[top][link.cell];
    }
}

}  // namespace

Operator buildOperator(const Geometry& geo, const std::vector<char>& contactOn) {
    Operator op;
    op.geo = &geo;
    op.contactOn = contactOn;
    const int n = static_cast<int>(geo.levels.size());
    const int top = geo.finest();
    op.diagTop.resize(n);
    op.invDiagTop.resize(n);
    op.diagComp.resize(n);
    op.links.resize(n);
    op.contactDiag.assign(n, Eigen::VectorXd::Zero(geo.contactCount));
    for (int l = 0; l < n; ++l) {
        const Level& L = geo.levels[l];
        const Box& B = L.box;
        for (const auto& link : L.contactLinks)
            if (contactOn[link.contact]) {
                op.links[l].push_back(link);
                op.contactDiag[l][link.contact] += link.g;
            }
        auto faceSum = [&](const std::array<std::vector<double>, 3>& g, long p) {
            double s = 0.0;
            for (int ax = 0; ax < 3; ++ax) s += g[ax][p] + g[ax][p - B.stride(ax)];
            return s;
        };
        auto& dt = op.diagTop[l];
        dt.assign(B.size(), 0.0);
        for (long p = 0; p < B.size(); ++p)
            if ((L.flags[p] & kActive) && (L.flags[p] & kInBox)) dt[p] = faceSum(L.gTop, p) + L.ground[p];
        for (const auto& link : L.toCoarser) dt[link.fine] += link.g;
        for (const auto& link : op.links[l]) dt[link.cell] += link.g;
        auto& id = op.invDiagTop[l];
        id.assign(B.size(), 0.0);
        for (long p = 0; p < B.size(); ++p)
            if (dt[p] > 0.0) id[p] = 1.0 / dt[p];
        if (l >= geo.base && l < top) {
            auto& dc = op.diagComp[l];
            dc.assign(B.size(), 0.0);
            for (long p = 0; p < B.size(); ++p)
                if ((L.flags[p] & kActive) && (L.flags[p] & kInBox) && !(L.flags[p] & kCovered))
                    dc[p] = faceSum(L.gComp, p) + L.ground[p];
            for (const auto& link : L.toCoarser) dc[link.fine] += link.g;
            // (the coarse side of the finer patch's interface is applied link by link)
        }
    }

    // Level 0, dense: tissue cells then the contacts that are on.
    const Level& L0 = geo.levels[0];
    std::vector<int> denseIndex(L0.box.size(), -1);
    for (long p = 0; p < L0.box.size(); ++p)
        if ((L0.flags[p] & kActive) && (L0.flags[p] & kInBox)) {
            denseIndex[p] = static_cast<int>(op.bottomCells.size());
            op.bottomCells.push_back(p);
        }
    const int nCells = static_cast<int>(op.bottomCells.size());
    for (int c = 0; c < geo.contactCount; ++c)
        if (contactOn[c]) op.bottomContacts.push_back(c);
    const int m = nCells + static_cast<int>(op.bottomContacts.size());
    Eigen::MatrixXd A = Eigen::MatrixXd::Zero(m, m);
    for (int i = 0; i < nCells; ++i) {
        const long p = op.bottomCells[i];
        A(i, i) = op.diagTop[0][p];
        for (int ax = 0; ax < 3; ++ax) {
            const long q = p + L0.box.stride(ax);
            const double g = L0.gTop[ax][p];
            if (g != 0.0 && denseIndex[q] >= 0) {
                A(i, denseIndex[q]) -= g;
                A(denseIndex[q], i) -= g;
            }
        }
    }
    std::vector<int> contactRow(geo.contactCount, -1);
    for (size_t c = 0; c < op.bottomContacts.size(); ++c)
        contactRow[op.bottomContacts[c]] = nCells + static_cast<int>(c);
    for (const auto& link : op.links[0]) {
        const int i = denseIndex[link.cell], r = contactRow[link.contact];
        A(i, r) -= link.g;
        A(r, i) -= link.g;
    }
    for (int c : op.bottomContacts) A(contactRow[c], contactRow[c]) = op.contactDiag[0][c];
    op.bottom.compute(A);
    if (op.bottom.info() != Eigen::Success)
        throw std::runtime_error("grid conductor: the coarsest multigrid grid is not positive definite");
    return op;
}

SolveResult solveComposite(const Operator& op, const Eigen::VectorXd& contactCurrentsMa,
                           const GridSolverSettings& settings) {
    const auto t0 = std::chrono::steady_clock::now();
    const Geometry& geo = *op.geo;
    CompVec x = makeVec(geo), r = makeVec(geo), z = makeVec(geo), p = makeVec(geo), q = makeVec(geo);
    for (int c = 0; c < geo.contactCount; ++c) {
        if (contactCurrentsMa[c] != 0.0 && !op.contactOn[c])
            throw std::logic_error("grid conductor: current on a contact that is not a conductor");
        r.c[c] = contactCurrentsMa[c];
    }
    const double bNorm = std::sqrt(dot(geo, r, r));
    SolveResult out;
    int it = 0;
    if (bNorm > 0.0) {
        VCycle mg(op, settings.smoothingSweeps);
        mg.apply(r.v, r.c, z.v, z.c);
        p = z;
        double rz = dot(geo, r, z);
        double rel = 1.0;
        while (true) {
            if (rel <= settings.relativeTolerance) break;
            if (it >= settings.maxIterations) {
                std::ostringstream ss;
                ss << "grid conductor: conjugate gradients did not converge in " << it
                   << " iterations (relative residual " << rel << ", tolerance " << settings.relativeTolerance << ")";
                throw std::runtime_error(ss.str());
            }
            applyComposite(op, p, q);
            const double pq = dot(geo, p, q);
            if (!(pq > 0.0) || !(rz > 0.0))
                throw std::runtime_error(
                    "grid conductor: conjugate gradients broke down (operator or preconditioner not positive "
                    "definite)");
            const double alpha = rz / pq;
            axpy(geo, alpha, p, x);
            axpy(geo, -alpha, q, r);
            ++it;
            rel = std::sqrt(dot(geo, r, r)) / bNorm;
            if (rel <= settings.relativeTolerance) break;
            mg.apply(r.v, r.c, z.v, z.c);
            const double rzNew = dot(geo, r, z);
            xpby(geo, z, rzNew / rz, p);
            rz = rzNew;
        }
        // Final residual from scratch.
        applyComposite(op, x, q);
        for (int c = 0; c < geo.contactCount; ++c) q.c[c] -= contactCurrentsMa[c];
        out.report.relativeResidual = std::sqrt(dot(geo, q, q)) / bNorm;
        if (!(out.report.relativeResidual <= 10.0 * settings.relativeTolerance)) {
            std::ostringstream ss;
            ss << "grid conductor: recomputed relative residual " << out.report.relativeResidual
               << " above the tolerance " << settings.relativeTolerance;
            throw std::runtime_error(ss.str());
        }
    }
    out.report.iterations = it;
    out.cellPotential = std::move(x.v);
    out.contactPotential = x.c;
    for (int c = 0; c < geo.contactCount; ++c)
        if (!op.contactOn[c]) out.contactPotential[c] = std::numeric_limits<double>::quiet_NaN();
    out.report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

}  // namespace dbsprog::field::grid
