#pragma once
/// The McIntyre-Richardson-Grill (MRG, 2002) myelinated axon: a double cable (axolemma + myelin
/// sheath with a periaxonal space) with fast Na, persistent Na, slow K and leak channels at the nodes,
/// driven by an extracellular potential and integrated as NEURON integrates it (backward Euler,
/// dt 5 us, exponential gate updates). It answers "does this axon fire at this current" and "at
/// what current does it start to fire", and is the physics the fast activation criterion is
/// calibrated on. Parameters and geometry live in models/axons/mrg.json with their sources.
///
/// Sign convention: `unitPotentialV` is the extracellular potential (V) for a unit stimulus of
/// +1 mA leaving the electrode (positive near a monopolar contact). A pulse of amplitude I mA puts
///     phi(x) = s * I * unitPotentialV(x),   s = -1 cathodic, +1 anodic
/// on the axon for the pulse's duration. A unit field that already carries a program's signs
/// (negative near its cathode) is applied as given with Polarity::Anodic (s = +1).
#include <Eigen/Core>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dbsprog::tissue {

namespace detail {
struct MrgGateTable;  // tabulated node kinetics, built once per axon
}

/// One fibre diameter's geometry (lengths and diameters in micrometres).
struct MrgGeometry {
    double fiberDiameterUm = 0.0;
    double axonDiameterUm = 0.0;     ///< STIN and FLUT axon diameter (paraD2 = axonD)
    double nodeDiameterUm = 0.0;     ///< node and MYSA axon diameter (paraD1 = nodeD)
    double internodeLengthUm = 0.0;  ///< node-to-node distance (deltax)
    double flutLengthUm = 0.0;       ///< each of the two FLUT compartments (paralength2)
    double lamellae = 0.0;           ///< myelin lamellae (nl)
    std::string source;              ///< "table: ..." or "interpolation: ..."
};

/// Polynomial y = c2*d^2 + c1*d + c0 of the fibre diameter d (um).
struct MrgQuadratic {
    double c2 = 0.0, c1 = 0.0, c0 = 0.0;
    double operator()(double d) const { return (c2 * d + c1) * d + c0; }
};

/// The model file's contents (models/axons/mrg.json); units in the names.
struct MrgModel {
    std::string id;
    double temperatureC = 0.0;
    double initialPotentialMv = 0.0;
    double timeStepUs = 0.0;
    double axialResistivityOhmCm = 0.0;
    double nodeLengthUm = 0.0;
    double mysaLengthUm = 0.0;
    int stinPerInternode = 0;
    double nodePeriaxonalSpaceUm = 0.0;
    double mysaPeriaxonalSpaceUm = 0.0;
    double flutPeriaxonalSpaceUm = 0.0;
    double stinPeriaxonalSpaceUm = 0.0;
    double axolemmaCapacitanceUfPerCm2 = 0.0;
    double mysaConductanceSPerCm2 = 0.0;
    double flutConductanceSPerCm2 = 0.0;
    double stinConductanceSPerCm2 = 0.0;
    double internodeLeakReversalMv = 0.0;
    double myelinCapacitanceUfPerCm2PerLamella = 0.0;
    double myelinConductanceSPerCm2PerLamella = 0.0;
    double nodePeriaxonalShuntSPerCm2 = 0.0;
    // node channels
    double fastSodiumSPerCm2 = 0.0;
    double persistentSodiumSPerCm2 = 0.0;
    double slowPotassiumSPerCm2 = 0.0;
    double leakSPerCm2 = 0.0;
    double sodiumReversalMv = 0.0;
    double potassiumReversalMv = 0.0;
    double leakReversalMv = 0.0;
    // geometry
    std::vector<MrgGeometry> table;  ///< published rows, ascending diameter
    double interpolationMinUm = 0.0, interpolationMaxUm = 0.0;
    double internodeSmallBelowUm = 0.0;
    MrgQuadratic internodeSmall, internodeLarge, flutLength, lamellae, nodeDiameter, axonDiameter;

