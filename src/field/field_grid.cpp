#include "dbsprog/field/field_grid.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cmath>

#include "dbsprog/error.hpp"
#include "util/parallel.hpp"

namespace dbsprog::field {

RegionGrid RegionGrid::cube(const Eigen::Vector3d& centreMm, double sideMm, double spacingMm) {
    if (!(spacingMm > 0.0) || !(sideMm >= spacingMm))
        throw InputError("region grid", "spacing", std::to_string(spacingMm) + " mm", "> 0 and at most the side (" + std::to_string(sideMm) + " mm)");
    int n = static_cast<int>(std::lround(sideMm / spacingMm)) + 1;
    if (n % 2 == 0) ++n;
    RegionGrid g;
    g.spacingMm = spacingMm;
    g.dims = {n, n, n};
    g.originMm = centreMm - Eigen::Vector3d::Constant(0.5 * (n - 1) * spacingMm);
    return g;
}

io::Volume RegionGrid::emptyVolume() const {
    io::Volume v;
    v.dims = dims;
    v.spacingMm = {spacingMm, spacingMm, spacingMm};
    v.originMm = originMm;
    v.values.assign(voxelCount(), 0.0f);
    return v;
}

FieldGrid::FieldGrid(const VolumeConductor& conductor, RegionGrid grid, int threads)
    : grid_(grid), contacts_(conductor.contactCount()), threads_(std::max(1, threads)) {
    for (int d = 0; d < 3; ++d)
        if (grid_.dims[d] < 3 || grid_.dims[d] % 2 == 0)
            throw InputError("region grid", "dims[" + std::to_string(d) + "]", std::to_string(grid_.dims[d]),
                             "an odd number >= 3 (every other voxel forms the half-resolution grid)");
    if (!(grid_.spacingMm > 0.0)) throw InputError("region grid", "spacing", std::to_string(grid_.spacingMm), "> 0 mm");
    const size_t n = grid_.voxelCount();
    Eigen::Matrix3Xd points(3, static_cast<Eigen::Index>(n));
    for (int k = 0; k < grid_.dims[2]; ++k)
        for (int j = 0; j < grid_.dims[1]; ++j)
            for (int i = 0; i < grid_.dims[0]; ++i) points.col(static_cast<Eigen::Index>(grid_.index(i, j, k))) = grid_.pointMm(i, j, k);
    const UnitFields unit = conductor.unitFields(points, true, threads_);
    gradient_.assign(n * contacts_ * 3, 0.0f);
    potential_.assign(n * contacts_, 0.0f);
    std::vector<unsigned char> inside(n, 0);
    for (size_t v = 0; v < n; ++v) {
        const auto e = static_cast<Eigen::Index>(v);
        if (!std::isfinite(unit.potentialVPerMa(e, 0))) {  // inside the lead body: no tissue
            inside[v] = 1;
            continue;
        }
        for (int c = 0; c < contacts_; ++c) {
            potential_[v * contacts_ + c] = static_cast<float>(unit.potentialVPerMa(e, c));
            for (int d = 0; d < 3; ++d) gradient_[(v * contacts_ + c) * 3 + d] = static_cast<float>(unit.gradientVPerMmPerMa[d](e, c));
        }
    }
    // Voxels within two of the lead body: the field is largest at the lead surface and falls off steeply,
    // so the half-resolution grid cannot stand in for them there.
    nearLead_.assign(n, 0);
    const auto& d = grid_.dims;
    for (int k = 0; k < d[2]; ++k)
        for (int j = 0; j < d[1]; ++j)
            for (int i = 0; i < d[0]; ++i) {
                if (!inside[grid_.index(i, j, k)]) continue;
                for (int dk = std::max(0, k - 2); dk <= std::min(d[2] - 1, k + 2); ++dk)
                    for (int dj = std::max(0, j - 2); dj <= std::min(d[1] - 1, j + 2); ++dj)
                        for (int di = std::max(0, i - 2); di <= std::min(d[0] - 1, i + 2); ++di) nearLead_[grid_.index(di, dj, dk)] = 1;
            }
    rowNearLead_.assign(static_cast<size_t>(d[1]) * d[2], 0);
    for (int k = 0; k < d[2]; ++k)
        for (int j = 0; j < d[1]; ++j)
            for (int i = 0; i < d[0]; ++i)
                if (nearLead_[grid_.index(i, j, k)]) rowNearLead_[static_cast<size_t>(k) * d[1] + j] = 1;
}

float FieldGrid::fieldSquared(size_t voxel, const Eigen::VectorXf& currents) const {
    const float* g = &gradient_[voxel * contacts_ * 3];
    float ex = 0.0f, ey = 0.0f, ez = 0.0f;
    for (int c = 0; c < contacts_; ++c, g += 3) {
        ex += currents[c] * g[0];
        ey += currents[c] * g[1];
        ez += currents[c] * g[2];
    }
    return ex * ex + ey * ey + ez * ez;
}

std::vector<float> FieldGrid::fieldMagnitude(const Eigen::VectorXd& currentsMa) const {
    const Eigen::VectorXf i = currentsMa.cast<float>();
    std::vector<float> out(grid_.voxelCount());
    for (size_t v = 0; v < out.size(); ++v) out[v] = std::sqrt(fieldSquared(v, i));
    return out;
}

std::vector<float> FieldGrid::potential(const Eigen::VectorXd& currentsMa) const {
    std::vector<float> out(grid_.voxelCount(), 0.0f);
    for (size_t v = 0; v < out.size(); ++v)
        for (int c = 0; c < contacts_; ++c) out[v] += static_cast<float>(currentsMa[c]) * potential_[v * contacts_ + c];
    return out;
}

std::vector<unsigned char> FieldGrid::activatedMask(const Eigen::VectorXd& currentsMa, double thresholdVPerMm) const {
    if (currentsMa.size() != contacts_)
        throw InputError("field grid", "contact currents", std::to_string(currentsMa.size()), std::to_string(contacts_) + " values");
    const Eigen::VectorXf i = currentsMa.cast<float>();
    const float thr2 = static_cast<float>(thresholdVPerMm * thresholdVPerMm);
    const auto& d = grid_.dims;
    std::vector<unsigned char> mask(grid_.voxelCount(), 0);
    // Pass 1: the half-resolution grid (even indices).
    util::parallelFor((d[2] + 1) / 2, threads_, [&](int kb, int ke) {
        for (int k = 2 * kb; k < 2 * ke; k += 2)
            for (int j = 0; j < d[1]; j += 2)
                for (int x = 0; x < d[0]; x += 2) mask[grid_.index(x, j, k)] = fieldSquared(grid_.index(x, j, k), i) >= thr2;
    });
    // Pass 2: every other voxel takes the value its half-resolution neighbours agree on, or is computed.
    // Its neighbours depend only on the parity of (i, j, k): index offsets per parity pattern.
    const std::ptrdiff_t sx = 1, sy = d[0], sz = static_cast<std::ptrdiff_t>(d[0]) * d[1];
    std::array<std::vector<std::ptrdiff_t>, 8> offsets;
    for (int pattern = 1; pattern < 8; ++pattern)
        for (int dk = (pattern & 4 ? -1 : 0); dk <= (pattern & 4 ? 1 : 0); dk += 2)
            for (int dj = (pattern & 2 ? -1 : 0); dj <= (pattern & 2 ? 1 : 0); dj += 2)
                for (int dx = (pattern & 1 ? -1 : 0); dx <= (pattern & 1 ? 1 : 0); dx += 2)
                    offsets[pattern].push_back(dk * sz + dj * sy + dx * sx);
    // Rows of half-resolution voxels with nothing activated: a full-resolution row whose neighbouring
    // half-resolution rows are all empty, and that does not pass the lead, stays empty (most rows).
    const int halfJ = (d[1] + 1) / 2, halfK = (d[2] + 1) / 2;
    std::vector<unsigned char> halfRowAny(static_cast<size_t>(halfJ) * halfK, 0);
    for (int kc = 0; kc < halfK; ++kc)
        for (int jc = 0; jc < halfJ; ++jc) {
            const size_t row = grid_.index(0, 2 * jc, 2 * kc);
            for (int x = 0; x < d[0] && !halfRowAny[static_cast<size_t>(kc) * halfJ + jc]; x += 2)
                halfRowAny[static_cast<size_t>(kc) * halfJ + jc] = mask[row + static_cast<size_t>(x)];
        }
    const auto rowMayBeActive = [&](int j, int k) {
        if (rowNearLead_[static_cast<size_t>(k) * d[1] + j]) return true;
        for (int kc = k / 2; kc <= (k + 1) / 2 && kc < halfK; ++kc)
            for (int jc = j / 2; jc <= (j + 1) / 2 && jc < halfJ; ++jc)
                if (halfRowAny[static_cast<size_t>(kc) * halfJ + jc]) return true;
        return false;
    };
    util::parallelFor(d[2], threads_, [&](int kb, int ke) {
        for (int k = kb; k < ke; ++k)
            for (int j = 0; j < d[1]; ++j) {
                if (!rowMayBeActive(j, k)) continue;
                const int rowPattern = (j % 2) << 1 | (k % 2) << 2;
                size_t v = grid_.index(0, j, k);
                for (int x = 0; x < d[0]; ++x, ++v) {
                    const int pattern = rowPattern | (x % 2);
                    if (pattern == 0) continue;  // a half-resolution voxel, done in pass 1
                    if (nearLead_[v]) {
                        mask[v] = fieldSquared(v, i) >= thr2;
                        continue;
                    }
                    const auto& off = offsets[pattern];
                    int votes = 0;
                    for (const std::ptrdiff_t o : off) votes += mask[static_cast<size_t>(static_cast<std::ptrdiff_t>(v) + o)];
                    mask[v] = (votes == 0 || votes == static_cast<int>(off.size())) ? static_cast<unsigned char>(votes > 0)
                                                                                     : fieldSquared(v, i) >= thr2;
                }
            }
    });
    return mask;
}

double FieldGrid::activatedVolumeMm3(const Eigen::VectorXd& currentsMa, double thresholdVPerMm) const {
    const auto mask = activatedMask(currentsMa, thresholdVPerMm);
    return static_cast<double>(std::count(mask.begin(), mask.end(), 1)) * grid_.voxelVolumeMm3();
}

double FieldGrid::activatedVolumeFullMm3(const Eigen::VectorXd& currentsMa, double thresholdVPerMm) const {
    const Eigen::VectorXf i = currentsMa.cast<float>();
    const float thr2 = static_cast<float>(thresholdVPerMm * thresholdVPerMm);
    size_t count = 0;
    for (size_t v = 0; v < grid_.voxelCount(); ++v) count += fieldSquared(v, i) >= thr2;
    return static_cast<double>(count) * grid_.voxelVolumeMm3();
}

double FieldGrid::fractionInside(const std::vector<unsigned char>& targetMask, const Eigen::VectorXd& currentsMa,
                                 double thresholdVPerMm) const {
    if (targetMask.size() != grid_.voxelCount())
        throw InputError("field grid", "target mask", std::to_string(targetMask.size()) + " voxels", std::to_string(grid_.voxelCount()));
    const auto vta = activatedMask(currentsMa, thresholdVPerMm);
    size_t inside = 0, total = 0;
    for (size_t v = 0; v < vta.size(); ++v)
        if (targetMask[v]) ++total, inside += vta[v];
    return total ? static_cast<double>(inside) / total : 0.0;
}

}  // namespace dbsprog::field
