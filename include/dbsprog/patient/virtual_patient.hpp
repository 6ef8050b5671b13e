#pragma once
/// A case brought to life: its lead in the anatomy, the volume conductor around the lead, the
/// pathways' axons and the response model. Constant once built (DESIGN.md "constant model, mutable
/// state"): evaluate(program) gives the acute result and the steady relief the program works toward;
/// advance(state, evaluation, seconds) moves the patient through simulated time.
#include <Eigen/Core>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dbsprog/device/catalog.hpp"
#include "dbsprog/device/program.hpp"
#include "dbsprog/field/volume_conductor.hpp"
#include "dbsprog/patient/anatomy.hpp"
#include "dbsprog/patient/case.hpp"
#include "dbsprog/tissue/activation.hpp"

namespace dbsprog::patient {

/// Frequency factor per component kind (models/response/frequency.json): tabulated, linear between
/// points, 1 at 130 Hz; negative values mean worsening (5 Hz in parkinsonian signs).
struct FrequencyResponse {
    struct Curve {
        std::vector<double> frequencyHz;
        std::vector<double> factor;
    };
    Curve dystonia, tremor, parkinsonian;
    std::vector<std::string> sources;
    std::vector<std::string> assumptions;

    double factor(ComponentKind kind, double frequencyHz) const;
};
FrequencyResponse loadFrequencyResponse(const std::string& path);

struct PatientOptions {
    int threads = 1;  ///< for building unit potentials (results do not depend on it)
    /// A conductor already built for this case's lead and conductivity (cohorts share one: only the
    /// placement differs between their patients). Null: build one.
    std::shared_ptr<const field::VolumeConductor> conductor;
};

struct SideEffectReading {
    std::string id;
    std::string name;
    double activation = 0.0;     ///< fraction of its pathway firing (acute), 0..1
    int grade = 0;               ///< 0-4; delayed effects: the steady grade this program leads to
    bool delayed = false;        ///< builds over weeks (slowness) rather than at once
    std::string patientSays;     ///< "" at grade 0
    std::string clinicianSees;
};

struct ComponentReading {
    std::string id;
    double targetActivation = 0.0;  ///< fraction of its target pathway firing
    double steadyRelief = 0.0;      ///< fraction of the component relieved once the program has taken full effect
};

/// What one program does, with the patient at rest (no time involved).
struct Evaluation {
    device::Program program;                 ///< as evaluated (validated)
    bool stimulating = false;                ///< amplitude > 0 and a cathode
    std::vector<double> pathwayActivation;   ///< per anatomy pathway, 0..1
    /// Per axon of the engine (its bundle order), 1 if it fires; filled by evaluate(), empty when the
    /// activations came from elsewhere (evaluateActivation).
    std::vector<unsigned char> axonFired;
    std::vector<ComponentReading> components;
    double steadyRelief = 0.0;               ///< share-weighted over components, 0..1
    std::vector<SideEffectReading> sideEffects;  ///< one per anatomy side effect, anatomy order
    int maxAcuteGrade = 0;
};

/// The patient's state in simulated time.
struct PatientState {
    double timeS = 0.0;                  ///< since the simulation started
    double stress = 0.0;                 ///< stress, fatigue, anxiety: 0 calm .. 1 very stressed
    std::vector<double> componentRelief; ///< present relief per component, 0..1 of the component
    std::vector<double> delayedLevel;    ///< per anatomy side effect: present level of a delayed one, 0..1
};

struct RegionSeverity {
    std::string id;
    std::string name;
    double percent = 0.0;  ///< contraction severity now, 0..100
};

struct Severity {
    double percent = 0.0;        ///< overall, 0..100 (100 = the scale's maximum)
    double clinicalScore = 0.0;  ///< on the case's scale
    double relief = 0.0;         ///< present relief vs baseline, 0..1
    double stressFactor = 1.0;
    std::vector<RegionSeverity> regions;
    std::vector<SideEffectReading> delayedSideEffects;  ///< present grade of delayed effects
};

/// Per-axon thresholds for one program shape: then any amplitude is exact and cheap (the whole
/// chain is linear in amplitude: current or voltage -> contact currents -> potentials -> response).
class AmplitudeScan {
public:
    /// Activation per pathway at `amplitude` (the program's unit).
    std::vector<double> pathwayActivation(double amplitude) const;
    /// Lowest amplitude at which at least `fraction` of pathway `p` fires (infinity if never).
    double amplitudeForActivation(int pathway, double fraction) const;
    const device::Program& shape() const { return shape_; }

private:
    friend class VirtualPatient;
    device::Program shape_;
    std::vector<std::vector<double>> sortedThresholds_;  ///< per pathway, ascending
};

/// One contact of a monopolar review.
struct ReviewRow {
    std::string contact;
    /// Lowest amplitude (device steps) whose steady relief reaches the review's benefit criterion;
    /// none if not reached up to the review maximum.
    std::optional<double> efficacyThreshold;
    /// Lowest amplitude with a side effect of grade >= the review's criterion; none if not reached.
    std::optional<double> sideEffectThreshold;
    std::string firstSideEffect;        ///< its name ("" if none)
    std::optional<double> window;       ///< sideEffect - efficacy (or review max - efficacy if no side effect)
    double reliefAtSideEffectThreshold = 0.0;  ///< steady relief one step below the side-effect threshold
};

struct ReviewOptions {
    device::ControlMode mode = device::ControlMode::Voltage;  ///< falls back to what the generator supports
    double pulseWidthUs = 60.0;
    double frequencyHz = 130.0;
    std::optional<double> maxAmplitude;  ///< default: models/response/review.json per unit
    /// Efficacy: steady relief reaches this fraction of the best relief any contact could give.
    double benefitCriterion = 0.5;
    int sideEffectGrade = 2;             ///< a side effect counts from this grade
};

struct Review {
    ReviewOptions options;
    double amplitudeStep = 0.0;
    double maxAmplitude = 0.0;
    std::vector<ReviewRow> rows;  ///< one per contact (segments as well as rings)
};

class VirtualPatient {
public:
    /// Loads lead, generator and anatomy, builds the homogeneous conductor and the axons. Throws
    /// InputError for inconsistent cases (unknown pathway, impedance below the tissue's own).
    VirtualPatient(Case c, const std::string& modelsDir, const PatientOptions& options = {});
    ~VirtualPatient();
    VirtualPatient(const VirtualPatient&) = delete;
    VirtualPatient& operator=(const VirtualPatient&) = delete;