    /// The table row for a tabulated diameter (within 1e-6 um), else the interpolation.
    /// Throws InputError outside [interpolationMinUm, interpolationMaxUm].
    MrgGeometry geometry(double fiberDiameterUm) const;
};

/// Parses an MRG model file; `source` names it in errors (InputError on any bad field).
MrgModel parseMrgModel(const std::string& jsonText, const std::string& source);
/// Loads models/axons/mrg.json (or any file of that form).
MrgModel loadMrgModel(const std::string& path);

/// How the axon is laid on the polyline.
struct MrgAxonOptions {
    /// The simulated axon continues the polyline straight beyond each end by this much, mm, so that
    /// its sealed ends sit far from the stimulus: a sealed end near an electrode fires by itself
    /// (with anodic pulses first of all) and would be taken for activation. Negative = automatic:
    /// half the polyline's arc length at each end, i.e. a 20 mm segment is simulated as 40 mm, as
    /// the reference thresholds were. 0 = the polyline alone.
    double extensionMm = -1.0;
    /// Nodes sit at the middle of the polyline's arc length plus this shift, and every internode
    /// length either side of it, as far as the (extended) axon reaches; millimetres.
    double nodeShiftMm = 0.0;
};

/// An MRG axon laid along a polyline (continued straight beyond its ends, see MrgAxonOptions):
/// compartments in chain order (node, MYSA, FLUT, STIN x6, FLUT, MYSA, node, ...), first and last
/// compartments are nodes, sealed ends. Immutable once built.
class MrgAxon {
public:
    /// Throws InputError for a diameter the model does not cover, fewer than 2 distinct points or a
    /// polyline too short for 3 nodes.
    MrgAxon(const MrgModel& model, double fiberDiameterUm, const std::vector<Eigen::Vector3d>& polylineMm,
            const MrgAxonOptions& options = {});

    const MrgModel& model() const { return model_; }
    const MrgGeometry& geometry() const { return geometry_; }
    double fiberDiameterUm() const { return geometry_.fiberDiameterUm; }
    int compartmentCount() const { return static_cast<int>(centresMm_.size()); }
    int nodeCount() const { return static_cast<int>(nodeCompartments_.size()); }
    /// Centre of every compartment, lead frame, mm (where the extracellular potential is sampled).
    const std::vector<Eigen::Vector3d>& compartmentCentresMm() const { return centresMm_; }
    /// Compartment index of each node of Ranvier, in order along the axon.
    const std::vector<int>& nodeCompartments() const { return nodeCompartments_; }
    std::vector<Eigen::Vector3d> nodePositionsMm() const;
    /// First and last node lying on the given polyline (the rest are on the extensions).
    int firstPolylineNode() const { return firstPolylineNode_; }
    int lastPolylineNode() const { return lastPolylineNode_; }

    // Per-compartment electrical constants (internal units: nF, uS, mV, ms).
    struct Compartment {
        double membraneCapacitanceNf = 0.0;
        double leakConductanceUs = 0.0;    ///< passive compartments; 0 at nodes
        double sheathCapacitanceNf = 0.0;  ///< myelin (0 at nodes)
        double sheathConductanceUs = 0.0;  ///< myelin, or the node's periaxonal shunt
        double nodeAreaCm2 = 0.0;          ///< > 0 only at nodes: scales the channel densities
    };
    const std::vector<Compartment>& compartments() const { return compartments_; }
    /// Conductance between compartment k and k+1: axoplasm and periaxonal space, uS.
    const std::vector<double>& axialConductanceUs() const { return axialUs_; }
    const std::vector<double>& periaxonalConductanceUs() const { return periaxialUs_; }
    const detail::MrgGateTable& gateTable() const { return *gateTable_; }

private:
    MrgModel model_;
    MrgGeometry geometry_;
    std::vector<Eigen::Vector3d> centresMm_;
    std::vector<int> nodeCompartments_;
    int firstPolylineNode_ = 0, lastPolylineNode_ = 0;
    std::vector<Compartment> compartments_;
    std::vector<double> axialUs_, periaxialUs_;
    std::shared_ptr<const detail::MrgGateTable> gateTable_;
};

