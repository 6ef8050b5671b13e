// Research sweeps: spec validation, the grid's rows, determinism across threads and shards, merge
// checks, physical sanity of the rows, and the dbsprog sweep / merge commands end to end.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "../cli/cli_run.hpp"
#include "dbsprog/device/check.hpp"
#include "dbsprog/error.hpp"
#include "dbsprog/io/paths.hpp"
#include "dbsprog/patient/cohort.hpp"
#include "dbsprog/patient/virtual_patient.hpp"
#include "dbsprog/sweep/spec.hpp"
#include "dbsprog/sweep/sweep.hpp"

using namespace dbsprog;
namespace fs = std::filesystem;

namespace {

const std::string kModels = DBSPROG_TEST_MODELS_DIR;

// One case, four configurations (one of them a segment the 3389 lacks), amplitudes including one
// above the Activa PC's 10.5 V, two pulse widths, and a frequency above its 250 Hz: 4 x 7 x 2 x 2 rows.
const std::string kSpec = R"({
  "description": "test grid",
  "cases": ["dyt1-generalized"],
  "configurations": ["C+ 1-", "C+ 2-", "1- 2+", "C+ 2a-"],
  "amplitudes": [0, 0.5, 1, 2, 3, 4.5, 11],
  "unit": "V",
  "pulse_widths_us": [60, 90],
  "frequencies_hz": [130, 300]
})";
constexpr std::size_t kSpecRows = 4 * 7 * 2 * 2;
constexpr double kActivaVoltageStepV = 0.05;  // models/ipgs/activa-pc.json
/// Activation is printed with 4 decimals.
constexpr double kActivationPrintTolerance = 5e-5 + 1e-12;

/// A fresh directory for one test's files.
fs::path scratchDir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("dbsprog-test-sweep-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

std::string writeText(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
}

std::string readText(const fs::path& path) { return io::readFile(path.string()); }

/// The InputError a call throws (fails the test if it throws nothing or something else).
template <typename F>
InputError inputErrorOf(F f) {
    try {
        f();
    } catch (const InputError& e) {
        return e;
    }
    ADD_FAILURE() << "expected an InputError";
    return InputError("", "", "", "");
}

sweep::SweepSpec specFrom(const std::string& json) { return sweep::parseSweepSpec(json, "spec.json"); }

/// The spec text with one top-level key replaced (or added) by `value` (JSON text).
std::string withKey(const std::string& key, const std::string& value) {
    auto j = nlohmann::json::parse(kSpec);
    j[key] = nlohmann::json::parse(value);
    return j.dump();
}
std::string withoutKey(const std::string& key) {
    auto j = nlohmann::json::parse(kSpec);
    j.erase(key);
    return j.dump();
}

/// Splits one CSV line (RFC 4180 quotes).
std::vector<std::string> csvCells(const std::string& line) {
    std::vector<std::string> cells(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') cells.back() += '"', ++i;
            else if (c == '"') quoted = false;
            else cells.back() += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            cells.emplace_back();
        } else {
            cells.back() += c;
        }
    }
    return cells;
}

/// A sweep CSV read back: header names and rows as cells.
struct Table {
    std::string partLine;
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;

    std::size_t column(const std::string& name) const {
        const auto it = std::find(columns.begin(), columns.end(), name);
        EXPECT_NE(it, columns.end()) << "no column " << name;
        return static_cast<std::size_t>(it - columns.begin());
    }
    const std::string& cell(std::size_t row, const std::string& name) const { return rows.at(row).at(column(name)); }
    double number(std::size_t row, const std::string& name) const { return std::stod(cell(row, name)); }
};

Table parseTable(const std::string& csv) {
    Table t;
    std::istringstream in(csv);
    std::string line;
    std::getline(in, t.partLine);
    std::getline(in, line);
    t.columns = csvCells(line);
    while (std::getline(in, line)) t.rows.push_back(csvCells(line));
    return t;
}

sweep::SweepOptions threads(int n, sweep::Shard shard = {}) {
    sweep::SweepOptions o;
    o.threads = n;
    o.shard = shard;
    return o;
}

