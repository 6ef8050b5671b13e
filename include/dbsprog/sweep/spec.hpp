#pragma once
/// A research sweep's specification (a JSON file): which patients, which contact configurations and
/// which grid of amplitudes, pulse widths and frequencies. See the "Sweeps" notes in the README.
///
///   {
///     "cases": ["dyt1-generalized"],              or  "cohort": {"id": "...", "n": 20, "seed": 7}
///     "configurations": ["C+ 1-", "1- 2+"],       or  "contacts": "monopolar"
///     "amplitudes": [0.5, 1.0],                   or  {"from": 0, "to": 5, "step": 0.1}
///     "unit": "V",                                optional: "V" or "mA"
///     "pulse_widths_us": [60, 90],
///     "frequencies_hz": [130],
///     "window": {"benefit_criterion": 0.5, "side_effect_grade": 2},   optional
///     "description": "..."                        optional, ignored
///   }
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dbsprog/device/ipg.hpp"
#include "dbsprog/device/program.hpp"
#include "dbsprog/patient/virtual_patient.hpp"

namespace dbsprog::sweep {

/// Largest amplitude grid a {"from","to","step"} object may expand to (guards against a typo such as
/// step 0.0001 producing a grid nobody meant to run).
inline constexpr int kMaxAmplitudeGridSize = 100000;
/// Largest virtual cohort a spec may draw.
inline constexpr int kMaxCohortSize = 100000;

/// A virtual cohort drawn from models/cohorts/<id>.json.
struct CohortDraw {
    std::string id;
    int count = 0;            ///< patients drawn (index 0..count-1)
    std::uint64_t seed = 0;
};

/// How the therapeutic window of a configuration is read from its amplitude scan. Defaults: the
/// monopolar review's criteria.
struct WindowCriteria {
    /// Efficacy threshold: lowest amplitude whose steady relief reaches this fraction of the relief
    /// the patient would get with every target pathway firing (same pulse width and frequency).
    double benefitCriterion = patient::ReviewOptions{}.benefitCriterion;
    /// Side-effect threshold: lowest amplitude with an acute side effect of at least this grade (1-4).
    int sideEffectGrade = patient::ReviewOptions{}.sideEffectGrade;
};

struct SweepSpec {
    std::string source;                       ///< file the spec came from, for error messages
    std::vector<std::string> caseIds;         ///< from "cases"; empty when a cohort is given
    std::optional<CohortDraw> cohort;         ///< from "cohort"
    /// Contact configurations in program notation without numbers ("C+ 1-"), as written.
    std::vector<std::string> configurations;
    /// "contacts": "monopolar": every contact of each case's lead as the cathode, case as the anode.
    bool monopolarContacts = false;
    std::vector<double> amplitudes;           ///< in `unit`, ascending as listed
    /// Control mode; none = voltage if the case's generator supports it, else current.
    std::optional<device::ControlMode> unit;
    std::vector<double> pulseWidthsUs;        ///< microseconds
    std::vector<double> frequenciesHz;        ///< hertz
    WindowCriteria window;
    /// Hash of the spec's content (whitespace and key order do not matter): shards of one sweep
    /// carry it so that parts of different sweeps are never merged.
    std::string fingerprint;
};

/// Parses and validates a spec; every error names `source`, the field, the value and what is
/// allowed (InputError). Case and cohort ids are checked when the sweep is planned (they need the
/// models directory).
SweepSpec parseSweepSpec(const std::string& jsonText, const std::string& source);
SweepSpec loadSweepSpec(const std::string& path);

/// The contacts of a configuration written without numbers ("C+ 2a-60% 2b-40%"), shares filled in;
/// throws the program parser's InputError for bad notation.
std::vector<device::ProgramContact> parseConfiguration(const std::string& text);

}  // namespace dbsprog::sweep
