#include "dbsprog/field/homogeneous_conductor.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

#include "dbsprog/error.hpp"
#include "util/parallel.hpp"
#include "surface_solution.hpp"

namespace dbsprog::field {

// Ring leads: the struct's defaults. On the 3389 reference (tests/field, "Discretisation...") they give
// 0.035% (potential) and 0.071% (|E|) worst error on the radial line and 0.054% on the contact
// potential; halving every size again changes results by < 0.04%.
BemDiscretisation BemDiscretisation::ringLeadDefaults() { return BemDiscretisation{}; }

// Segmented leads solve rows x sectors panels, so rows are coarser: on the 3389 these sizes still give
// 0.046% / 0.096% mean error (0.14% / 0.31% worst, at 1 mm), well inside the 3% target.
BemDiscretisation BemDiscretisation::directionalLeadDefaults() {
    BemDiscretisation d;
    d.edgePanelMm = 0.01;
    d.growthRatio = 1.5;
    d.maxPanelMm = 0.15;
    return d;
}

BemDiscretisation BemDiscretisation::defaultsFor(const device::Lead& lead) {
    const bool segmented = std::any_of(lead.contacts.begin(), lead.contacts.end(), [](const device::Contact& c) {
        return c.shape == device::ContactShape::Segment;
    });
    return segmented ? directionalLeadDefaults() : ringLeadDefaults();
}

HomogeneousConductor::HomogeneousConductor(device::Lead lead, HomogeneousSettings settings)
    : lead_(std::move(lead)), sigmaSPerM_(settings.sigmaSPerM) {
    if (!(sigmaSPerM_ > 0.0) || !std::isfinite(sigmaSPerM_))
        throw InputError("homogeneous conductor", "sigma_S_per_m", std::to_string(sigmaSPerM_), "a conductivity > 0");
    solution_ = detail::solveSurface(lead_, settings.discretisation.value_or(BemDiscretisation::defaultsFor(lead_)),
                                     settings.inactiveContacts);
}

HomogeneousConductor::HomogeneousConductor(device::Lead lead, double sigmaSPerM,
                                           std::shared_ptr<const detail::SurfaceSolution> s)
    : lead_(std::move(lead)), sigmaSPerM_(sigmaSPerM), solution_(std::move(s)) {}

HomogeneousConductor HomogeneousConductor::withConductivity(double sigmaSPerM) const {
    if (!(sigmaSPerM > 0.0) || !std::isfinite(sigmaSPerM))
        throw InputError("homogeneous conductor", "sigma_S_per_m", std::to_string(sigmaSPerM), "a conductivity > 0");
    return HomogeneousConductor(lead_, sigmaSPerM, solution_);
}

InactiveContacts HomogeneousConductor::inactiveContacts() const { return solution_->mode; }

const BemStats& HomogeneousConductor::stats() const { return solution_->stats; }

std::string HomogeneousConductor::description() const {
    std::ostringstream s;
    s << "homogeneous (boundary elements), sigma " << sigmaSPerM_ << " S/m, inactive contacts "
      << toString(solution_->mode) << ", lead " << lead_.id << " (" << solution_->stats.rows << " rows x "
      << solution_->stats.sectors << " sectors" << (solution_->stats.segmentEdgesSnapped ? ", segment edges snapped" : "")
      << ")";
    return s.str();
}

bool HomogeneousConductor::insideLead(const Eigen::Vector3d& p) const {
    const double a = solution_->mesh.radiusMm;
    const double rho2 = p.x() * p.x() + p.y() * p.y();
    if (p.z() >= a) return rho2 < a * a;  // the shaft runs on beyond the modelled cap
    const double dz = p.z() - a;
    return rho2 + dz * dz < a * a;
}

UnitFields HomogeneousConductor::unitFields(const Eigen::Matrix3Xd& pointsMm, bool withGradient, int threads) const {
    const Eigen::Index n = pointsMm.cols();
    const int contactsN = contactCount();
    UnitFields out;
    out.potentialVPerMa.resize(n, contactsN);
    if (withGradient)
        for (auto& g : out.gradientVPerMmPerMa) g.resize(n, contactsN);
    const double scale = 1.0 / sigmaSPerM_;  // unit solutions are per 1 mA / (1 S/m)
    auto work = [&](Eigen::Index begin, Eigen::Index end) {
        detail::SurfaceEvaluator evaluator(*solution_, withGradient);
        std::vector<double> pot(contactsN), grad(3 * contactsN);
        for (Eigen::Index i = begin; i < end; ++i) {
            const Eigen::Vector3d p = pointsMm.col(i);
            if (insideLead(p) || !p.allFinite()) {
                out.potentialVPerMa.row(i).setConstant(std::numeric_limits<double>::quiet_NaN());
                if (withGradient)
                    for (auto& g : out.gradientVPerMmPerMa) g.row(i).setConstant(std::numeric_limits<double>::quiet_NaN());
                continue;
            }
            evaluator.evaluate(p, pot.data(), grad.data());
            for (int c = 0; c < contactsN; ++c) {
                out.potentialVPerMa(i, c) = scale * pot[c];
                if (withGradient)
                    for (int d = 0; d < 3; ++d) out.gradientVPerMmPerMa[d](i, c) = scale * grad[d * contactsN + c];
            }
        }
    };
    util::parallelFor(n, threads, work);
    return out;
}

Eigen::MatrixXd HomogeneousConductor::contactPotentialsVPerMa() const {
    return solution_->contactPotential / sigmaSPerM_;
}

}  // namespace dbsprog::field