/// The test spec planned and run once on one thread (the reference every other run must equal).
struct Reference {
    sweep::Sweep plan{specFrom(kSpec), kModels};
    std::string csv = plan.run(threads(1));
    Table table = parseTable(csv);
};
const Reference& reference() {
    static const Reference r;
    return r;
}

/// Shards 1/3, 2/3, 3/3 of the reference sweep (run on two threads).
const std::vector<std::string>& thirds() {
    static const std::vector<std::string> parts = [] {
        std::vector<std::string> out;
        for (int k = 1; k <= 3; ++k) out.push_back(reference().plan.run(threads(2, {k, 3})));
        return out;
    }();
    return parts;
}

}  // namespace

// ---- spec -----------------------------------------------------------------------------------

TEST(SweepSpec, ParsesTheDocumentedFields) {
    const auto spec = specFrom(kSpec);
    EXPECT_EQ(spec.caseIds, std::vector<std::string>{"dyt1-generalized"});
    EXPECT_EQ(spec.configurations.size(), 4u);
    EXPECT_FALSE(spec.monopolarContacts);
    ASSERT_TRUE(spec.unit.has_value());
    EXPECT_EQ(*spec.unit, device::ControlMode::Voltage);
    EXPECT_EQ(spec.pulseWidthsUs, (std::vector<double>{60, 90}));
    EXPECT_EQ(spec.frequenciesHz, (std::vector<double>{130, 300}));
    // Defaults of the window criteria are the monopolar review's.
    EXPECT_DOUBLE_EQ(spec.window.benefitCriterion, patient::ReviewOptions{}.benefitCriterion);
    EXPECT_EQ(spec.window.sideEffectGrade, patient::ReviewOptions{}.sideEffectGrade);
}

TEST(SweepSpec, AmplitudeRangeExpandsOnTheTypedValues) {
    const auto spec = specFrom(withKey("amplitudes", R"({"from": 0, "to": 1, "step": 0.1})"));
    ASSERT_EQ(spec.amplitudes.size(), 11u);
    EXPECT_EQ(spec.amplitudes[3], 0.3);  // exactly: not 0.30000000000000004
    EXPECT_EQ(spec.amplitudes.back(), 1.0);
    EXPECT_EQ(specFrom(withKey("amplitudes", R"({"from": 0.5, "to": 5, "step": 0.5})")).amplitudes.size(), 10u);
}

TEST(SweepSpec, FingerprintIgnoresLayoutButNotContent) {
    const auto a = specFrom(kSpec), b = specFrom(nlohmann::json::parse(kSpec).dump(4));
    EXPECT_EQ(a.fingerprint, b.fingerprint);
    EXPECT_NE(a.fingerprint, specFrom(withKey("frequencies_hz", "[130]")).fingerprint);
}

TEST(SweepSpec, ErrorsNameFileFieldValueAndAllowed) {
    struct Case {
        std::string json, field, allowedPart;
    };
    const std::vector<Case> cases = {
        {withKey("cohort", R"({"id": "x", "n": 3, "seed": 1})"), "cohort", "not both"},
        {withoutKey("cases"), "cases", "cohort"},
        {withKey("configurations", R"(["C+ 1- 3V"])"), "configurations[0]", "without amplitude"},
        {withKey("configurations", R"(["1-"])"), "configurations[0]", "anode"},
        {withKey("contacts", R"("monopolar")"), "contacts", "not both"},
        {withKey("amplitudes", R"({"from": 0, "to": 5, "step": 0})"), "amplitudes.step", "> 0"},
        {withKey("amplitudes", R"({"from": 0, "to": 5, "step": 0.00001})"), "amplitudes.step", "at most"},
        {withKey("amplitudes", R"([1, -2])"), "amplitudes[1]", ">= 0"},
        {withKey("amplitudes", R"([])"), "amplitudes", "non-empty"},
        {withKey("unit", R"("volts")"), "unit", "\"mA\""},
        {withKey("pulse_widths_us", R"([-60])"), "pulse_widths_us[0]", ">= 0"},
        {withKey("pulse_widths_us", R"([0])"), "pulse_widths_us[0]", "above 0"},
        {withoutKey("frequencies_hz"), "frequencies_hz", "frequencies"},
        {withKey("frequency_hz", R"([130])"), "frequency_hz", "frequencies_hz"},
        {withKey("window", R"({"side_effect_grade": 5})"), "window.side_effect_grade", "1 to 4"},
        {withKey("window", R"({"benefit_criterion": 0})"), "window.benefit_criterion", "> 0"},
    };
    for (const auto& c : cases) {
        const InputError e = inputErrorOf([&] { specFrom(c.json); });
        EXPECT_EQ(e.source(), "spec.json") << c.json;
        EXPECT_EQ(e.field(), c.field) << c.json;
        EXPECT_FALSE(e.value().empty()) << c.json;
        EXPECT_NE(e.allowed().find(c.allowedPart), std::string::npos) << c.field << ": " << e.allowed();
    }
    const InputError syntax = inputErrorOf([] { specFrom("{\"cases\": [\"a\"],\n \"unit\": }"); });
    EXPECT_EQ(syntax.field(), "JSON syntax");
    EXPECT_NE(syntax.value().find("line 2"), std::string::npos);
}

