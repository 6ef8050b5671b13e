// The per-frame criterion (models/axons/activation.json) against the MRG cable model it stands in
// for, outside the reference point it was fitted to: straight axons past a point source
// (sigma 0.2 S/m), cathodic. This documents how far the fast model can be trusted; dbsprog's
// `threshold` command uses the MRG model itself.
#include <gtest/gtest.h>

#include <cmath>

#include "dbsprog/field/volume_conductor.hpp"
#include "dbsprog/tissue/activation.hpp"
#include "dbsprog/tissue/mrg_axon.hpp"

using namespace dbsprog;

namespace {
constexpr double kPi = 3.14159265358979323846;
constexpr double kSigma = 0.2;

/// One "contact": a point source at the origin (no lead body).
class PointSource final : public field::VolumeConductor {
public:
    PointSource() {
        lead_.id = "point";
        lead_.diameterMm = 0.0;
        lead_.contacts.resize(1);
    }
    const device::Lead& lead() const override { return lead_; }
    std::string description() const override { return "point source"; }
    field::UnitFields unitFields(const Eigen::Matrix3Xd& p, bool, int) const override {
        field::UnitFields f;
        f.potentialVPerMa.resize(p.cols(), 1);
        for (Eigen::Index i = 0; i < p.cols(); ++i) f.potentialVPerMa(i, 0) = 1.0 / (4 * kPi * kSigma * p.col(i).norm());
        return f;
    }
    Eigen::MatrixXd contactPotentialsVPerMa() const override { return Eigen::MatrixXd::Zero(1, 1); }
    bool insideLead(const Eigen::Vector3d&) const override { return false; }

private:
    device::Lead lead_;
};
}  // namespace

TEST(FastVersusMrg, ThresholdsAcrossDiametersDistancesAndPulseWidths) {
    const auto params = tissue::defaultActivationParams(DBSPROG_TEST_MODELS_DIR);
    const auto mrg = tissue::loadMrgModel(std::string(DBSPROG_TEST_MODELS_DIR) + "/axons/mrg.json");
    const PointSource source;
    const auto pointSource = [](const Eigen::Vector3d& p) { return 1.0 / (4 * kPi * kSigma * p.norm()); };
    double sumSq = 0.0, worst = 0.0;
    int n = 0;
    for (double d : {3.0, 5.7, 10.0})
        for (double r : {2.0, 3.0, 4.0})
            for (double pw : {60.0, 210.0}) {
                const tissue::MrgAxon axon(mrg, d, {Eigen::Vector3d(r, -15, 0), Eigen::Vector3d(r, 15, 0)});
                const double reference = tissue::thresholdMa(axon, pointSource, pw, tissue::Polarity::Cathodic);
                // The fast model on the same 60 mm extent (MRG extends a segment by half its length each side),
                // with a node at the closest point.
                const double internode = params.internodeMm(d);
                const double half = std::floor(30.0 / internode) * internode;
                tissue::ActivationEngine engine(source, {{"axon", {{{Eigen::Vector3d(r, -half, 0), Eigen::Vector3d(r, half, 0)}, d}}}}, params);
                const double fast = engine.thresholdAmplitudes(Eigen::VectorXd::Constant(1, -1.0), pw).at(0);
                const double err = std::log(fast / reference);
                std::printf("  %4.1f um %.0f mm %3.0f us: MRG %.3f mA, fast %.3f mA (%+.0f %%)\n", d, r, pw, reference, fast,
                            100 * (fast / reference - 1));
                sumSq += err * err;
                worst = std::max(worst, std::fabs(err));
                ++n;
            }
    const double rms = std::sqrt(sumSq / n);
    std::printf("  fast vs MRG: rms %.0f %%, worst %.0f %% (log error)\n", 100 * rms, 100 * worst);
    // Measured when this test was written: rms 13 %, worst 33 % (10 um at 2 mm, 60 us: the fast
    // model's thresholds for large fibres near the lead are too low). The bounds hold that line.
    EXPECT_LT(rms, 0.18);
    EXPECT_LT(worst, 0.40);
}
