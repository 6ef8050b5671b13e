#pragma once
/// A virtual patient's case file (models/patients/*.json). At this stage: who the patient is, the
/// implanted lead and generator, and the program they arrive with. Anatomy and response follow.
#include <string>
#include <vector>

#include "dbsprog/device/program.hpp"

namespace dbsprog::patient {

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
    double impedanceOhm = 1000.0;
    std::string clinicalScale;       ///< "BFMDRS movement", "TWSTRS severity", ...
    double clinicalScaleMax = 0.0;   ///< top of the scale
    double baselineSeverity = 0.0;   ///< on the clinical scale, stimulation off
};

/// The case the simulator opens with when none is named.
inline constexpr const char* kDefaultCaseId = "dyt1-generalized";

Case loadCase(const std::string& path);
/// Every *.json under <modelsDir>/patients, sorted by id.
std::vector<Case> loadCases(const std::string& modelsDir);
/// The case with this id from <modelsDir>/patients; throws InputError listing the known ids.
Case findCase(const std::string& modelsDir, const std::string& id);

}  // namespace dbsprog::patient