TEST(SweepSpec, UnknownCaseAndCohortAreNamedAgainstTheSpec) {
    const InputError unknownCase = inputErrorOf([] { sweep::Sweep(specFrom(withKey("cases", R"(["dyt1-generalized", "nobody"])")), kModels); });
    EXPECT_EQ(unknownCase.source(), "spec.json");
    EXPECT_EQ(unknownCase.field(), "cases[1]");
    EXPECT_EQ(unknownCase.value(), "\"nobody\"");
    EXPECT_NE(unknownCase.allowed().find("dyt1-generalized"), std::string::npos);

    auto j = nlohmann::json::parse(withoutKey("cases"));
    j["cohort"] = {{"id", "no-such-cohort"}, {"n", 2}, {"seed", 1}};
    const InputError unknownCohort = inputErrorOf([&] { sweep::Sweep(specFrom(j.dump()), kModels); });
    EXPECT_EQ(unknownCohort.field(), "cohort.id");
    EXPECT_EQ(unknownCohort.value(), "\"no-such-cohort\"");
}

TEST(SweepShard, ParsesKOfNAndRefusesTheRest) {
    const auto s = sweep::parseShard("2/3");
    EXPECT_EQ(s.index, 2);
    EXPECT_EQ(s.count, 3);
    for (const std::string bad : {"0/3", "4/3", "3", "a/b", "1/0", "-1/3", "1/3/4", "", "2 /3"}) {
        const InputError e = inputErrorOf([&] { sweep::parseShard(bad); });
        EXPECT_EQ(e.field(), "--shard") << bad;
        EXPECT_NE(e.value().find(bad), std::string::npos) << bad;
        EXPECT_NE(e.allowed().find("1 <= K <= N"), std::string::npos);
    }
}

TEST(SweepShard, ShardsTileEveryRowOnce) {
    for (std::size_t total : {0u, 1u, 2u, 10u, 111u, 1836u})
        for (int n : {1, 2, 3, 7, 16}) {
            std::size_t next = 0;
            for (int k = 1; k <= n; ++k) {
                const auto r = sweep::shardRows(total, {k, n});
                EXPECT_EQ(r.begin, next) << total << " " << k << "/" << n;
                EXPECT_LE(r.size(), total / static_cast<std::size_t>(n) + 1);
                next = r.end;
            }
            EXPECT_EQ(next, total);
        }
}

// ---- rows -----------------------------------------------------------------------------------

TEST(Sweep, RowCountIsTheProductOfTheGrid) {
    const auto& ref = reference();
    EXPECT_EQ(ref.plan.rowCount(), kSpecRows);
    ASSERT_EQ(ref.table.rows.size(), kSpecRows);
    for (std::size_t i = 0; i < kSpecRows; ++i) EXPECT_EQ(ref.table.cell(i, "row"), std::to_string(i));
    EXPECT_EQ(ref.table.partLine, "# dbsprog-sweep spec=" + ref.plan.spec().fingerprint + " rows=0:112 total=112");

    // "monopolar" expands to every contact of the case's lead: four rings on the 3389.
    auto j = nlohmann::json::parse(kSpec);
    j.erase("configurations");
    j["contacts"] = "monopolar";
    const sweep::Sweep monopolar(specFrom(j.dump()), kModels);
    EXPECT_EQ(monopolar.rowCount(), 4u * 7 * 2 * 2);
    ASSERT_EQ(monopolar.cases().at(0).configurations.size(), 4u);
    EXPECT_EQ(monopolar.cases()[0].configurations[2].text, "C+ 2-");
}

