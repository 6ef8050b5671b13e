#include "dbsprog/patient/case.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "dbsprog/error.hpp"
#include "dbsprog/io/paths.hpp"
#include "dbsprog/patient/duration.hpp"
#include "io/json_reader.hpp"

namespace dbsprog::patient {

namespace {

constexpr double kMaxOffsetMm = 20.0;    // beyond this the lead is not near the target at all
constexpr double kMaxTiltDeg = 45.0;
constexpr double kShareTolerance = 1e-6;
const std::vector<std::string> kMovements{"head-turn", "head-tilt", "head-pull", "trunk-twist", "arm-twist",
                                          "leg-twist", "eyelid-close", "jaw-open", "hand-cramp", "hand-tremor"};

const std::vector<std::pair<ComponentKind, const char*>> kKindNames{
    {ComponentKind::DystoniaPhasic, "dystonia-phasic"}, {ComponentKind::DystoniaTonic, "dystonia-tonic"},
    {ComponentKind::Tremor, "tremor"}, {ComponentKind::Rigidity, "rigidity"}, {ComponentKind::Bradykinesia, "bradykinesia"}};

double duration(const io::JsonReader& r, const std::string& key) {
    return parseDurationS(r.string(key), r.source() + ": " + r.fieldPath(key));
}

SymptomComponent parseComponent(const io::JsonReader& r) {
    r.rejectUnknownKeys({"id", "name", "kind", "share", "pathway", "max_relief", "half_activation", "hill_exponent",
                         "onset_tau", "offset_tau", "note"});
    SymptomComponent c;
    c.id = r.string("id");
    c.name = r.string("name");
    std::vector<std::string> kinds;
    for (const auto& [k, name] : kKindNames) kinds.push_back(name);
    const std::string kind = r.choice("kind", kinds);
    for (const auto& [k, name] : kKindNames)
        if (kind == name) c.kind = k;
    c.share = r.number("share", 0.0, 1.0);
    c.pathwayId = r.string("pathway");
    c.maxRelief = r.number("max_relief", 0.0, 1.0);
    c.halfActivation = r.number("half_activation", 1e-3, 1.0);
    c.hillExponent = r.number("hill_exponent", 0.5, 10.0);
    c.onsetTauS = duration(r, "onset_tau");
    c.offsetTauS = duration(r, "offset_tau");
    if (c.onsetTauS <= 0.0) r.fail("onset_tau", "a duration > 0");
    if (c.offsetTauS <= 0.0) r.fail("offset_tau", "a duration > 0");
    return c;
}

}  // namespace

const char* componentKindName(ComponentKind kind) {
    for (const auto& [k, name] : kKindNames)
        if (k == kind) return name;
    return "?";
}

Case loadCase(const std::string& path) {
    const auto doc = io::JsonReader::parse(io::readFile(path), path);
    doc.rejectUnknownKeys({"id", "title", "diagnosis", "target", "hemisphere", "description", "device", "tissue",
                           "placement", "clinical_scale", "regions", "components", "stress_gain", "placebo_relief",
                           "delayed_side_effect_susceptibility", "sources", "assumptions"});
    Case c;
    c.id = doc.string("id");
    c.title = doc.string("title");
    c.diagnosis = doc.string("diagnosis");
    c.target = doc.choice("target", {"GPi", "STN", "VIM"});
    c.hemisphere = doc.choice("hemisphere", {"left", "right"});
    c.description = doc.string("description");

    const auto device = doc.object("device");
    device.rejectUnknownKeys({"lead", "ipg", "program"});
    c.leadId = device.string("lead");
    c.ipgId = device.string("ipg");
    const std::string programText = device.string("program");
    try {
        c.program = device::parseProgram(programText);
    } catch (const InputError& e) {
        throw InputError(path, device.fieldPath("program"), "\"" + programText + "\"", e.what());
    }

    const auto tissue = doc.object("tissue");
    tissue.rejectUnknownKeys({"conductivity_S_per_m", "impedance_ohm", "note"});
    c.tissue.conductivitySPerM = tissue.number("conductivity_S_per_m", 0.01, 2.0);
    c.tissue.impedanceOhm = tissue.number("impedance_ohm", 100.0, 5000.0);
    c.impedanceOhm = c.tissue.impedanceOhm;

    const auto place = doc.object("placement");
    place.rejectUnknownKeys({"tip_offset_mm", "tilt_lateral_deg", "tilt_anterior_deg", "marker_deg", "note"});
    const auto off = place.numbers("tip_offset_mm", 3, -kMaxOffsetMm, kMaxOffsetMm);
    c.placement.tipOffsetMm = {off[0], off[1], off[2]};
    c.placement.tiltLateralDeg = place.numberOr("tilt_lateral_deg", 0.0, -kMaxTiltDeg, kMaxTiltDeg);
    c.placement.tiltAnteriorDeg = place.numberOr("tilt_anterior_deg", 0.0, -kMaxTiltDeg, kMaxTiltDeg);
    c.placement.markerDeg = place.numberOr("marker_deg", 0.0, -360.0, 360.0);
    c.placementNote = place.stringOr("note", "");

    const auto scale = doc.object("clinical_scale");
    scale.rejectUnknownKeys({"name", "max", "baseline"});
    c.clinicalScale = scale.string("name");
    c.clinicalScaleMax = scale.positive("max", 1000.0);
    c.baselineSeverity = scale.number("baseline", 0.0, c.clinicalScaleMax);

    for (const auto& r : doc.array("regions", 1)) {
        r.rejectUnknownKeys({"id", "name", "movement", "baseline_percent"});
        c.regions.push_back({r.string("id"), r.string("name"), r.choice("movement", kMovements),
                             r.number("baseline_percent", 0.0, 100.0)});
    }
    double shares = 0.0;
    for (const auto& r : doc.array("components", 1)) {
        c.components.push_back(parseComponent(r));
        shares += c.components.back().share;
    }
    if (std::abs(shares - 1.0) > kShareTolerance)
        throw InputError(path, "components[].share", std::to_string(shares), "shares summing to 1");
    c.stressGain = doc.numberOr("stress_gain", c.stressGain, 0.0, 2.0);
    c.placeboRelief = doc.numberOr("placebo_relief", 0.0, 0.0, 1.0);
    c.delayedSideEffectSusceptibility = doc.numberOr("delayed_side_effect_susceptibility", 0.0, 0.0, 1.0);
    return c;
}

std::vector<Case> loadCases(const std::string& modelsDir) {
    namespace fs = std::filesystem;
    const std::string dir = modelsDir + "/patients";
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw InputError(dir, "models directory", "", "a directory of case files (*.json)");
    std::vector<Case> cases;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.is_regular_file() && entry.path().extension() == ".json") cases.push_back(loadCase(entry.path().string()));
    std::sort(cases.begin(), cases.end(), [](const Case& a, const Case& b) { return a.id < b.id; });
    for (size_t i = 1; i < cases.size(); ++i)
        if (cases[i].id == cases[i - 1].id) throw InputError(dir, "id", "\"" + cases[i].id + "\"", "one case file per id");
    return cases;
}

Case findCase(const std::string& modelsDir, const std::string& id) {
    const auto cases = loadCases(modelsDir);
    for (const auto& c : cases)
        if (c.id == id) return c;
    std::string known;
    for (const auto& c : cases) known += (known.empty() ? "" : ", ") + c.id;
    throw InputError("--case", "id", "\"" + id + "\"", known);
}

}  // namespace dbsprog::patient