enum class Polarity { Cathodic, Anodic };

/// A caller-supplied potential: volts at a point (lead frame, mm) for +1 mA (see the sign
/// convention above); linear in current.
using PotentialFn = std::function<double(const Eigen::Vector3d& pointMm)>;

/// One monophasic pulse and how its effect is judged.
struct MrgStimulus {
    double pulseWidthUs = 60.0;  ///< pulse width, microseconds (rounded to whole time steps)
    Polarity polarity = Polarity::Cathodic;
    double delayUs = 0.0;        ///< pulse onset after the start of the simulation, microseconds
    /// Action potential detection: a node's membrane potential crossing this upward, mV.
    double detectionMv = -20.0;
    /// Simulated time after the pulse ends, ms; 0 = automatic: 2 ms plus the distance from the
    /// axon's middle to its far end at a slow 2 m/s per um of fibre diameter. Runs stop as soon as
    /// the answer is known (an end fired, or every node settled near rest).
    double afterPulseMs = 0.0;
    /// An AP counts only when its first node lies at least this many nodes away from either end
    /// (never more than half the nodes, so the middle node always counts): the criterion is
    /// "starts near the centre/activated region and propagates to an end".
    int endExclusionNodes = 2;
    /// Stop a run that cannot fire any more: from 0.5 ms after the pulse, once every node has stayed
    /// below rest + 10 mV and changed by less than 2 mV/ms for 0.25 ms. Off: run to the end.
    bool stopWhenSettled = true;
};

/// What one simulation saw.
struct MrgResponse {
    bool fired = false;          ///< an AP that began in the interior reached an end node
    int originNode = -1;         ///< first node to cross detectionMv (-1: none)
    double originTimeMs = -1.0;  ///< when it crossed
    double arrivalTimeMs = -1.0; ///< when the first end node crossed (-1: never)
    double simulatedMs = 0.0;    ///< simulated time before the run stopped
    std::vector<double> nodeCrossingMs;  ///< first upward crossing per node, -1 if none
};

/// Samples a potential function at every compartment centre (V per unit current).
Eigen::VectorXd samplePotential(const MrgAxon& axon, const PotentialFn& unitPotentialV);

/// Simulates one pulse of `amplitudeMa` (>= 0) with the sampled unit potential (V at each
/// compartment, from samplePotential).
MrgResponse simulateMrg(const MrgAxon& axon, const Eigen::VectorXd& unitPotentialV, double amplitudeMa,
                        const MrgStimulus& stimulus);

/// Does the axon fire (AP from the interior reaching an end) at this amplitude?
bool firesAt(const MrgAxon& axon, const PotentialFn& unitPotentialV, double amplitudeMa,
             double pulseWidthUs, Polarity polarity);

/// Bisection settings.
struct MrgThresholdSearch {
    double relativeTolerance = 0.002;  ///< stop when (high - low) / high <= this
    double initialGuessMa = 1.0;       ///< first amplitude tried, mA (a good guess saves runs)
    double maxAmplitudeMa = 1000.0;    ///< give up above this, mA
};

struct MrgThreshold {
    double thresholdMa = 0.0;  ///< middle of the final bracket; +infinity if none below maxAmplitudeMa
    double lowMa = 0.0;        ///< highest amplitude seen not to fire
    double highMa = 0.0;       ///< lowest amplitude seen to fire
    int simulations = 0;
};

/// Lowest amplitude (mA) at which the pulse fires the axon, by bisection.
MrgThreshold findThreshold(const MrgAxon& axon, const Eigen::VectorXd& unitPotentialV, const MrgStimulus& stimulus,
                           const MrgThresholdSearch& search = {});

/// Convenience: threshold in mA (+infinity when not reached below 1000 mA).
double thresholdMa(const MrgAxon& axon, const PotentialFn& unitPotentialV, double pulseWidthUs,
                   Polarity polarity);

}  // namespace dbsprog::tissue