TEST(Sweep, ColumnsFollowTheDocumentedOrder) {
    const auto& t = reference().table;
    const std::vector<std::string> leading = {"row", "case", "configuration", "amplitude", "unit", "pulse_width_us", "frequency_hz", "status"};
    ASSERT_GE(t.columns.size(), leading.size());
    EXPECT_TRUE(std::equal(leading.begin(), leading.end(), t.columns.begin()));
    // Every pathway and side effect of the GPi anatomy, then the window and device columns last.
    const patient::Anatomy gpi = patient::findAnatomy(kModels, "GPi");
    for (const auto& p : gpi.pathways) EXPECT_LT(t.column("activation_" + p.id), t.column("steady_relief_percent"));
    for (const auto& s : gpi.sideEffects) EXPECT_GT(t.column("grade_" + s.id), t.column("steady_severity"));
    EXPECT_EQ(t.columns.back(), "recharge_interval_days");
    for (const auto& row : t.rows) EXPECT_EQ(row.size(), t.columns.size());
}

TEST(Sweep, RefusedSettingsKeepTheirRowWithTheReason) {
    const auto& t = reference().table;
    std::map<std::string, int> refusedFor;
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
        const std::string& status = t.cell(i, "status");
        const bool badAmplitude = t.cell(i, "amplitude") == "11.000", badFrequency = t.cell(i, "frequency_hz") == "300.0";
        const bool badContact = t.cell(i, "configuration") == "C+ 2a-";
        if (!badAmplitude && !badFrequency && !badContact) {
            EXPECT_EQ(status, "ok") << "row " << i;
            continue;
        }
        ASSERT_EQ(status.rfind("refused: ", 0), 0u) << "row " << i << ": " << status;
        // The device check reports amplitude before pulse width and frequency, then contacts.
        const std::string expected = badAmplitude ? "amplitude 11.0V" : badFrequency ? "frequency 300Hz" : "contact \"2a\"";
        EXPECT_NE(status.find(expected), std::string::npos) << status;
        EXPECT_NE(status.find("allowed"), std::string::npos) << status;
        ++refusedFor[expected];
        EXPECT_EQ(t.cell(i, "activation_gpi-sensorimotor"), "");
        EXPECT_EQ(t.cell(i, "teed_uJ_per_s"), "");
    }
    EXPECT_EQ(refusedFor["amplitude 11.0V"], 4 * 2 * 2);        // one amplitude in every group
    EXPECT_EQ(refusedFor["frequency 300Hz"], 4 * 6 * 2);        // the other amplitudes at 300 Hz
    EXPECT_EQ(refusedFor["contact \"2a\""], 6 * 2 * 1);         // what is left of "C+ 2a-"
}

TEST(Sweep, ActivationReliefAndGradesRiseWithAmplitude) {
    const auto& t = reference().table;
    std::vector<std::string> rising;
    for (const auto& c : t.columns)
        if (c.rfind("activation_", 0) == 0 || c.rfind("grade_", 0) == 0) rising.push_back(c);
    rising.push_back("steady_relief_percent");
    rising.push_back("teed_uJ_per_s");
    std::map<std::string, std::size_t> lastOkRow;  // per (configuration, pulse width, frequency)
    int compared = 0;
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
        if (t.cell(i, "status") != "ok") continue;
        const std::string group = t.cell(i, "configuration") + "|" + t.cell(i, "pulse_width_us") + "|" + t.cell(i, "frequency_hz");
        const auto prev = lastOkRow.find(group);
        if (prev != lastOkRow.end()) {
            ASSERT_GT(t.number(i, "amplitude"), t.number(prev->second, "amplitude"));
            for (const auto& c : rising) EXPECT_GE(t.number(i, c), t.number(prev->second, c)) << c << " row " << i;
            EXPECT_LE(t.number(i, "steady_severity"), t.number(prev->second, "steady_severity") + 1e-9) << "row " << i;
            ++compared;
        }
        lastOkRow[group] = i;
    }
    EXPECT_EQ(compared, 3 * 2 * 5);  // three valid configurations, two pulse widths, six amplitudes each
    // And the top of the range really activates: not a sweep of zeros.
    EXPECT_GT(t.number(5, "activation_gpi-sensorimotor"), 0.2);
}

