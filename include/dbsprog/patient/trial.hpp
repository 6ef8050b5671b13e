#pragma once
/// Simulated trials, programmed as the published trials were: a monopolar review, the best contact,
/// a fixed frequency and pulse width, the amplitude a margin below the side-effect threshold; sham
/// arms stay off (the patient blinded) until the open phase. Each patient is rated at the time points
/// with the cohort's rater error. Deterministic: the same spec gives bit-identical results on any
/// number of threads.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dbsprog/patient/cohort.hpp"

namespace dbsprog::patient {

struct TrialArm {
    std::string name;            ///< "stimulation", "sham"
    bool stimulation = true;
    /// Sham arms: stimulation starts at this time (open phase); none = never.
    std::optional<double> shamUntilS;
};

struct TrialSpec {
    std::string name;
    std::string cohortId;
    int patientsPerArm = 20;
    std::uint64_t seed = 1;
    double pulseWidthUs = 90.0;
    double frequencyHz = 130.0;
    /// Amplitude set this far below the side-effect threshold, in the generator's unit (V or mA).
    double marginBelowSideEffect = 0.5;
    std::vector<TrialArm> arms;
    std::vector<double> timePointsS;   ///< ratings after switching on (baseline rated at 0)
};

TrialSpec loadTrialSpec(const std::string& path);

struct TrialPatient {
    std::string id;
    std::string arm;
    std::string contact;           ///< chosen in the review
    double amplitude = 0.0;        ///< programmed amplitude (generator unit)
    std::string unit;              ///< "V" or "mA"
    double sideEffectThreshold = 0.0;
    double baselineScore = 0.0;
    std::vector<double> scores;    ///< per time point, as rated
    std::optional<double> batteryLifeMonths;  ///< bilateral (both channels at this setting)
};

struct TrialPointSummary {
    double timeS = 0.0;
    double meanChange = 0.0;       ///< score change from baseline, points (negative = better)
    double sdChange = 0.0;
    double meanPercentChange = 0.0;  ///< mean of per-patient percent change
    double sdPercentChange = 0.0;
    double medianPercentChange = 0.0;  ///< some trials report medians (Alterman 2007)
};

struct TrialArmSummary {
    std::string name;
    double meanBaseline = 0.0;
    double sdBaseline = 0.0;
    double meanAmplitude = 0.0;
    std::vector<TrialPointSummary> points;
};

struct TrialResult {
    TrialSpec spec;
    std::string scale;
    std::vector<TrialArmSummary> arms;
    std::vector<TrialPatient> patients;  ///< arm by arm, patient order
};

TrialResult runTrial(const TrialSpec& spec, const std::string& modelsDir, int threads = 1);

}  // namespace dbsprog::patient
