#include "dbsprog/patient/cohort.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "dbsprog/error.hpp"
#include "dbsprog/io/paths.hpp"
#include "io/json_reader.hpp"

namespace dbsprog::patient {

namespace {

constexpr double kTwoPi = 6.28318530717958647692;
constexpr int kMaxRedraws = 1000;  // truncated normal: redraw, then clamp (never reached in practice)

std::uint64_t splitMix64(std::uint64_t& x) {
    // Steele, Lea & Flood 2014 (SplitMix64): a well-mixed 64-bit output per counter step.
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

Distribution parseDistribution(const io::JsonReader& parent, const std::string& key, double lo, double hi) {
    const auto r = parent.object(key);
    r.rejectUnknownKeys({"mean", "sd", "min", "max", "note"});
    Distribution d;
    d.mean = r.number("mean", lo, hi);
    d.sd = r.number("sd", 0.0, hi - lo);
    d.min = r.numberOr("min", lo, lo, hi);
    d.max = r.numberOr("max", hi, lo, hi);
    if (!(d.min <= d.mean && d.mean <= d.max)) r.fail("mean", "a mean between min and max");
    return d;
}

}  // namespace

Random::Random(std::uint64_t seed, std::uint64_t stream) : state_(seed) {
    std::uint64_t s = stream ^ 0xD1B54A32D192ED03ull;
    state_ ^= splitMix64(s);
}

std::uint64_t Random::nextU64() { return splitMix64(state_); }

double Random::uniform() { return double(nextU64() >> 11) * 0x1.0p-53; }

double Random::normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);  // Box-Muller
}

double Random::draw(const Distribution& d) {
    if (d.sd <= 0.0) return std::clamp(d.mean, d.min, d.max);
    for (int i = 0; i < kMaxRedraws; ++i) {
        const double v = d.mean + d.sd * normal();
        if (v >= d.min && v <= d.max) return v;
    }
    return std::clamp(d.mean, d.min, d.max);
}

CohortSpec loadCohort(const std::string& path) {
    const auto doc = io::JsonReader::parse(io::readFile(path), path);
    doc.rejectUnknownKeys({"id", "diagnosis", "template_case", "description", "placement_error_mm", "tilt_error_deg",
                           "impedance_ohm", "baseline_severity", "max_relief_factor", "half_activation_factor",
                           "tonic_onset_tau_factor", "placebo_relief", "rater_error_sd", "sources", "assumptions"});
    CohortSpec s;
    s.id = doc.string("id");
    s.diagnosis = doc.string("diagnosis");
    s.templateCaseId = doc.string("template_case");
    s.description = doc.string("description");
    s.placementErrorMm = parseDistribution(doc, "placement_error_mm", -10.0, 10.0);
    s.tiltErrorDeg = parseDistribution(doc, "tilt_error_deg", -30.0, 30.0);
    s.impedanceOhm = parseDistribution(doc, "impedance_ohm", 100.0, 5000.0);
    s.baselineSeverity = parseDistribution(doc, "baseline_severity", 0.0, 1000.0);
    s.maxReliefFactor = parseDistribution(doc, "max_relief_factor", 0.0, 5.0);
    s.halfActivationFactor = parseDistribution(doc, "half_activation_factor", 0.01, 100.0);
    s.tonicOnsetTauFactor = parseDistribution(doc, "tonic_onset_tau_factor", 0.01, 100.0);
    s.placeboRelief = parseDistribution(doc, "placebo_relief", -1.0, 1.0);
    s.raterErrorSd = doc.number("rater_error_sd", 0.0, 100.0);
    s.sources = doc.stringListOr("sources");
    s.assumptions = doc.stringListOr("assumptions");
    return s;
}

std::vector<CohortSpec> loadCohorts(const std::string& modelsDir) {
    namespace fs = std::filesystem;
    const std::string dir = modelsDir + "/cohorts";
    std::vector<CohortSpec> out;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return out;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.is_regular_file() && entry.path().extension() == ".json") out.push_back(loadCohort(entry.path().string()));
    std::sort(out.begin(), out.end(), [](const CohortSpec& a, const CohortSpec& b) { return a.id < b.id; });
    return out;
}

CohortSpec findCohort(const std::string& modelsDir, const std::string& id) {
    const auto all = loadCohorts(modelsDir);
    for (const auto& c : all)
        if (c.id == id) return c;
    std::string known;
    for (const auto& c : all) known += (known.empty() ? "" : ", ") + c.id;
    throw InputError("cohort", "id", "\"" + id + "\"", known.empty() ? "(no cohorts in " + modelsDir + "/cohorts)" : known);
}

Case drawPatient(const CohortSpec& spec, const Case& base, std::uint64_t seed, int index) {
    Random rng(seed, std::uint64_t(index));
    Case c = base;
    c.id = spec.id + "-" + std::to_string(seed) + "-" + std::to_string(index);
    // Draw order is fixed: changing it changes every cohort.
    for (int axis = 0; axis < 3; ++axis) c.placement.tipOffsetMm[axis] += rng.draw(spec.placementErrorMm);
    c.placement.tiltLateralDeg += rng.draw(spec.tiltErrorDeg);
    c.placement.tiltAnteriorDeg += rng.draw(spec.tiltErrorDeg);
    c.tissue.impedanceOhm = c.impedanceOhm = rng.draw(spec.impedanceOhm);
    c.baselineSeverity = std::clamp(rng.draw(spec.baselineSeverity), 0.0, c.clinicalScaleMax);
    const double reliefFactor = rng.draw(spec.maxReliefFactor);
    const double halfFactor = rng.draw(spec.halfActivationFactor);
    const double tauFactor = rng.draw(spec.tonicOnsetTauFactor);
    for (auto& comp : c.components) {
        comp.maxRelief = std::clamp(comp.maxRelief * reliefFactor, 0.0, 1.0);
        comp.halfActivation = std::clamp(comp.halfActivation * halfFactor, 1e-3, 1.0);
        if (comp.kind == ComponentKind::DystoniaTonic) comp.onsetTauS *= tauFactor;
    }
    c.placeboRelief = rng.draw(spec.placeboRelief);
    c.placementNote = "drawn from cohort " + spec.id;
    return c;
}

std::vector<Case> drawCohort(const CohortSpec& spec, const Case& base, std::uint64_t seed, int count) {
    std::vector<Case> out;
    for (int i = 0; i < count; ++i) out.push_back(drawPatient(spec, base, seed, i));
    return out;
}

}  // namespace dbsprog::patient
