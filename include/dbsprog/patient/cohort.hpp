#pragma once
/// Virtual cohorts (models/cohorts/*.json): N patients drawn, reproducibly from a seed, around a
/// template case: lead placement error, tissue impedance, baseline severity and response parameters
/// vary per patient. Patient i's draws depend only on (seed, i), so any subset, order or thread
/// count gives the same patients.
#include <cstdint>
#include <string>
#include <vector>

#include "dbsprog/patient/case.hpp"

namespace dbsprog::patient {

/// A normal distribution truncated to [min, max] (redrawn until inside).
struct Distribution {
    double mean = 0.0;
    double sd = 0.0;
    double min = -1e300;
    double max = 1e300;
};

struct CohortSpec {
    std::string id;              ///< "generalized-dystonia"
    std::string diagnosis;
    std::string templateCaseId;  ///< case the patients are drawn around
    std::string description;
    Distribution placementErrorMm;   ///< per axis of the tip offset (lateral, anterior, dorsal), mm
    Distribution tiltErrorDeg;       ///< per tilt angle, degrees
    Distribution impedanceOhm;
    Distribution baselineSeverity;   ///< on the template's clinical scale
    /// Per-patient factors on the template's components: maxRelief multiplies every component's
    /// maxRelief (result capped at 1); halfActivation multiplies a50; tonicOnsetTau multiplies the
    /// onset time constant of tonic components.
    Distribution maxReliefFactor;
    Distribution halfActivationFactor;
    Distribution tonicOnsetTauFactor;
    Distribution placeboRelief;      ///< 0..1
    /// Rater's measurement error on the clinical scale, SD in points (trials only).
    double raterErrorSd = 0.0;
    std::vector<std::string> sources;
    std::vector<std::string> assumptions;
};

CohortSpec loadCohort(const std::string& path);
/// models/cohorts/<id>.json; throws InputError listing the known ids.
CohortSpec findCohort(const std::string& modelsDir, const std::string& id);
std::vector<CohortSpec> loadCohorts(const std::string& modelsDir);

/// Patient `index` of the cohort drawn with `seed`: the template case with drawn parameters, id
/// "<cohort>-<seed>-<index>".
Case drawPatient(const CohortSpec& spec, const Case& templateCase, std::uint64_t seed, int index);
std::vector<Case> drawCohort(const CohortSpec& spec, const Case& templateCase, std::uint64_t seed, int count);

/// Counter-based random numbers: the same (seed, stream, draw) always gives the same number, on
/// every platform (no std:: distributions, whose output is implementation-defined).
class Random {
public:
    Random(std::uint64_t seed, std::uint64_t stream);
    std::uint64_t nextU64();
    double uniform();                 ///< [0, 1)
    double normal();                  ///< standard normal (Box-Muller)
    double draw(const Distribution& d);

private:
    std::uint64_t state_;
};

}  // namespace dbsprog::patient