TEST(Sweep, RowsAgreeWithTheDeviceCheckAndThePatient) {
    const auto& t = reference().table;
    const patient::Case c = patient::findCase(kModels, "dyt1-generalized");
    // Row 4: C+ 1-, 3 V, 60 us, 130 Hz into 1000 ohm: TEED 3^2 * 130 * 60e-6 / 1000 = 70.2 uJ/s (Koss),
    // 3 mA * 60 us = 0.18 uC on the 5.985 mm2 ring.
    ASSERT_EQ(t.cell(4, "configuration"), "C+ 1-");
    ASSERT_EQ(t.cell(4, "amplitude"), "3.000");
    EXPECT_NEAR(t.number(4, "teed_uJ_per_s"), 70.2, 1e-3);
    EXPECT_NEAR(t.number(4, "max_charge_density_uC_per_cm2"), 0.18 / 0.05985, 2e-3);
    EXPECT_GT(t.number(4, "battery_life_months"), 0.0);
    EXPECT_EQ(t.cell(4, "recharge_interval_days"), "");  // Activa PC: primary cell

    // At 0 V nothing fires and the severity is the case's baseline.
    EXPECT_EQ(t.number(0, "activation_gpi-sensorimotor"), 0.0);
    EXPECT_EQ(t.number(0, "steady_relief_percent"), 0.0);
    EXPECT_NEAR(t.number(0, "steady_severity"), c.baselineSeverity, 0.005);
    EXPECT_EQ(t.cell(0, "clinical_scale"), c.clinicalScale);

    // The same setting evaluated directly (full activation pass, no scan) gives the same numbers.
    patient::VirtualPatient vp(c, kModels);
    const auto direct = vp.evaluate(device::parseProgram("C+ 1- 3.0V 60us 130Hz"));
    for (std::size_t p = 0; p < vp.anatomy().pathways.size(); ++p)
        EXPECT_NEAR(t.number(4, "activation_" + vp.anatomy().pathways[p].id), direct.pathwayActivation[p], kActivationPrintTolerance);
    EXPECT_NEAR(t.number(4, "steady_relief_percent"), 100.0 * direct.steadyRelief, 0.2);
    EXPECT_NEAR(t.number(4, "steady_severity"), c.baselineSeverity * (1.0 - direct.steadyRelief), 0.1);
}

TEST(Sweep, WindowMatchesTheMonopolarReview) {
    const auto& ref = reference();
    const patient::VirtualPatient vp(patient::findCase(kModels, "dyt1-generalized"), kModels);
    const patient::Review review = vp.monopolarReview();  // 60 us, 130 Hz, volts: the rows' 60 us / 130 Hz groups
    ASSERT_EQ(review.options.pulseWidthUs, 60.0);
    ASSERT_EQ(review.options.frequencyHz, 130.0);
    const auto& t = ref.table;
    for (const auto& r : review.rows) {
        const std::string config = "C+ " + r.contact + "-";
        for (std::size_t i = 0; i < t.rows.size(); ++i) {
            if (t.cell(i, "configuration") != config || t.cell(i, "pulse_width_us") != "60.0" ||
                t.cell(i, "frequency_hz") != "130.0" || t.cell(i, "status") != "ok")
                continue;
            // The same acute side-effect criterion on the same amplitude steps; the sweep looks up to the
            // generator's maximum, the review only to its own.
            if (r.sideEffectThreshold) {
                EXPECT_NEAR(t.number(i, "side_effect_threshold"), *r.sideEffectThreshold, 1e-9) << config;
            } else if (!t.cell(i, "side_effect_threshold").empty()) {
                EXPECT_GT(t.number(i, "side_effect_threshold"), review.maxAmplitude) << config;
            }
            const std::string eff = t.cell(i, "efficacy_threshold");
            if (!eff.empty()) {
                const double steps = std::stod(eff) / kActivaVoltageStepV;
                EXPECT_NEAR(steps, std::round(steps), 1e-6) << "on the generator's amplitude step";
                if (!t.cell(i, "side_effect_threshold").empty()) {
                    EXPECT_NEAR(t.number(i, "window"), t.number(i, "side_effect_threshold") - std::stod(eff), 1.5e-3);
                }
            }
        }
    }
}