    const Case& caseData() const { return case_; }
    const Anatomy& anatomy() const { return anatomy_; }
    const device::Lead& lead() const { return lead_; }
    const device::Ipg& ipg() const { return ipg_; }
    const field::VolumeConductor& conductor() const { return *conductor_; }
    std::shared_ptr<const field::VolumeConductor> sharedConductor() const { return conductor_; }
    const tissue::ActivationEngine& engine() const { return *engine_; }
    const FrequencyResponse& frequencyResponse() const { return frequency_; }
    const Eigen::Isometry3d& anatomyToLead() const { return anatomyToLead_; }
    /// Series resistance per contact making the model's monopolar impedance equal the case's, ohm.
    double interfaceResistanceOhm() const { return interfaceOhm_; }

    /// Voltage mode: the pulse's current decays through the interface's series capacitance with this
    /// time constant (impedance x capacitance), microseconds; current mode: 0 (rectangular).
    double pulseDecayTauUs(const device::Program& program) const;

    /// Signed contact currents (mA) for a validated program.
    Eigen::VectorXd contactCurrentsMa(const device::Program& program) const;

    /// Validates the program against the lead and generator (throws InputError), then evaluates it.
    Evaluation evaluate(const device::Program& program) const;
    /// Stimulation off (the baseline).
    Evaluation evaluateOff() const;
    /// Evaluation from pathway activations already known (sweeps via AmplitudeScan).
    Evaluation evaluateActivation(const device::Program& program, std::vector<double> pathwayActivation) const;

    /// Per-axon thresholds for the program's contacts and pulse width (its amplitude is ignored).
    AmplitudeScan scan(const device::Program& shape) const;

    Review monopolarReview(const ReviewOptions& options = {}) const;

    /// State after a long time with stimulation off.
    PatientState initialState() const;
    /// Moves `state` forward by `seconds` with `evaluation`'s program running throughout.
    void advance(PatientState& state, const Evaluation& evaluation, double seconds) const;
    Severity severity(const PatientState& state) const;

private:
    void grade(Evaluation& e) const;

    Case case_;
    Anatomy anatomy_;
    device::Lead lead_;
    device::Ipg ipg_;
    FrequencyResponse frequency_;
    Eigen::Isometry3d anatomyToLead_;
    std::shared_ptr<const field::VolumeConductor> conductor_;
    std::unique_ptr<tissue::ActivationEngine> engine_;
    std::vector<int> componentPathway_;
    std::vector<int> sideEffectPathway_;
    std::vector<int> pathwayFirstAxon_;  ///< first axon index of each pathway in the engine; back() = total
    double interfaceOhm_ = 0.0;
    double reviewMaxV_ = 0.0, reviewMaxMa_ = 0.0;
    double seriesCapacitanceUf_ = 0.0;
};

}  // namespace dbsprog::patient
