#include "dbsprog/patient/trial.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "dbsprog/device/check.hpp"
#include "dbsprog/error.hpp"
#include "dbsprog/io/paths.hpp"
#include "dbsprog/patient/duration.hpp"
#include "dbsprog/patient/virtual_patient.hpp"
#include "io/json_reader.hpp"
#include "util/parallel.hpp"

namespace dbsprog::patient {

namespace {

// Rater noise uses its own random streams, apart from the cohort's patient streams.
constexpr std::uint64_t kRaterStreamOffset = 1ull << 40;

double mean(const std::vector<double>& v) {
    double s = 0.0;
    for (double x : v) s += x;
    return v.empty() ? 0.0 : s / double(v.size());
}

double median(std::vector<double> v) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/// Sample standard deviation (n - 1), as trials report it.
double sd(const std::vector<double>& v) {
    if (v.size() < 2) return 0.0;
    const double m = mean(v);
    double s = 0.0;
    for (double x : v) s += (x - m) * (x - m);
    return std::sqrt(s / double(v.size() - 1));
}

struct Programming {
    device::Program program;
    double sideEffectThreshold = 0.0;
};

/// As the trials did: a monopolar review at the trial's pulse width and frequency, then the contact
/// whose setting (margin below its side-effect threshold, in device steps) gives the most relief.
Programming programPatient(const VirtualPatient& vp, const TrialSpec& spec) {
    ReviewOptions o;
    o.pulseWidthUs = spec.pulseWidthUs;
    o.frequencyHz = spec.frequencyHz;
    const Review review = vp.monopolarReview(o);
    Programming best;
    double bestRelief = -std::numeric_limits<double>::infinity();
    for (const auto& row : review.rows) {
        const double threshold = row.sideEffectThreshold.value_or(review.maxAmplitude);
        const double steps = std::floor((threshold - spec.marginBelowSideEffect) / review.amplitudeStep + 1e-9);
        const double amplitude = std::max(1.0, steps) * review.amplitudeStep;
        device::Program p;
        p.contacts = {{std::string(device::kCaseName), device::Polarity::Anode, 100.0, false},
                      {row.contact, device::Polarity::Cathode, 100.0, false}};
        p.mode = review.options.mode;
        p.amplitude = amplitude;
        p.pulseWidthUs = spec.pulseWidthUs;
        p.frequencyHz = spec.frequencyHz;
        const double relief = vp.evaluate(p).steadyRelief;
        if (relief > bestRelief) {
            bestRelief = relief;
            best.program = p;
            best.sideEffectThreshold = threshold;
        }
    }
    return best;
}

}  // namespace

TrialSpec loadTrialSpec(const std::string& path) {
    const auto doc = io::JsonReader::parse(io::readFile(path), path);
    doc.rejectUnknownKeys({"name", "cohort", "patients_per_arm", "seed", "pulse_width_us", "frequency_hz",
                           "margin_below_side_effect", "arms", "time_points", "note"});
    TrialSpec s;
    s.name = doc.string("name");
    s.cohortId = doc.string("cohort");
    s.patientsPerArm = doc.integer("patients_per_arm", 1, 100000);
    s.seed = std::uint64_t(doc.integer("seed", 0, 2147483647));
    s.pulseWidthUs = doc.number("pulse_width_us", 1.0, 1000.0);
    s.frequencyHz = doc.number("frequency_hz", 1.0, 1000.0);
    s.marginBelowSideEffect = doc.number("margin_below_side_effect", 0.0, 10.0);
    for (const auto& a : doc.array("arms", 1)) {
        a.rejectUnknownKeys({"name", "stimulation", "sham_until"});
        TrialArm arm;
        arm.name = a.string("name");
        arm.stimulation = a.boolean("stimulation");
        if (a.has("sham_until")) {
            if (arm.stimulation) a.fail("sham_until", "only on an arm with \"stimulation\": false");
            arm.shamUntilS = parseDurationS(a.string("sham_until"), path + ": " + a.fieldPath("sham_until"));
        }
        s.arms.push_back(arm);
    }
    for (const auto& t : doc.stringList("time_points", 1)) s.timePointsS.push_back(parseDurationS(t, path + ": time_points"));
    if (!std::is_sorted(s.timePointsS.begin(), s.timePointsS.end()))
        doc.fail("time_points", "durations in increasing order");
    return s;
}

TrialResult runTrial(const TrialSpec& spec, const std::string& modelsDir, int threads) {
    const CohortSpec cohort = findCohort(modelsDir, spec.cohortId);
    const Case base = findCase(modelsDir, cohort.templateCaseId);
    TrialResult result;
    result.spec = spec;
    result.scale = base.clinicalScale;
    const int perArm = spec.patientsPerArm;
    const int total = perArm * int(spec.arms.size());
    result.patients.resize(size_t(total));

    // One conductor for all: patients differ in placement, not in lead or conductivity.
    std::shared_ptr<const field::VolumeConductor> conductor = VirtualPatient(base, modelsDir).sharedConductor();

    util::parallelFor(total, threads, [&](int begin, int end) {
        for (int index = begin; index < end; ++index) {
            const TrialArm& arm = spec.arms[size_t(index / perArm)];
            const Case c = drawPatient(cohort, base, spec.seed, index);
            PatientOptions options;
            options.conductor = conductor;
            const VirtualPatient vp(c, modelsDir, options);
            const Programming setting = programPatient(vp, spec);
            const Evaluation on = vp.evaluate(setting.program);
            const Evaluation off = vp.evaluateOff();

            TrialPatient& tp = result.patients[size_t(index)];
            tp.id = c.id;
            tp.arm = arm.name;
            tp.contact = setting.program.contacts[1].name;
            tp.amplitude = setting.program.amplitude;
            tp.unit = setting.program.mode == device::ControlMode::Voltage ? "V" : "mA";
            tp.sideEffectThreshold = setting.sideEffectThreshold;
            const auto report = device::checkProgram(setting.program, vp.lead(), vp.ipg(), c.tissue.impedanceOhm);
            // Both hemispheres at the same setting, as in the trials (bilateral GPi).
            const auto energy = device::estimateEnergy(
                vp.ipg(), std::vector<double>(size_t(std::max(1, std::min(2, vp.ipg().channels))), report.energy.teedUjPerS));
            tp.batteryLifeMonths = energy.batteryLifeMonths;

            Random rater(spec.seed, kRaterStreamOffset + std::uint64_t(index));
            // What the blinded patient reports includes expectation (placebo) in both arms.
            auto rate = [&](double trueScore) {
                const double reported = trueScore * (1.0 - c.placeboRelief) + cohort.raterErrorSd * rater.normal();
                return std::clamp(reported, 0.0, c.clinicalScaleMax);
            };
            tp.baselineScore = std::clamp(c.baselineSeverity + cohort.raterErrorSd * rater.normal(), 0.0, c.clinicalScaleMax);
            PatientState state = vp.initialState();
            for (double t : spec.timePointsS) {
                // Sham arms run off until the open phase, then on; split the interval there.
                if (!arm.stimulation && arm.shamUntilS && state.timeS < *arm.shamUntilS && t > *arm.shamUntilS) {
                    vp.advance(state, off, *arm.shamUntilS - state.timeS);
                }
                const bool onNow = arm.stimulation || (arm.shamUntilS && state.timeS >= *arm.shamUntilS);
                vp.advance(state, onNow ? on : off, t - state.timeS);
                tp.scores.push_back(rate(vp.severity(state).clinicalScore));
            }
        }
    });

    for (size_t a = 0; a < spec.arms.size(); ++a) {
        TrialArmSummary s;
        s.name = spec.arms[a].name;
        std::vector<double> baselines, amplitudes;
        for (int i = 0; i < perArm; ++i) {
            const auto& p = result.patients[a * size_t(perArm) + size_t(i)];
            baselines.push_back(p.baselineScore);
            amplitudes.push_back(p.amplitude);
        }
        s.meanBaseline = mean(baselines);
        s.sdBaseline = sd(baselines);
        s.meanAmplitude = mean(amplitudes);
        for (size_t k = 0; k < spec.timePointsS.size(); ++k) {
            std::vector<double> change, percent;
            for (int i = 0; i < perArm; ++i) {
                const auto& p = result.patients[a * size_t(perArm) + size_t(i)];
                change.push_back(p.scores[k] - p.baselineScore);
                if (p.baselineScore > 0.0) percent.push_back(100.0 * change.back() / p.baselineScore);
            }
            s.points.push_back({spec.timePointsS[k], mean(change), sd(change), mean(percent), sd(percent), median(percent)});
        }
        result.arms.push_back(std::move(s));
    }
    return result;
}

}  // namespace dbsprog::patient
