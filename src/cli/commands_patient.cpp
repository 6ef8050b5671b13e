// cases, evaluate, review, trial: the virtual patients from the command line.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <numeric>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cli/cli.hpp"
#include "dbsprog/device/catalog.hpp"
#include "dbsprog/device/check.hpp"
#include "dbsprog/error.hpp"
#include "dbsprog/patient/case.hpp"
#include "dbsprog/patient/duration.hpp"
#include "dbsprog/patient/trial.hpp"
#include "dbsprog/patient/virtual_patient.hpp"

namespace dbsprog::cli {

namespace {

using nlohmann::json;
namespace pt = dbsprog::patient;

/// The acute reading is taken a minute after switching on, as a clinician waits between steps of a
/// review: tremor (seconds) has settled, dystonia (hours to months) has barely begun.
constexpr double kAcuteReadingS = 60.0;
/// Stress, fatigue and anxiety, 0 calm .. 1 very stressed (PatientState::stress).
constexpr double kStressMin = 0.0;
constexpr double kStressMax = 1.0;
constexpr double kPercent = 100.0;
/// Largest number of decimals an amplitude step is shown with (0.05 V steps need 2).
constexpr int kMaxAmplitudeDecimals = 3;
/// Columns of a text table are separated by this many spaces.
constexpr size_t kColumnGap = 2;

int defaultThreads() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

void requireThreads(int threads) {
    if (threads < 1) throw InputError("--threads", "threads", std::to_string(threads), "1 or more");
}

// ---- text tables ----

/// Display width of UTF-8 text: one column per code point (the tables use "±" and "µ").
size_t displayWidth(const std::string& s) {
    size_t n = 0;
    for (const char ch : s)
        if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
    return n;
}

/// A table printed with each column as wide as its widest cell; numbers right-aligned.
class Table {
public:
    enum class Align { Left, Right };
    struct Column {
        std::string header;
        Align align = Align::Left;
    };

    explicit Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

    void add(std::vector<std::string> cells) {
        cells.resize(columns_.size());
        rows_.push_back(std::move(cells));
    }