TEST(Sweep, ColumnsAreTheUnionOverAnatomiesInFirstSeenOrder) {
    // The GPi case first, then the first shipped case on another target.
    std::string otherId;
    for (const auto& c : patient::loadCases(kModels))
        if (c.target != "GPi" && otherId.empty()) otherId = c.id;
    ASSERT_FALSE(otherId.empty()) << "a shipped case on a target other than GPi";
    auto j = nlohmann::json::parse(kSpec);
    j["cases"] = {"dyt1-generalized", otherId};
    j["configurations"] = {"C+ 1-"};
    j["amplitudes"] = {2};
    j["pulse_widths_us"] = {60};
    j["frequencies_hz"] = {130};
    const sweep::Sweep plan(specFrom(j.dump()), kModels);
    const patient::Anatomy gpi = patient::findAnatomy(kModels, "GPi");
    const patient::Anatomy other = patient::findAnatomy(kModels, plan.cases()[1].caseData.target);
    std::vector<std::string> expected;
    for (const auto* a : {&gpi, &other})
        for (const auto& p : a->pathways)
            if (std::find(expected.begin(), expected.end(), p.id) == expected.end()) expected.push_back(p.id);
    EXPECT_EQ(plan.pathwayIds(), expected);

    // Each row fills its own anatomy's columns and leaves the others empty.
    const Table t = parseTable(plan.run(threads(2)));
    ASSERT_EQ(t.rows.size(), 2u);
    for (std::size_t row = 0; row < 2; ++row) {
        const patient::Anatomy& own = row == 0 ? gpi : other;
        for (const auto& id : plan.pathwayIds()) {
            const bool mine = std::any_of(own.pathways.begin(), own.pathways.end(), [&](const auto& p) { return p.id == id; });
            EXPECT_EQ(t.cell(row, "activation_" + id).empty(), !mine) << id << " row " << row;
        }
        for (const auto& id : plan.sideEffectIds()) {
            const bool mine = std::any_of(own.sideEffects.begin(), own.sideEffects.end(), [&](const auto& s) { return s.id == id; });
            EXPECT_EQ(t.cell(row, "grade_" + id).empty(), !mine) << id << " row " << row;
        }
    }
}

TEST(Sweep, CohortPatientsAreDrawnAndRunTheSameOnAnyThreadCount) {
    std::string cohortId;
    for (const auto& c : patient::loadCohorts(kModels))
        if (c.templateCaseId == "dyt1-generalized" && cohortId.empty()) cohortId = c.id;
    ASSERT_FALSE(cohortId.empty()) << "a shipped cohort drawn around dyt1-generalized";
    constexpr int kPatients = 2, kSeed = 7;
    auto j = nlohmann::json::parse(kSpec);
    j.erase("cases");
    j["cohort"] = {{"id", cohortId}, {"n", kPatients}, {"seed", kSeed}};
    j["amplitudes"] = {1, 2};
    const sweep::Sweep plan(specFrom(j.dump()), kModels);
    ASSERT_EQ(plan.cases().size(), 2u);
    EXPECT_EQ(plan.cases()[1].caseData.id, cohortId + "-7-1");
    // Two patients on two threads: each thread builds and runs its own patient.
    const std::string one = plan.run(threads(1));
    EXPECT_EQ(plan.run(threads(2)), one);
    const Table t = parseTable(one);
    ASSERT_EQ(t.rows.size(), 2u * 4 * 2 * 2 * 2);
    EXPECT_EQ(t.cell(0, "case"), cohortId + "-7-0");
    EXPECT_EQ(t.cell(t.rows.size() - 1, "case"), cohortId + "-7-1");
}

TEST(SweepExamples, ShippedSpecsParseAndPlan) {
    int specs = 0;
    for (const auto& entry : fs::directory_iterator(fs::path(kModels) / ".." / "examples")) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("sweep-", 0) != 0 || entry.path().extension() != ".json") continue;
        const sweep::Sweep plan(sweep::loadSweepSpec(entry.path().string()), kModels);
        EXPECT_GT(plan.rowCount(), 0u) << name;
        ++specs;
    }
    EXPECT_GE(specs, 2);
}

