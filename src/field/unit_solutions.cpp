#include "dbsprog/field/unit_solutions.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace dbsprog::field {

namespace {
// |E| is formed block by block so the three gradient components stay in L1 (and on the stack).
constexpr Eigen::Index kMagnitudeBlock = 256;
}  // namespace

UnitSolutions::UnitSolutions(const VolumeConductor& conductor, Eigen::Matrix3Xd pointsMm, bool withGradient,
                             int threads)
    : points_(std::move(pointsMm)), unit_(conductor.unitFields(points_, withGradient, threads)) {}

void UnitSolutions::checkCurrents(const Eigen::Ref<const Eigen::VectorXd>& currentsMa, Eigen::Index outSize,
                                  bool needsGradient) const {
    if (currentsMa.size() != contactCount())
        throw std::invalid_argument("UnitSolutions: " + std::to_string(currentsMa.size()) + " currents for " +
                                    std::to_string(contactCount()) + " contacts");
    if (outSize != pointCount())
        throw std::invalid_argument("UnitSolutions: output of " + std::to_string(outSize) + " for " +
                                    std::to_string(pointCount()) + " points");
    if (needsGradient && !hasGradient())
        throw std::invalid_argument("UnitSolutions: built without gradients");
}

void UnitSolutions::potentialV(const Eigen::Ref<const Eigen::VectorXd>& currentsMa,
                               Eigen::Ref<Eigen::VectorXd> out) const {
    checkCurrents(currentsMa, out.size(), false);
    // out = sum over contacts carrying current of I_c * column c (programs drive few contacts, and the
    // product is memory-bound, so skipping the idle columns is the saving).
    out.setZero();
    for (int c = 0; c < contactCount(); ++c)
        if (currentsMa[c] != 0.0) out.noalias() += currentsMa[c] * unit_.potentialVPerMa.col(c);
}

Eigen::VectorXd UnitSolutions::potentialV(const Eigen::Ref<const Eigen::VectorXd>& currentsMa) const {
    Eigen::VectorXd out(pointCount());
    potentialV(currentsMa, out);
    return out;
}

void UnitSolutions::gradientVPerMm(const Eigen::Ref<const Eigen::VectorXd>& currentsMa,
                                   Eigen::Ref<Eigen::Matrix3Xd> out) const {
    checkCurrents(currentsMa, out.cols(), true);
    for (int d = 0; d < 3; ++d) out.row(d).transpose().noalias() = unit_.gradientVPerMmPerMa[d] * currentsMa;
}

void UnitSolutions::fieldMagnitudeVPerMm(const Eigen::Ref<const Eigen::VectorXd>& currentsMa,
                                         Eigen::Ref<Eigen::VectorXd> out) const {
    checkCurrents(currentsMa, out.size(), true);
    const Eigen::Index n = pointCount();
    const int contactsN = contactCount();
    // Plain loops over column-major N x C storage (vectorised by the compiler); a block of gradient
    // components lives on the stack, so nothing is allocated per call.
    alignas(64) double g[3][kMagnitudeBlock];
    for (Eigen::Index start = 0; start < n; start += kMagnitudeBlock) {
        const Eigen::Index len = std::min(kMagnitudeBlock, n - start);
        for (int d = 0; d < 3; ++d) {
            std::fill(g[d], g[d] + len, 0.0);
            for (int c = 0; c < contactsN; ++c) {
                const double current = currentsMa[c];
                if (current == 0.0) continue;
                const double* column = unit_.gradientVPerMmPerMa[d].col(c).data() + start;
                for (Eigen::Index i = 0; i < len; ++i) g[d][i] += current * column[i];
            }
        }
        // Eigen's array sqrt vectorises (std::sqrt in a loop does not, for errno's sake).
        const Eigen::Map<const Eigen::ArrayXd> gx(g[0], len), gy(g[1], len), gz(g[2], len);
        out.segment(start, len).array() = (gx.square() + gy.square() + gz.square()).sqrt();
    }
}

Eigen::VectorXd UnitSolutions::fieldMagnitudeVPerMm(const Eigen::Ref<const Eigen::VectorXd>& currentsMa) const {
    Eigen::VectorXd out(pointCount());
    fieldMagnitudeVPerMm(currentsMa, out);
    return out;
}

}  // namespace dbsprog::field