    void print(const std::string& indent = "") const {
        std::vector<size_t> width(columns_.size());
        for (size_t c = 0; c < columns_.size(); ++c) {
            width[c] = displayWidth(columns_[c].header);
            for (const auto& row : rows_) width[c] = std::max(width[c], displayWidth(row[c]));
        }
        std::vector<std::string> header;
        bool anyHeader = false;
        for (const auto& col : columns_) {
            header.push_back(col.header);
            anyHeader = anyHeader || !col.header.empty();
        }
        if (anyHeader) printRow(header, width, indent);
        for (const auto& row : rows_) printRow(row, width, indent);
    }

private:
    void printRow(const std::vector<std::string>& cells, const std::vector<size_t>& width, const std::string& indent) const {
        std::string line = indent;
        for (size_t c = 0; c < cells.size(); ++c) {
            const std::string fill(width[c] - displayWidth(cells[c]), ' ');
            const bool last = c + 1 == cells.size();
            if (columns_[c].align == Align::Right) line += fill + cells[c];
            else line += cells[c] + (last ? "" : fill);
            if (!last) line.append(kColumnGap, ' ');
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        std::cout << line << "\n";
    }

    std::vector<Column> columns_;
    std::vector<std::vector<std::string>> rows_;
};

constexpr auto kLeft = Table::Align::Left;
constexpr auto kRight = Table::Align::Right;

/// A number as the user would have typed it: "95", "1.5" (no padding zeros), for error messages.
std::string asTyped(double v) {
    std::ostringstream ss;
    ss << v;
    return ss.str();
}

std::string percentText(double fraction, int decimals = 1) { return fixed(fraction * kPercent, decimals); }

/// Decimals an amplitude on this device step needs ("0.05" -> 2), so thresholds read as programmed.
int decimalsForStep(double step) {
    for (int d = 0; d < kMaxAmplitudeDecimals; ++d) {
        const double scaled = step * std::pow(10.0, d);
        if (std::abs(scaled - std::round(scaled)) < 1e-9) return d;
    }
    return kMaxAmplitudeDecimals;
}

const char* unitName(device::ControlMode mode) { return mode == device::ControlMode::Current ? "mA" : "V"; }
const char* modeName(device::ControlMode mode) { return mode == device::ControlMode::Current ? "current" : "voltage"; }

json optionalJson(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

struct MeanSd {
    int n = 0;
    double mean = 0.0;
    double sd = 0.0;  ///< sample SD (n - 1); 0 for fewer than two values
    double min = 0.0;
    double max = 0.0;
};

MeanSd meanSd(const std::vector<double>& v) {
    MeanSd m;
    m.n = static_cast<int>(v.size());
    if (v.empty()) return m;
    m.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    double ss = 0.0;
    for (const double x : v) ss += (x - m.mean) * (x - m.mean);
    if (v.size() > 1) m.sd = std::sqrt(ss / static_cast<double>(v.size() - 1));
    m.min = *std::min_element(v.begin(), v.end());
    m.max = *std::max_element(v.begin(), v.end());
    return m;
}

std::string meanSdText(double mean, double sd, int decimals) { return fixed(mean, decimals) + " ± " + fixed(sd, decimals); }

// ---- cases ----

std::string placementText(const pt::Case& c) { return c.placementNote.empty() ? "as planned" : c.placementNote; }

std::string describeDevice(const device::Catalog& cat, const std::string& leadId, const std::string& ipgId) {
    return cat.lead(leadId).displayName + " + " + cat.ipg(ipgId).displayName;
}

json caseJson(const pt::Case& c, const device::Catalog& cat) {
    const auto& p = c.placement;
    return {{"id", c.id}, {"title", c.title}, {"diagnosis", c.diagnosis}, {"target", c.target},
            {"hemisphere", c.hemisphere}, {"description", c.description},
            {"lead", c.leadId}, {"lead_name", cat.lead(c.leadId).displayName},
            {"ipg", c.ipgId}, {"ipg_name", cat.ipg(c.ipgId).displayName},
            {"program", c.program.toString()}, {"impedance_ohm", c.impedanceOhm},
            {"placement_note", c.placementNote},
            {"placement", {{"tip_offset_mm", {p.tipOffsetMm.x(), p.tipOffsetMm.y(), p.tipOffsetMm.z()}},
                           {"tilt_lateral_deg", p.tiltLateralDeg}, {"tilt_anterior_deg", p.tiltAnteriorDeg},
                           {"marker_deg", p.markerDeg}}},
            {"clinical_scale", c.clinicalScale}, {"clinical_scale_max", c.clinicalScaleMax},
            {"baseline_score", c.baselineSeverity}};
}

void printCases(const std::vector<pt::Case>& cases, const device::Catalog& cat) {
    for (const auto& c : cases) {
        std::cout << c.id << "   " << c.title << "\n";
        Table t({{"", kLeft}, {"", kLeft}});
        t.add({"diagnosis", c.diagnosis});
        t.add({"target", c.target + ", " + c.hemisphere + " hemisphere"});
        t.add({"device", describeDevice(cat, c.leadId, c.ipgId) + "; arrives with " + c.program.toString()});
        t.add({"placement", placementText(c)});
        t.add({"baseline", fixed(c.baselineSeverity, 1) + " of " + fixed(c.clinicalScaleMax, 0) + " " + c.clinicalScale +
                               " (stimulation off)"});
        t.print("  ");  // no headers: a label column and its values
        std::cout << "\n";
    }
    std::cout << cases.size() << " cases. Default: " << pt::kDefaultCaseId
              << ". Try: dbsprog evaluate --case ID --after 3mo\n";
}

// ---- evaluate ----

const char* roleName(pt::PathwayRole role) { return role == pt::PathwayRole::Target ? "target" : "side effect"; }

json sideEffectJson(const pt::SideEffectReading& s) {
    return {{"id", s.id}, {"name", s.name}, {"activation_fraction", s.activation}, {"grade", s.grade},
            {"delayed", s.delayed}, {"patient_says", s.patientSays}, {"clinician_sees", s.clinicianSees}};
}

/// One column of the severity table: the patient at one moment.
struct Reading {
    std::string label;  ///< "off", "acute", "3mo"
    double timeS = 0.0; ///< since switching on; 0 for the off state
    pt::Severity severity;
};

json severityJson(const Reading& r) {
    json regions = json::array();
    for (const auto& g : r.severity.regions)
        regions.push_back({{"id", g.id}, {"name", g.name}, {"severity_percent", g.percent}});
    json delayed = json::array();
    for (const auto& s : r.severity.delayedSideEffects) delayed.push_back(sideEffectJson(s));
    return {{"label", r.label}, {"time_s", r.timeS}, {"severity_percent", r.severity.percent},
            {"clinical_score", r.severity.clinicalScore}, {"relief_fraction", r.severity.relief},
            {"stress_factor", r.severity.stressFactor}, {"regions", regions}, {"delayed_side_effects", delayed}};
}

struct EvaluateArgs {
    std::string caseId = pt::kDefaultCaseId;
    std::string program;  ///< "" = the case's own program
    std::vector<std::string> after;
    double stress = kStressMin;
    int threads = defaultThreads();
    bool json = false;
};

/// Durations after switching on, ascending and without repeats (a time course reads left to right).
std::vector<std::pair<std::string, double>> parseAfter(const std::vector<std::string>& texts) {
    std::vector<std::pair<std::string, double>> out;
    for (const auto& t : texts) out.emplace_back(t, pt::parseDurationS(t, "--after"));
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    out.erase(std::unique(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second == b.second; }), out.end());
    for (auto& [label, seconds] : out) label = pt::formatDuration(seconds);
    return out;
}

void printEvaluation(const pt::VirtualPatient& vp, const pt::Evaluation& e, const std::vector<Reading>& readings, double stress) {
    const pt::Case& c = vp.caseData();
    const pt::Anatomy& a = vp.anatomy();
    std::cout << "Case      " << c.id << "   " << c.title << "\n"
              << "Program   " << e.program.toString() << "   (" << vp.lead().displayName << " + " << vp.ipg().displayName << ")"
              << (e.stimulating ? "" : "   stimulation off") << "\n"
              << "Stress    " << fixed(stress, 2) << " (0 calm .. 1 very stressed): contractions x"
              << fixed(readings.front().severity.stressFactor, 2) << "\n\n";

    std::cout << "Activation (fraction of each pathway's axons firing)\n";
    Table act({{"pathway", kLeft}, {"role", kLeft}, {"firing %", kRight}});
    for (size_t p = 0; p < a.pathways.size(); ++p)
        act.add({a.pathways[p].name, roleName(a.pathways[p].role), percentText(e.pathwayActivation[p])});
    act.print("  ");

    std::cout << "\nBenefit once the program has taken full effect\n";
    Table ben({{"symptom component", kLeft}, {"kind", kLeft}, {"share %", kRight}, {"target firing %", kRight},
               {"relief %", kRight}});
    for (size_t k = 0; k < e.components.size(); ++k) {
        const auto& comp = c.components[k];
        ben.add({comp.name, pt::componentKindName(comp.kind), percentText(comp.share, 0),
                 percentText(e.components[k].targetActivation), percentText(e.components[k].steadyRelief)});
    }
    ben.add({"total (share-weighted)", "", "", "", percentText(e.steadyRelief)});
    ben.print("  ");

    std::cout << "\nSide effects (acute: appear and go with the stimulus; delayed: the grade this program builds to)\n";
    Table se({{"side effect", kLeft}, {"firing %", kRight}, {"grade 0-4", kRight}, {"onset", kLeft}});
    for (const auto& s : e.sideEffects)
        se.add({s.name, percentText(s.activation), std::to_string(s.grade), s.delayed ? "delayed (weeks)" : "acute"});
    se.print("  ");

    std::string says, sees;
    for (const auto& s : e.sideEffects) {
        if (s.grade == 0 || s.delayed) continue;
        says += (says.empty() ? "" : "; ") + ("\"" + s.patientSays + "\"");
        sees += (sees.empty() ? "" : "; ") + s.clinicianSees;
    }
    std::cout << "\nPatient says     " << (says.empty() ? "nothing unusual (no acute side effect)" : says) << "\n"
              << "Clinician sees   " << (sees.empty() ? "no acute side effect" : sees) << "\n";

    std::cout << "\nSeverity (off = long-term off state; acute = " << pt::formatDuration(kAcuteReadingS)
              << " after switching on; then time since switching on)\n";
    std::vector<Table::Column> cols{{"", kLeft}};
    for (const auto& r : readings) cols.push_back({r.label, kRight});
    Table sev(cols);
    const auto row = [&](const std::string& label, auto cell) {
        std::vector<std::string> cells{label};
        for (const auto& r : readings) cells.push_back(cell(r.severity));
        sev.add(cells);
    };
    row("overall %", [](const pt::Severity& s) { return fixed(s.percent, 1); });
    row(c.clinicalScale + " (of " + fixed(c.clinicalScaleMax, 0) + ")", [](const pt::Severity& s) { return fixed(s.clinicalScore, 1); });
    row("relief %", [](const pt::Severity& s) { return percentText(s.relief); });
    for (size_t g = 0; g < readings.front().severity.regions.size(); ++g)
        row(readings.front().severity.regions[g].name + " %", [g](const pt::Severity& s) { return fixed(s.regions[g].percent, 1); });
    for (size_t d = 0; d < readings.front().severity.delayedSideEffects.size(); ++d)
        row(readings.front().severity.delayedSideEffects[d].name + " (grade)",
            [d](const pt::Severity& s) { return std::to_string(s.delayedSideEffects[d].grade); });
    sev.print("  ");

    // Delayed effects in words at the last time asked for: what a follow-up visit would find.
    const Reading& last = readings.back();
    for (const auto& s : last.severity.delayedSideEffects)
        if (s.grade > 0)
            std::cout << "\nAt " << last.label << ": " << s.name << " grade " << s.grade << "\n"
                      << "  Patient says     \"" << s.patientSays << "\"\n"
                      << "  Clinician sees   " << s.clinicianSees << "\n";
}

json evaluationJson(const pt::VirtualPatient& vp, const pt::Evaluation& e, const std::vector<Reading>& readings, double stress) {
    const pt::Case& c = vp.caseData();
    const pt::Anatomy& a = vp.anatomy();
    json pathways = json::array();
    for (size_t p = 0; p < a.pathways.size(); ++p)
        pathways.push_back({{"id", a.pathways[p].id}, {"name", a.pathways[p].name},
                            {"role", a.pathways[p].role == pt::PathwayRole::Target ? "target" : "side-effect"},
                            {"activation_fraction", e.pathwayActivation[p]}});
    json components = json::array();
    for (size_t k = 0; k < e.components.size(); ++k)
        components.push_back({{"id", e.components[k].id}, {"name", c.components[k].name},
                              {"kind", pt::componentKindName(c.components[k].kind)}, {"share_fraction", c.components[k].share},
                              {"target_activation_fraction", e.components[k].targetActivation},
                              {"steady_relief_fraction", e.components[k].steadyRelief}});
    json sideEffects = json::array();
    for (const auto& s : e.sideEffects) sideEffects.push_back(sideEffectJson(s));
    json after = json::array();
    for (size_t i = 2; i < readings.size(); ++i) after.push_back(severityJson(readings[i]));
    return {{"case", c.id}, {"program", e.program.toString()}, {"lead", vp.lead().id}, {"ipg", vp.ipg().id},
            {"stimulating", e.stimulating}, {"stress", stress},
            {"clinical_scale", c.clinicalScale}, {"clinical_scale_max", c.clinicalScaleMax},
            {"pathways", pathways}, {"components", components}, {"steady_relief_fraction", e.steadyRelief},
            {"side_effects", sideEffects}, {"max_acute_grade", e.maxAcuteGrade},
            {"off", severityJson(readings[0])}, {"acute", severityJson(readings[1])}, {"after", after}};
}

void runEvaluate(const EvaluateArgs& args, const Options& options) {
    if (!(args.stress >= kStressMin && args.stress <= kStressMax))
        throw InputError("--stress", "stress", asTyped(args.stress), "a number from 0 (calm) to 1 (very stressed)");
    requireThreads(args.threads);
    const auto after = parseAfter(args.after);  // bad durations fail before the patient is built

    pt::PatientOptions po;
    po.threads = args.threads;
    const pt::VirtualPatient vp(pt::findCase(options.modelsDir, args.caseId), options.modelsDir, po);
    const device::Program program = args.program.empty() ? vp.caseData().program : device::parseProgram(args.program);
    const pt::Evaluation e = vp.evaluate(program);

    pt::PatientState off = vp.initialState();
    off.stress = args.stress;
    std::vector<Reading> readings{{"off", 0.0, vp.severity(off)}};
    const auto readingAt = [&](const std::string& label, double seconds) {
        pt::PatientState s = off;  // every reading starts from the long-term off state
        vp.advance(s, e, seconds);
        readings.push_back({label, seconds, vp.severity(s)});
    };
    readingAt("acute", kAcuteReadingS);
    for (const auto& [label, seconds] : after) readingAt(label, seconds);

    if (args.json) printJson(evaluationJson(vp, e, readings, args.stress));
    else printEvaluation(vp, e, readings, args.stress);
}

// ---- review ----

struct ReviewArgs {
    std::string caseId = pt::kDefaultCaseId;
    double pulseWidthUs = pt::ReviewOptions{}.pulseWidthUs;
    double frequencyHz = pt::ReviewOptions{}.frequencyHz;
    std::string mode;  ///< "" = the review's default (voltage where the generator has it)
    std::optional<double> maxAmplitude;
    int threads = defaultThreads();
    bool json = false;
};

/// Refuses a review setting the generator cannot deliver, naming the option and the device range.
void requireOnDevice(const device::SteppedRange& range, double value, const std::string& option, const std::string& unit,
                     const device::Ipg& ipg) {
    if (!range.contains(value) || !range.onStep(value))
        throw InputError(option, option.substr(2), asTyped(value) + " " + unit, range.describe(unit) + " on " + ipg.displayName);
}

pt::ReviewOptions reviewOptions(const ReviewArgs& args, const pt::VirtualPatient& vp) {
    pt::ReviewOptions ro;
    requireOnDevice(vp.ipg().pulseWidthUs, args.pulseWidthUs, "--pulse-width", "us", vp.ipg());
    requireOnDevice(vp.ipg().frequencyHz, args.frequencyHz, "--frequency", "Hz", vp.ipg());
    ro.pulseWidthUs = args.pulseWidthUs;
    ro.frequencyHz = args.frequencyHz;
    if (!args.mode.empty()) {
        if (args.mode != "voltage" && args.mode != "current")
            throw InputError("--mode", "mode", "\"" + args.mode + "\"", "voltage or current");
        ro.mode = args.mode == "current" ? device::ControlMode::Current : device::ControlMode::Voltage;
        if (!vp.ipg().supports(ro.mode)) {
            const auto other = ro.mode == device::ControlMode::Current ? device::ControlMode::Voltage : device::ControlMode::Current;
            throw InputError("--mode", "mode", args.mode, std::string(modeName(other)) + " (the only mode of the " + vp.ipg().displayName + ")");
        }
    }
    if (args.maxAmplitude) {
        if (!(*args.maxAmplitude > 0.0)) throw InputError("--max-amplitude", "max-amplitude", asTyped(*args.maxAmplitude), "a positive amplitude");
        ro.maxAmplitude = args.maxAmplitude;
    }
    return ro;
}

json reviewJson(const pt::VirtualPatient& vp, const pt::Review& r) {
    json rows = json::array();
    for (const auto& row : r.rows)
        rows.push_back({{"contact", row.contact}, {"efficacy_threshold", optionalJson(row.efficacyThreshold)},
                        {"side_effect_threshold", optionalJson(row.sideEffectThreshold)},
                        {"first_side_effect", row.firstSideEffect}, {"window", optionalJson(row.window)},
                        {"window_open_ended", row.window.has_value() && !row.sideEffectThreshold.has_value()},
                        {"relief_below_side_effect_fraction", row.reliefAtSideEffectThreshold}});
    return {{"case", vp.caseData().id}, {"lead", vp.lead().id}, {"ipg", vp.ipg().id},
            {"mode", modeName(r.options.mode)}, {"amplitude_unit", unitName(r.options.mode)},
            {"pulse_width_us", r.options.pulseWidthUs}, {"frequency_Hz", r.options.frequencyHz},
            {"amplitude_step", r.amplitudeStep}, {"max_amplitude", r.maxAmplitude},
            {"benefit_criterion_fraction", r.options.benefitCriterion}, {"side_effect_grade", r.options.sideEffectGrade},
            {"rows", rows}};
}

void printReview(const pt::VirtualPatient& vp, const pt::Review& r) {
    const std::string unit = unitName(r.options.mode);
    const int dec = decimalsForStep(r.amplitudeStep);
    const auto amp = [&](double v) { return fixed(v, dec); };
    std::cout << "Monopolar review   " << vp.caseData().id << " on " << vp.lead().displayName << " + " << vp.ipg().displayName << "\n"
              << "Settings           " << fixed(r.options.pulseWidthUs, 0) << " us, " << fixed(r.options.frequencyHz, 0) << " Hz, "
              << modeName(r.options.mode) << " mode; amplitude in " << amp(r.amplitudeStep) << " " << unit << " steps up to "
              << amp(r.maxAmplitude) << " " << unit << "\n"
              << "Efficacy           steady relief reaches " << percentText(r.options.benefitCriterion, 0)
              << " % of the best any contact gives\n"
              << "Side effect        the first of grade " << r.options.sideEffectGrade << " or more\n\n";
    Table t({{"contact", kLeft}, {"efficacy " + unit, kRight}, {"side effect " + unit, kRight}, {"first side effect", kLeft},
             {"window " + unit, kRight}, {"relief below side effect %", kRight}});
    const pt::ReviewRow* best = nullptr;
    for (const auto& row : r.rows) {
        const std::string window = !row.window ? "-" : (row.sideEffectThreshold ? "" : "≥ ") + amp(*row.window);
        t.add({row.contact, row.efficacyThreshold ? amp(*row.efficacyThreshold) : "> " + amp(r.maxAmplitude),
               row.sideEffectThreshold ? amp(*row.sideEffectThreshold) : "> " + amp(r.maxAmplitude),
               row.firstSideEffect.empty() ? "-" : row.firstSideEffect, window, percentText(row.reliefAtSideEffectThreshold, 0)});
        if (row.window && (!best || *row.window > *best->window)) best = &row;
    }
    t.print();
    const bool anyNegative = std::any_of(r.rows.begin(), r.rows.end(), [](const pt::ReviewRow& row) { return row.window && *row.window < 0.0; });
    if (anyNegative) std::cout << "(a negative window: side effects come before the benefit on that contact)\n";
    std::cout << "\n"
              << (best ? "Widest window: contact " + best->contact + " (" + amp(*best->window) + " " + unit + ")"
                       : std::string("No contact reached the efficacy criterion below the review maximum"))
              << "\n";
}

void runReview(const ReviewArgs& args, const Options& options) {
    requireThreads(args.threads);
    pt::PatientOptions po;
    po.threads = args.threads;
    const pt::VirtualPatient vp(pt::findCase(options.modelsDir, args.caseId), options.modelsDir, po);
    const pt::Review review = vp.monopolarReview(reviewOptions(args, vp));
    if (args.json) printJson(reviewJson(vp, review));
    else printReview(vp, review);
}

// ---- trial ----

struct TrialArgs {
    std::string specPath;
    int threads = defaultThreads();
    bool json = false;
};

std::vector<const pt::TrialPatient*> armPatients(const pt::TrialResult& r, const std::string& arm) {
    std::vector<const pt::TrialPatient*> out;
    for (const auto& p : r.patients)
        if (p.arm == arm) out.push_back(&p);
    return out;
}

std::string armUnit(const std::vector<const pt::TrialPatient*>& patients) { return patients.empty() ? "" : patients.front()->unit; }

MeanSd armBattery(const std::vector<const pt::TrialPatient*>& patients) {
    std::vector<double> months;
    for (const auto* p : patients)
        if (p->batteryLifeMonths) months.push_back(*p->batteryLifeMonths);
    return meanSd(months);
}

MeanSd armAmplitude(const std::vector<const pt::TrialPatient*>& patients) {
    std::vector<double> v;
    for (const auto* p : patients) v.push_back(p->amplitude);
    return meanSd(v);
}

json trialJson(const pt::TrialResult& r) {
    const pt::TrialSpec& s = r.spec;
    json timePoints = json::array();
    for (const double t : s.timePointsS) timePoints.push_back({{"label", pt::formatDuration(t)}, {"time_s", t}});
    json arms = json::array();
    for (size_t a = 0; a < r.arms.size(); ++a) {
        const auto& arm = r.arms[a];
        const auto patients = armPatients(r, arm.name);
        const MeanSd battery = armBattery(patients);
        const MeanSd amplitude = armAmplitude(patients);
        json points = json::array();
        for (const auto& p : arm.points)
            points.push_back({{"time", pt::formatDuration(p.timeS)}, {"time_s", p.timeS},
                              {"mean_change_points", p.meanChange}, {"sd_change_points", p.sdChange},
                              {"mean_change_percent", p.meanPercentChange}, {"sd_change_percent", p.sdPercentChange},
                              {"median_change_percent", p.medianPercentChange}});
        json armJ = {{"name", arm.name}, {"n", patients.size()},
                     {"mean_baseline_points", arm.meanBaseline}, {"sd_baseline_points", arm.sdBaseline},
                     {"mean_amplitude", arm.meanAmplitude}, {"sd_amplitude", amplitude.sd}, {"amplitude_unit", armUnit(patients)},
                     {"points", points}};
        if (a < s.arms.size()) {
            armJ["stimulation"] = s.arms[a].stimulation;
            armJ["sham_until_s"] = optionalJson(s.arms[a].shamUntilS);
        }
        armJ["battery_life_months"] = battery.n == 0 ? json(nullptr)
                                                     : json{{"n", battery.n}, {"mean", battery.mean}, {"sd", battery.sd},
                                                            {"min", battery.min}, {"max", battery.max}};
        arms.push_back(armJ);
    }
    json patients = json::array();
    for (const auto& p : r.patients)
        patients.push_back({{"id", p.id}, {"arm", p.arm}, {"contact", p.contact}, {"amplitude", p.amplitude},
                            {"amplitude_unit", p.unit}, {"side_effect_threshold", p.sideEffectThreshold},
                            {"baseline_points", p.baselineScore}, {"scores_points", p.scores},
                            {"battery_life_months", optionalJson(p.batteryLifeMonths)}});
    return {{"name", s.name}, {"cohort", s.cohortId}, {"patients_per_arm", s.patientsPerArm}, {"seed", s.seed},
            {"pulse_width_us", s.pulseWidthUs}, {"frequency_Hz", s.frequencyHz},
            {"margin_below_side_effect", s.marginBelowSideEffect}, {"scale", r.scale},
            {"time_points", timePoints}, {"arms", arms}, {"patients", patients}};
}

void printTrial(const pt::TrialResult& r) {
    const pt::TrialSpec& s = r.spec;
    std::cout << "Trial        " << s.name << "\n"
              << "Cohort       " << s.cohortId << ", " << s.patientsPerArm << " per arm, seed " << s.seed << "\n"
              << "Programming  best contact of a monopolar review, " << fixed(s.pulseWidthUs, 0) << " us, "
              << fixed(s.frequencyHz, 0) << " Hz, amplitude " << fixed(s.marginBelowSideEffect, 2)
              << (r.patients.empty() ? "" : " " + r.patients.front().unit) << " below the side-effect threshold\n"
              << "Scale        " << r.scale << " (change from baseline; negative = better)\n\n";

    Table arms({{"arm", kLeft}, {"n", kRight}, {"stimulation", kLeft}, {"baseline (mean ± SD)", kRight},
                {"amplitude (mean ± SD)", kRight}, {"battery life, months (bilateral)", kLeft}});
    for (size_t a = 0; a < r.arms.size(); ++a) {
        const auto& arm = r.arms[a];
        const auto patients = armPatients(r, arm.name);
        const MeanSd battery = armBattery(patients);
        std::string stim = "on";
        if (a < s.arms.size() && !s.arms[a].stimulation)
            stim = s.arms[a].shamUntilS ? "sham until " + pt::formatDuration(*s.arms[a].shamUntilS) : "sham throughout";
        const std::string batteryText =
            battery.n == 0 ? "- (rechargeable or off)"
                           : meanSdText(battery.mean, battery.sd, 1) + " (" + fixed(battery.min, 1) + "–" + fixed(battery.max, 1) + ")";
        arms.add({arm.name, std::to_string(patients.size()), stim, meanSdText(arm.meanBaseline, arm.sdBaseline, 1),
                  meanSdText(arm.meanAmplitude, armAmplitude(patients).sd, 2) + " " + armUnit(patients), batteryText});
    }
    arms.print();

    std::cout << "\n";
    Table points({{"arm", kLeft}, {"time", kRight}, {"change, points (mean ± SD)", kRight}, {"change, % (mean ± SD)", kRight},
                  {"change, % (median)", kRight}});
    for (const auto& arm : r.arms)
        for (size_t i = 0; i < arm.points.size(); ++i) {
            const auto& p = arm.points[i];
            points.add({i == 0 ? arm.name : "", pt::formatDuration(p.timeS), meanSdText(p.meanChange, p.sdChange, 1),
                        meanSdText(p.meanPercentChange, p.sdPercentChange, 1), fixed(p.medianPercentChange, 1)});
        }
    points.print();
}

void runTrial(const TrialArgs& args, const Options& options) {
    requireThreads(args.threads);
    const pt::TrialResult result = pt::runTrial(pt::loadTrialSpec(args.specPath), options.modelsDir, args.threads);
    if (args.json) printJson(trialJson(result));
    else printTrial(result);
}

}  // namespace

void addPatientCommands(CLI::App& app, const Options& options, Action& action) {
    auto jsonFlag = std::make_shared<bool>(false);
    auto* cases = app.add_subcommand("cases", "list the virtual patients: diagnosis, target, lead, generator, placement, scale");
    cases->add_flag("--json", *jsonFlag, "machine-readable output");
    cases->callback([&, jsonFlag] {
        action = [&, jsonFlag] {
            const auto all = pt::loadCases(options.modelsDir);
            const auto cat = device::loadCatalog(options.modelsDir);
            if (!*jsonFlag) return printCases(all, cat);
            json out = json::array();
            for (const auto& c : all) out.push_back(caseJson(c, cat));
            printJson(out);
        };
    });

    auto ev = std::make_shared<EvaluateArgs>();
    auto* evaluate = app.add_subcommand("evaluate", "what a program does to a patient: activation, benefit, side effects, severity over time");
    evaluate->add_option("--case", ev->caseId, "case id (see 'dbsprog cases')")->capture_default_str();
    evaluate->add_option("--program", ev->program, "program, e.g. \"C+ 1- 3.0V 90us 130Hz\" (default: the case's own)");
    evaluate->add_option("--after", ev->after, "also show the patient this long after switching on: 30s, 10min, 2h, 1d, 2w, 3mo, 1y (repeatable)");
    evaluate->add_option("--stress", ev->stress, "stress, fatigue, anxiety: 0 calm .. 1 very stressed")->capture_default_str();
    evaluate->add_option("--threads", ev->threads, "worker threads (results do not depend on it)")->capture_default_str();
    evaluate->add_flag("--json", ev->json, "machine-readable output");
    evaluate->callback([&, ev] { action = [&, ev] { runEvaluate(*ev, options); }; });

    auto rv = std::make_shared<ReviewArgs>();
    auto* review = app.add_subcommand("review", "automated monopolar review: efficacy and side-effect thresholds per contact");
    review->add_option("--case", rv->caseId, "case id (see 'dbsprog cases')")->capture_default_str();
    review->add_option("--pulse-width", rv->pulseWidthUs, "pulse width, us")->capture_default_str();
    review->add_option("--frequency", rv->frequencyHz, "frequency, Hz")->capture_default_str();
    review->add_option("--mode", rv->mode, "voltage or current (default: voltage where the generator has it)");
    review->add_option("--max-amplitude", rv->maxAmplitude, "highest amplitude tried, in the review's unit (default: models/response/review.json)");
    review->add_option("--threads", rv->threads, "worker threads (results do not depend on it)")->capture_default_str();
    review->add_flag("--json", rv->json, "machine-readable output");
    review->callback([&, rv] { action = [&, rv] { runReview(*rv, options); }; });

    auto tr = std::make_shared<TrialArgs>();
    auto* trial = app.add_subcommand("trial", "simulated randomized trial on a virtual cohort (spec: examples/trial-*.json)");
    trial->add_option("spec", tr->specPath, "trial spec JSON")->required();
    trial->add_option("--threads", tr->threads, "worker threads (results do not depend on it)")->capture_default_str();
    trial->add_flag("--json", tr->json, "machine-readable output (with per-patient records)");
    trial->callback([&, tr] { action = [&, tr] { runTrial(*tr, options); }; });
}

}  // namespace dbsprog::cli
