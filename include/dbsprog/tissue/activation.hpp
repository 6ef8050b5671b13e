#pragma once
/// Which axons fire: the activating function (second difference of the extracellular potential along
/// the nodes, Rattay) drives a passive myelinated cable for the duration of the pulse; the axon fires
/// when the depolarisation it produces at any node reaches a threshold. This is the "weighted
/// activating function" (driving function) of Warman, Grill & Durand 1992 and Peterson, Izad & Tyler
/// 2011: the weights are the cable's response, so the strength-duration curve (pulse width), the
/// diameter dependence (node spacing) and the polarity dependence (anodic stimulation acts through the
/// weaker flanking lobes of the activating function) all come from the cable, not from a table.
/// Its three parameters are calibrated against the MRG axon model (models/axons/activation.json).
///
/// The model is linear in the stimulus, so superposition carries through: for each axon the node
/// responses are a fixed matrix times the contact currents, built once per pulse width.
#include <Eigen/Core>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "dbsprog/tissue/axon.hpp"

namespace dbsprog::field {
class VolumeConductor;
}

namespace dbsprog::tissue {

/// Parameters of the cable criterion (models/axons/activation.json; none is a published number:
/// each is fitted, see the file's "calibration").
struct ActivationParams {
    double membraneTimeConstantUs = 0.0;      ///< node membrane time constant (C / G_m), microseconds
    double axialTimeConstantUs = 0.0;         ///< node capacitance over internodal axial conductance, microseconds
    double thresholdDepolarizationMv = 0.0;   ///< depolarisation at the end of the pulse that fires the axon, mV
    double thresholdReferenceDiameterUm = 5.7;  ///< the fibre diameter thresholdDepolarizationMv is for
    /// The threshold scales as (diameter / reference)^exponent: the passive cable alone makes large
    /// fibres too easy to fire compared with the MRG model.
    double thresholdDiameterExponent = 0.0;

    /// Depolarisation (mV) that fires a fibre of this diameter.
    double thresholdMv(double diameterUm) const;
    /// Internodal length vs fibre diameter (McIntyre 2002 table), interpolated linearly; below the
    /// smallest diameter, proportional to diameter.
    std::vector<std::pair<double, double>> internodeUmByDiameterUm;

    double internodeMm(double diameterUm) const;
};

ActivationParams loadActivationParams(const std::string& path);
/// models/axons/activation.json under `modelsDir`.
ActivationParams defaultActivationParams(const std::string& modelsDir);

/// Response matrix of an N-node passive cable with sealed ends: depolarisation (V) at every node at
/// the end of a pulse of `pulseWidthUs`, per volt of extracellular potential at every node (at the
/// pulse's start). `decayTauUs` > 0: the stimulus decays as exp(-t / decayTauUs) during the pulse (a
/// voltage-controlled pulse through the series capacitance of the electrode interface); 0: rectangular.
Eigen::MatrixXd cableResponseMatrix(int nodes, double pulseWidthUs, const ActivationParams& params,
                                    double decayTauUs = 0.0);

/// Node positions and cable response for one axon.
struct AxonNodes {
    std::vector<Eigen::Vector3d> nodesMm;
    double diameterUm = 0.0;
};

/// A named bundle of axons of one fibre diameter (a pathway), as anatomy files give them.
struct AxonBundle {
    std::string name;
    std::vector<Axon> axons;
};

/// Activation of bundles of axons around one lead: unit potentials at every node computed once; then
/// per pulse width a response matrix (sum of node counts x contacts); then per program one product.
class ActivationEngine {
public:
    ActivationEngine(const field::VolumeConductor& conductor, std::vector<AxonBundle> bundles, ActivationParams params,
                     int threads = 1);
    ~ActivationEngine();
    ActivationEngine(const ActivationEngine&) = delete;
    ActivationEngine& operator=(const ActivationEngine&) = delete;

    struct Result {
        std::vector<double> fractionActivated;   ///< per bundle, 0..1
        std::vector<unsigned char> axonFired;    ///< per axon, bundles in order
        std::vector<double> peakDepolarizationMv;  ///< per axon: the largest node depolarisation
    };

    /// `contactCurrentsMa`: signed current per lead contact (cathodic negative), case takes the rest.
    /// `decayTauUs`: see cableResponseMatrix (0: rectangular pulse).
    Result evaluate(const Eigen::VectorXd& contactCurrentsMa, double pulseWidthUs, double decayTauUs = 0.0) const;

    /// For a program shape (contact currents at amplitude 1: `unitCurrentsMa`), the amplitude at which
    /// each axon fires (infinity if it never depolarises). Exact: the model is linear in amplitude.
    std::vector<double> thresholdAmplitudes(const Eigen::VectorXd& unitCurrentsMa, double pulseWidthUs,
                                            double decayTauUs = 0.0) const;

    int axonCount() const;
    int nodeCount() const;
    /// Axons left out because a node fell inside the lead body (the implant displaced them).
    int droppedAxonCount() const { return droppedAxons_; }
    const std::vector<AxonBundle>& bundles() const { return bundles_; }
    const std::vector<AxonNodes>& axonNodes() const { return axonNodes_; }
    const ActivationParams& params() const { return params_; }

private:
    struct PulseCache;
    const PulseCache& responseFor(double pulseWidthUs, double decayTauUs) const;
    /// Per axon, the largest node depolarisation: response rows (node x contact) dotted with the currents.
    template <int kContacts>
    void peakDepolarizations(const float* response, int samples, const float* currents, Result& r) const;

    std::vector<AxonBundle> bundles_;
    std::vector<AxonNodes> axonNodes_;
    std::vector<int> axonBundle_;
    std::vector<int> nodeOffset_;        ///< first row of each axon; back() = total nodes
    Eigen::MatrixXd unitPotentialsV_;    ///< total nodes x contacts, V per mA
    ActivationParams params_;
    int threads_ = 1;
    int droppedAxons_ = 0;
    mutable std::mutex cacheMutex_;
    mutable std::map<std::pair<long long, long long>, std::unique_ptr<PulseCache>> cache_;  ///< by (pulse width, decay) in ns
};

}  // namespace dbsprog::tissue
