#include "dbsprog/tissue/activation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "dbsprog/error.hpp"
#include "dbsprog/field/volume_conductor.hpp"
#include "dbsprog/io/paths.hpp"
#include "io/json_reader.hpp"
#include "util/parallel.hpp"

namespace dbsprog::tissue {

namespace {
// Sample times of a decaying (voltage-mode) pulse at which the peak depolarisation is sought.
constexpr int kDecayingPulseSamples = 4;
}  // namespace

namespace {
constexpr double kPi = 3.14159265358979323846;

}  // namespace

double ActivationParams::internodeMm(double diameterUm) const {
    const auto& t = internodeUmByDiameterUm;
    if (diameterUm <= t.front().first) return 1e-3 * t.front().second * diameterUm / t.front().first;
    if (diameterUm >= t.back().first) return 1e-3 * t.back().second;
    for (size_t i = 1; i < t.size(); ++i)
        if (diameterUm <= t[i].first) {
            const double f = (diameterUm - t[i - 1].first) / (t[i].first - t[i - 1].first);
            return 1e-3 * (t[i - 1].second + f * (t[i].second - t[i - 1].second));
        }
    return 1e-3 * t.back().second;
}

double ActivationParams::thresholdMv(double diameterUm) const {
    return thresholdDepolarizationMv * std::pow(diameterUm / thresholdReferenceDiameterUm, thresholdDiameterExponent);
}

ActivationParams loadActivationParams(const std::string& path) {
    const auto doc = io::JsonReader::parse(io::readFile(path), path);
    ActivationParams p;
    p.membraneTimeConstantUs = doc.positive("membrane_time_constant_us", 1e6);
    p.axialTimeConstantUs = doc.positive("axial_time_constant_us", 1e6);
    p.thresholdDepolarizationMv = doc.positive("threshold_depolarization_mV", 1000.0);
    p.thresholdReferenceDiameterUm = doc.positive("threshold_reference_diameter_um", 50.0);
    p.thresholdDiameterExponent = doc.number("threshold_diameter_exponent", -3.0, 3.0);
    const auto table = doc.object("internode_length");
    const auto d = table.numberList("fiber_diameters_um", 0.1, 50.0);
    const auto l = table.numberList("internode_lengths_um", 1.0, 5000.0);
    if (d.empty() || d.size() != l.size())
        table.fail("internode_lengths_um", "one length per diameter in fiber_diameters_um (" + std::to_string(d.size()) + ")");
    for (size_t i = 0; i < d.size(); ++i) {
        if (i > 0 && d[i] <= d[i - 1]) table.fail("fiber_diameters_um", "increasing diameters");
        p.internodeUmByDiameterUm.emplace_back(d[i], l[i]);
    }
    return p;
}

ActivationParams defaultActivationParams(const std::string& modelsDir) {
    return loadActivationParams(modelsDir + "/axons/activation.json");
}

Eigen::MatrixXd cableResponseMatrix(int nodes, double pulseWidthUs, const ActivationParams& params, double decayTauUs) {
    // Passive cable, node n: tau_a dV_n/dt = -(tau_a/tau_m) V_n + (L (V + Ve))_n, V(0) = 0, where L is the
    // second difference with sealed ends (McNeal 1976 with a linear node). With A = 1/tau_m - L/tau_a,
    // V(T) = A^-1 (1 - exp(-A T)) L Ve / tau_a. -L is diagonalised by the DCT-II basis:
    // q_k(j) = cos(pi k (j + 1/2) / N), eigenvalue mu_k = 2 - 2 cos(pi k / N).
    const int n = nodes;
    Eigen::MatrixXd q(n, n);
    Eigen::VectorXd gain(n);
    for (int k = 0; k < n; ++k) {
        const double norm = std::sqrt((k == 0 ? 1.0 : 2.0) / n);
        for (int j = 0; j < n; ++j) q(j, k) = norm * std::cos(kPi * k * (j + 0.5) / n);
        const double mu = 2.0 - 2.0 * std::cos(kPi * k / n);
        const double lambdaPerUs = 1.0 / params.membraneTimeConstantUs + mu / params.axialTimeConstantUs;
        // Mode k integrates the stimulus w(t) with kernel exp(-lambda (T - t)): for w = 1 that is
        // (1 - exp(-lambda T)) / lambda; for w = exp(-delta t), (exp(-delta T) - exp(-lambda T)) / (lambda - delta).
        const double delta = decayTauUs > 0.0 ? 1.0 / decayTauUs : 0.0;
        const double T = pulseWidthUs, d = lambdaPerUs - delta;
        const double integral = std::abs(d * T) < 1e-9 ? T * std::exp(-lambdaPerUs * T)
                                                        : (std::exp(-delta * T) - std::exp(-lambdaPerUs * T)) / d;
        gain(k) = -(mu / params.axialTimeConstantUs) * integral;
    }
    return q * gain.asDiagonal() * q.transpose();
}

struct ActivationEngine::PulseCache {
    /// total nodes x contacts: node depolarisation (V) per mA on each contact. Row-major: each node's
    /// response is one contiguous dot product. Single precision (relative 1e-7, far below any model
    /// error) halves the memory each evaluation streams through.
    /// A decaying pulse's depolarisation can peak before its end, so it is sampled at `samples`
    /// times (T/samples .. T): each axon's rows are its nodes at each sample time.
    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> responseVPerMa;
    int samples = 1;
};

ActivationEngine::ActivationEngine(const field::VolumeConductor& conductor, std::vector<AxonBundle> bundles,
                                   ActivationParams params, int threads)
    : params_(std::move(params)), threads_(std::max(1, threads)) {
    for (auto& bundle : bundles) {
        AxonBundle kept{bundle.name, {}};
        for (auto& axon : bundle.axons) {
            AxonNodes an{sampleNodes(axon.pathMm, params_.internodeMm(axon.diameterUm)), axon.diameterUm};
            const bool throughLead = std::any_of(an.nodesMm.begin(), an.nodesMm.end(),
                                                 [&](const Eigen::Vector3d& p) { return conductor.insideLead(p); });
            if (throughLead) {
                ++droppedAxons_;
                continue;
            }
            axonBundle_.push_back(static_cast<int>(bundles_.size()));
            axonNodes_.push_back(std::move(an));
            kept.axons.push_back(std::move(axon));
        }
        bundles_.push_back(std::move(kept));
    }
    nodeOffset_.push_back(0);
    for (const auto& an : axonNodes_) nodeOffset_.push_back(nodeOffset_.back() + static_cast<int>(an.nodesMm.size()));
    Eigen::Matrix3Xd points(3, nodeOffset_.back());
    for (size_t a = 0; a < axonNodes_.size(); ++a)
        for (size_t i = 0; i < axonNodes_[a].nodesMm.size(); ++i) points.col(nodeOffset_[a] + static_cast<int>(i)) = axonNodes_[a].nodesMm[i];
    unitPotentialsV_ = conductor.unitFields(points, false, threads_).potentialVPerMa;
}

ActivationEngine::~ActivationEngine() = default;

int ActivationEngine::axonCount() const { return static_cast<int>(axonNodes_.size()); }
int ActivationEngine::nodeCount() const { return nodeOffset_.back(); }

const ActivationEngine::PulseCache& ActivationEngine::responseFor(double pulseWidthUs, double decayTauUs) const {
    if (!(pulseWidthUs > 0.0)) throw InputError("activation", "pulse width", std::to_string(pulseWidthUs) + " us", "> 0 us");
    const std::pair<long long, long long> key{std::llround(pulseWidthUs * 1000.0), std::llround(decayTauUs * 1000.0)};
    std::lock_guard<std::mutex> lock(cacheMutex_);
    if (auto it = cache_.find(key); it != cache_.end()) return *it->second;
    auto entry = std::make_unique<PulseCache>();
    // A rectangular pulse's response rises monotonically: its end is its peak.
    const int samples = decayTauUs > 0.0 ? kDecayingPulseSamples : 1;
    entry->samples = samples;
    entry->responseVPerMa.resize(unitPotentialsV_.rows() * samples, unitPotentialsV_.cols());
    std::map<std::pair<int, int>, Eigen::MatrixXd> byNodeCount;  // (nodes, sample): axons of a bundle mostly share a node count
    for (size_t a = 0; a < axonNodes_.size(); ++a) {
        const int n = nodeOffset_[a + 1] - nodeOffset_[a];
        for (int j = 0; j < samples; ++j)
            if (!byNodeCount.count({n, j}))
                byNodeCount.emplace(std::make_pair(n, j),
                                    cableResponseMatrix(n, pulseWidthUs * (j + 1) / samples, params_, decayTauUs));
    }
    util::parallelFor(axonCount(), threads_, [&](int begin, int end) {
        for (int a = begin; a < end; ++a) {
            const int n = nodeOffset_[a + 1] - nodeOffset_[a];
            for (int j = 0; j < samples; ++j)
                entry->responseVPerMa.middleRows(samples * nodeOffset_[a] + j * n, n) =
                    (byNodeCount.at({n, j}) * unitPotentialsV_.middleRows(nodeOffset_[a], n)).cast<float>();
        }
    });
    return *cache_.emplace(key, std::move(entry)).first->second;
}

template <int kContacts>
void ActivationEngine::peakDepolarizations(const float* response, int samples, const float* currents, Result& r) const {
    const int contacts = kContacts > 0 ? kContacts : static_cast<int>(unitPotentialsV_.cols());
    const float* row = response;
    for (int a = 0; a < axonCount(); ++a) {
        float peak = -std::numeric_limits<float>::infinity();
        for (int node = samples * nodeOffset_[a]; node < samples * nodeOffset_[a + 1]; ++node, row += contacts) {
            float v = 0.0f;
            for (int c = 0; c < (kContacts > 0 ? kContacts : contacts); ++c) v += row[c] * currents[c];
            peak = std::max(peak, v);
        }
        r.peakDepolarizationMv[a] = static_cast<double>(peak) * 1e3;
        r.axonFired[a] = r.peakDepolarizationMv[a] >= params_.thresholdMv(axonNodes_[a].diameterUm);
    }
}

ActivationEngine::Result ActivationEngine::evaluate(const Eigen::VectorXd& contactCurrentsMa, double pulseWidthUs,
                                                   double decayTauUs) const {
    if (contactCurrentsMa.size() != unitPotentialsV_.cols())
        throw InputError("activation", "contact currents", std::to_string(contactCurrentsMa.size()) + " values",
                         std::to_string(unitPotentialsV_.cols()) + " (one per lead contact)");
    const auto& cache = responseFor(pulseWidthUs, decayTauUs);
    const auto& response = cache.responseVPerMa;
    Result r;
    r.axonFired.assign(axonNodes_.size(), 0);
    r.peakDepolarizationMv.assign(axonNodes_.size(), 0.0);
    // One pass on the calling thread, with no allocation (~0.2 ms for 100,000 nodes, less than starting
    // workers costs), so the result cannot depend on a thread count. The common lead sizes get a
    // fixed-size inner loop the compiler unrolls.
    const Eigen::VectorXf currents = contactCurrentsMa.cast<float>();
    switch (currents.size()) {
        case 4: peakDepolarizations<4>(response.data(), cache.samples, currents.data(), r); break;
        case 8: peakDepolarizations<8>(response.data(), cache.samples, currents.data(), r); break;
        default: peakDepolarizations<0>(response.data(), cache.samples, currents.data(), r); break;
    }
    r.fractionActivated.assign(bundles_.size(), 0.0);
    std::vector<int> counts(bundles_.size(), 0);
    for (size_t a = 0; a < axonNodes_.size(); ++a) {
        counts[axonBundle_[a]]++;
        r.fractionActivated[axonBundle_[a]] += r.axonFired[a];
    }
    for (size_t b = 0; b < bundles_.size(); ++b)
        r.fractionActivated[b] = counts[b] ? r.fractionActivated[b] / counts[b] : 0.0;
    return r;
}

std::vector<double> ActivationEngine::thresholdAmplitudes(const Eigen::VectorXd& unitCurrentsMa, double pulseWidthUs,
                                                          double decayTauUs) const {
    const Result unit = evaluate(unitCurrentsMa, pulseWidthUs, decayTauUs);
    std::vector<double> out(unit.peakDepolarizationMv.size());
    for (size_t a = 0; a < out.size(); ++a)
        out[a] = unit.peakDepolarizationMv[a] > 0.0 ? params_.thresholdMv(axonNodes_[a].diameterUm) / unit.peakDepolarizationMv[a]
                                                    : std::numeric_limits<double>::infinity();
    return out;
}

}  // namespace dbsprog::tissue
