#pragma once
/// Unit solutions at a fixed set of points, and superposition for any program (DESIGN.md data flow):
///   phi(x_i) = sum_k I_k u_k(x_i),   grad phi(x_i) = sum_k I_k grad u_k(x_i)
/// exact because the tissue model is linear. Evaluating the conductor is the expensive step and is
/// done once per point set; a program then costs one matrix-vector product (N x C, Eigen).
#include <Eigen/Core>

#include "dbsprog/field/volume_conductor.hpp"

namespace dbsprog::field {

class UnitSolutions {
public:
    /// Evaluates the conductor's unit solutions at `pointsMm` (3 x N, lead frame). `withGradient`
    /// also stores the gradients (needed for |E|; four times the memory). `threads` as in
    /// VolumeConductor::unitFields. Points inside the lead give NaN.
    UnitSolutions(const VolumeConductor& conductor, Eigen::Matrix3Xd pointsMm, bool withGradient = true,
                  int threads = 1);

    Eigen::Index pointCount() const { return points_.cols(); }
    int contactCount() const { return static_cast<int>(unit_.potentialVPerMa.cols()); }
    bool hasGradient() const { return unit_.hasGradient(); }
    const Eigen::Matrix3Xd& pointsMm() const { return points_; }
    /// The stored unit fields (N x C per quantity).
    const UnitFields& unitFields() const { return unit_; }

    /// Potential (V) at every point for contact currents `currentsMa` (one per lead contact, mA, the
    /// current leaving the contact into tissue: anodic positive, cathodic negative). The currents need
    /// not sum to zero: the remainder returns through the generator case at infinity (0 V).
    /// `out` must have pointCount() entries. Throws std::invalid_argument on a size mismatch.
    void potentialV(const Eigen::Ref<const Eigen::VectorXd>& currentsMa, Eigen::Ref<Eigen::VectorXd> out) const;
    Eigen::VectorXd potentialV(const Eigen::Ref<const Eigen::VectorXd>& currentsMa) const;

    /// Gradient of the potential (V/mm), 3 x N; E = -gradient. Needs hasGradient().
    void gradientVPerMm(const Eigen::Ref<const Eigen::VectorXd>& currentsMa, Eigen::Ref<Eigen::Matrix3Xd> out) const;

    /// Field magnitude |E| (V/mm) at every point, from the superposed gradient vectors (|E| itself
    /// does not superpose). Needs hasGradient().
    void fieldMagnitudeVPerMm(const Eigen::Ref<const Eigen::VectorXd>& currentsMa,
                              Eigen::Ref<Eigen::VectorXd> out) const;
    Eigen::VectorXd fieldMagnitudeVPerMm(const Eigen::Ref<const Eigen::VectorXd>& currentsMa) const;

private:
    void checkCurrents(const Eigen::Ref<const Eigen::VectorXd>& currentsMa, Eigen::Index outSize,
                       bool needsGradient) const;

    Eigen::Matrix3Xd points_;
    UnitFields unit_;
};

}  // namespace dbsprog::field
