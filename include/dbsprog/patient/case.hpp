#pragma once
/// A virtual patient's case file (models/patients/*.json): who the patient is, the implanted lead and
/// generator and where the lead sits relative to the target anatomy, the tissue, the symptoms (body
/// regions and symptom components with their response parameters) and the program they arrive with.
/// Every response parameter is an assumption fitted to the trial figures named in README "Measured".
#include <string>
#include <vector>

#include "dbsprog/device/program.hpp"
#include "dbsprog/patient/anatomy.hpp"

namespace dbsprog::patient {

/// A body region with its own contraction severity (the figure animates each).
struct BodyRegion {
    std::string id;               ///< "neck", "right-arm", "eyelids", "right-hand", ...
    std::string name;             ///< "neck (head turns to the left)"
    /// What the contraction does, for the figure: "head-turn", "head-tilt", "head-pull", "trunk-twist",
    /// "arm-twist", "leg-twist", "eyelid-close", "jaw-open", "hand-cramp", "hand-tremor".
    std::string movement;
    double baselinePercent = 0.0; ///< contraction severity with stimulation off, 0..100
};

enum class ComponentKind { DystoniaPhasic, DystoniaTonic, Tremor, Rigidity, Bradykinesia };

/// One symptom component: a share of the severity that stimulation of a target pathway relieves.
/// Steady relief = maxRelief * a^n / (a^n + a50^n) * frequency factor(kind, f), a = fraction of the
/// target pathway firing; the present relief approaches it with onsetTauS when rising and
/// offsetTauS when falling (first order, exact for piecewise-constant programs).
struct SymptomComponent {
    std::string id;               ///< "tonic"
    std::string name;             ///< "tonic (fixed) postures"
    ComponentKind kind = ComponentKind::DystoniaPhasic;
    double share = 1.0;           ///< fraction of the severity this component makes up (shares sum to 1)
    std::string pathwayId;        ///< the anatomy's target pathway it responds to
    double maxRelief = 0.8;       ///< fraction of the component relieved at full activation, 0..1
    double halfActivation = 0.3;  ///< a50: pathway fraction giving half the relief
    double hillExponent = 2.0;    ///< n
    double onsetTauS = 86400.0;   ///< rising relief time constant, seconds
    double offsetTauS = 300.0;    ///< falling relief (stimulation reduced or off), seconds
};

struct Tissue {
    double conductivitySPerM = 0.2;  ///< bulk conductivity for the homogeneous conductor, S/m
    /// Monopolar impedance a programmer's impedance check reads on this lead, ohm (clinical
    /// 500-1500, FACTS.md). The model puts the difference between it and the tissue's own
    /// resistance in series with each contact (electrode interface and encapsulation).
    double impedanceOhm = 1000.0;
};

struct Case {
    std::string id;            ///< "dyt1-generalized"
    std::string title;         ///< one line for lists: "Generalized dystonia (DYT-TOR1A), GPi"
    std::string diagnosis;     ///< "generalized isolated dystonia (DYT-TOR1A)"
    std::string target;        ///< "GPi", "STN" or "VIM"
    std::string hemisphere;    ///< "left" or "right"
    std::string description;   ///< a short history, in plain words
    std::string leadId;        ///< catalogue id of the lead
    std::string ipgId;         ///< catalogue id of the generator
    device::Program program;   ///< the program the patient arrives with
    double impedanceOhm = 1000.0;  ///< = tissue.impedanceOhm (what the programmer reads)
    Tissue tissue;
    Placement placement;
    std::string placementNote;     ///< "2 mm posterior of plan" ("" when as planned)
    std::string clinicalScale;       ///< "BFMDRS movement", "TWSTRS severity", ...
    double clinicalScaleMax = 0.0;   ///< top of the scale
    double baselineSeverity = 0.0;   ///< on the clinical scale, stimulation off
    std::vector<BodyRegion> regions;
    std::vector<SymptomComponent> components;
    /// Stress, fatigue and anxiety scale contractions by (1 + stressGain * stress), stress 0..1.
    double stressGain = 0.3;
    /// Relief a blinded patient reports without stimulation (expectation), 0..1; trials only.
    double placeboRelief = 0.0;
    /// Scales the delayed side effects of the anatomy (stimulation-induced slowness), 0..1.
    double delayedSideEffectSusceptibility = 0.0;
};

/// The case the simulator opens with when none is named.
inline constexpr const char* kDefaultCaseId = "dyt1-generalized";

Case loadCase(const std::string& path);
/// Every *.json under <modelsDir>/patients, sorted by id.
std::vector<Case> loadCases(const std::string& modelsDir);
/// The case with this id from <modelsDir>/patients; throws InputError listing the known ids.
Case findCase(const std::string& modelsDir, const std::string& id);

const char* componentKindName(ComponentKind kind);

}  // namespace dbsprog::patient