// ---- determinism, shards, merge ---------------------------------------------------------------

TEST(Sweep, BitIdenticalOnOneAndTwoThreads) {
    const auto& ref = reference();
    EXPECT_EQ(ref.plan.run(threads(2)), ref.csv);
    EXPECT_EQ(ref.plan.run(threads(3)), ref.csv);
}

TEST(Sweep, ShardsMergeToTheSingleRunByteForByte) {
    const auto& ref = reference();
    const fs::path dir = scratchDir("shards");
    std::vector<std::string> parts;
    std::size_t rows = 0;
    for (int k = 1; k <= 3; ++k) {
        const std::string& csv = thirds()[static_cast<std::size_t>(k - 1)];
        const sweep::RowRange range = sweep::shardRows(kSpecRows, {k, 3});
        const Table part = parseTable(csv);
        ASSERT_EQ(part.rows.size(), range.size());
        EXPECT_EQ(part.rows.front().front(), std::to_string(range.begin));
        EXPECT_EQ(part.partLine, sweep::formatPartLine({ref.plan.spec().fingerprint, range, kSpecRows}));
        rows += range.size();
        parts.push_back(writeText(dir / ("part" + std::to_string(k) + ".csv"), csv));
    }
    EXPECT_EQ(rows, kSpecRows);
    EXPECT_EQ(sweep::mergeParts({parts[2], parts[0], parts[1]}), ref.csv);
    // Thirds of 112 rows (37, 37, 38) cut the 14-row groups mid-way; a single part merges to itself.
    EXPECT_EQ(sweep::mergeParts({writeText(dir / "all.csv", ref.csv)}), ref.csv);
    fs::remove_all(dir);
}

TEST(Sweep, MergeRefusesMissingDuplicateAndForeignParts) {
    const fs::path dir = scratchDir("merge");
    std::vector<std::string> parts;
    for (int k = 1; k <= 3; ++k)
        parts.push_back(writeText(dir / ("part" + std::to_string(k) + ".csv"), thirds()[static_cast<std::size_t>(k - 1)]));
    const auto r2 = sweep::shardRows(kSpecRows, {2, 3}), r3 = sweep::shardRows(kSpecRows, {3, 3});

    const InputError missingMiddle = inputErrorOf([&] { sweep::mergeParts({parts[0], parts[2]}); });
    EXPECT_EQ(missingMiddle.value(), "rows " + std::to_string(r2.begin) + "-" + std::to_string(r2.end - 1) + " missing (no part holds them)");
    const InputError missingLast = inputErrorOf([&] { sweep::mergeParts({parts[0], parts[1]}); });
    EXPECT_EQ(missingLast.value(), "rows " + std::to_string(r3.begin) + "-" + std::to_string(r3.end - 1) + " missing (no part holds them)");
    EXPECT_NE(missingLast.allowed().find("exactly once"), std::string::npos);

    const InputError duplicate = inputErrorOf([&] { sweep::mergeParts({parts[0], parts[1], parts[1], parts[2]}); });
    EXPECT_EQ(duplicate.source(), parts[1]);
    EXPECT_NE(duplicate.value().find("also in " + parts[1]), std::string::npos) << duplicate.what();

    // A header that differs (another anatomy or model version): named with its column.
    std::string otherHeader = readText(parts[1]);
    otherHeader.replace(otherHeader.find("activation_optic-tract"), 22, "activation_optic-nerve");
    const std::string renamed = writeText(dir / "renamed.csv", otherHeader);
    const InputError header = inputErrorOf([&] { sweep::mergeParts({parts[0], renamed, parts[2]}); });
    EXPECT_EQ(header.source(), renamed);
    EXPECT_EQ(header.field(), "header");
    EXPECT_NE(header.value().find("activation_optic-nerve"), std::string::npos);

    // A part of another sweep (different spec).
    auto j = nlohmann::json::parse(withKey("frequencies_hz", "[130, 185]"));
    j["amplitudes"] = {1};  // small: only its first line matters here
    const sweep::Sweep other(specFrom(j.dump()), kModels);
    const std::string foreign = writeText(dir / "foreign.csv", other.run(threads(1, {2, 3})));
    const InputError spec = inputErrorOf([&] { sweep::mergeParts({parts[0], foreign, parts[2]}); });
    EXPECT_EQ(spec.field(), "spec");

    // A truncated part and a file that is not a sweep at all.
    std::string text = readText(parts[2]);
    const std::string truncated = writeText(dir / "truncated.csv", text.substr(0, text.size() - 200));
    EXPECT_EQ(inputErrorOf([&] { sweep::mergeParts({parts[0], parts[1], truncated}); }).source(), truncated);
    const std::string notSweep = writeText(dir / "other.csv", "a,b\n1,2\n");
    EXPECT_EQ(inputErrorOf([&] { sweep::mergeParts({notSweep}); }).field(), "first line");
    fs::remove_all(dir);
}

TEST(Sweep, CaseRowsWithAPrebuiltPatientEqualTheRun) {
    const auto& ref = reference();
    const patient::VirtualPatient vp(ref.plan.cases()[0].caseData, kModels);
    const sweep::RowRange all = ref.plan.caseRowRange(0);
    EXPECT_EQ(all.size(), kSpecRows);
    const std::string rows = ref.plan.caseRows(0, vp, all);
    EXPECT_EQ(ref.plan.header() + "\n" + rows, ref.csv.substr(ref.csv.find('\n') + 1));
}

// ---- command line ----------------------------------------------------------------------------

TEST(SweepCli, SweepShardsAndMergeEndToEnd) {
    const fs::path dir = scratchDir("cli");
    const std::string spec = writeText(dir / "spec.json", withKey("amplitudes", R"({"from": 0, "to": 3, "step": 1})"));
    const std::string all = (dir / "all.csv").string();
    const CliRun single = run("sweep " + spec + " --out " + all + " --threads 2");
    ASSERT_EQ(single.exitCode, 0) << single.out;
    EXPECT_NE(single.out.find("64 settings"), std::string::npos) << single.out;  // 4 x 4 x 2 x 2
    EXPECT_EQ(single.out.find('\r'), std::string::npos) << "no progress bar when stderr is not a terminal";
    const std::string csv = readText(all);
    EXPECT_EQ(parseTable(csv).rows.size(), 64u);

    std::string partArgs;
    for (int k = 1; k <= 3; ++k) {
        const std::string part = (dir / ("part" + std::to_string(k) + ".csv")).string();
        const CliRun r = run("sweep " + spec + " --out " + part + " --threads 1 --shard " + std::to_string(k) + "/3");
        ASSERT_EQ(r.exitCode, 0) << r.out;
        partArgs = " " + part + partArgs;  // given in reverse order
    }
    const std::string merged = (dir / "merged.csv").string();
    const CliRun m = run("merge" + partArgs + " --out " + merged);
    ASSERT_EQ(m.exitCode, 0) << m.out;
    EXPECT_EQ(readText(merged), csv);

    const CliRun badShard = run("sweep " + spec + " --out " + all + " --shard 4/3");
    EXPECT_EQ(badShard.exitCode, 2);
    EXPECT_NE(badShard.out.find("--shard = \"4/3\""), std::string::npos) << badShard.out;
    const CliRun badThreads = run("sweep " + spec + " --out " + all + " --threads 0");
    EXPECT_EQ(badThreads.exitCode, 2);
    EXPECT_NE(badThreads.out.find("--threads"), std::string::npos) << badThreads.out;

    const std::string badSpec = writeText(dir / "bad.json", withKey("unit", R"("kV")"));
    const CliRun bad = run("sweep " + badSpec + " --out " + all);
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_NE(bad.out.find(badSpec + ": unit = \"kV\""), std::string::npos) << bad.out;
    EXPECT_EQ(readText(all), csv) << "a failed run leaves the previous output untouched";

    const CliRun missing = run("merge " + (dir / "part1.csv").string() + " --out " + merged);
    EXPECT_EQ(missing.exitCode, 2);
    EXPECT_NE(missing.out.find("missing"), std::string::npos) << missing.out;
    fs::remove_all(dir);
}
