#include "dbsprog/sweep/spec.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "dbsprog/device/program.hpp"
#include "dbsprog/error.hpp"
#include "dbsprog/io/paths.hpp"
#include "io/json_reader.hpp"

namespace dbsprog::sweep {

namespace {

constexpr double kNoUpperBound = std::numeric_limits<double>::max();
/// Grid points are rounded to this many decimals so that "from + i * step" lands on the values a
/// user typed (0.1 * 3 = 0.30000000000000004 would be off the generator's 0.05 V step).
constexpr double kGridRounding = 1e9;
/// Slack when counting grid points, so that "to" itself is included despite binary rounding.
constexpr double kGridCountSlack = 1e-9;
/// Placeholder numbers that make a configuration a complete program for the parser; only the
/// contacts are kept.
constexpr const char* kPlaceholderSettings = " 1mA 60us 130Hz";
constexpr const char* kConfigurationHelp =
    "contacts with polarity in program notation, without amplitude, pulse width or frequency "
    "(e.g. \"C+ 1-\", \"1- 2+\", \"C+ 2a-60% 2b-40%\")";

/// FNV-1a, 64 bit: a stable content hash (std::hash is not stable across implementations).
std::string fnv1aHex(const std::string& text) {
    constexpr std::uint64_t kOffsetBasis = 14695981039346656037ull;
    constexpr std::uint64_t kPrime = 1099511628211ull;
    std::uint64_t h = kOffsetBasis;
    for (unsigned char c : text) h = (h ^ c) * kPrime;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

std::vector<double> amplitudeGrid(const io::JsonReader& spec) {
    const auto& node = spec.node().at("amplitudes");
    if (node.is_array()) {
        auto list = spec.numberList("amplitudes", 0.0, kNoUpperBound);
        if (list.empty()) spec.fail("amplitudes", "a non-empty list of amplitudes >= 0, or {\"from\", \"to\", \"step\"}");
        return list;
    }
    if (!node.is_object()) spec.fail("amplitudes", "a list of amplitudes >= 0, or {\"from\", \"to\", \"step\"}");
    const auto grid = spec.object("amplitudes");
    grid.rejectUnknownKeys({"from", "to", "step"});
    const double from = grid.number("from", 0.0, kNoUpperBound);
    const double to = grid.number("to", from, kNoUpperBound);
    const double step = grid.positive("step", kNoUpperBound);
    const double points = std::floor((to - from) / step + kGridCountSlack) + 1.0;
    if (points > kMaxAmplitudeGridSize)
        grid.fail("step", "a step giving at most " + std::to_string(kMaxAmplitudeGridSize) + " amplitudes from " +
                              "\"from\" to \"to\"");
    std::vector<double> out;
    for (int i = 0; i < static_cast<int>(points); ++i)
        out.push_back(std::round((from + i * step) * kGridRounding) / kGridRounding);
    return out;
}

std::vector<double> positiveList(const io::JsonReader& spec, const std::string& key, const std::string& what) {
    if (!spec.has(key)) spec.fail(key, "a non-empty list of " + what);
    auto list = spec.numberList(key, 0.0, kNoUpperBound);
    for (size_t i = 0; i < list.size(); ++i)
        if (list[i] <= 0.0)
            throw InputError(spec.source(), key + "[" + std::to_string(i) + "]", std::to_string(list[i]), what + " above 0");
    if (list.empty()) spec.fail(key, "a non-empty list of " + what);
    return list;
}

void checkConfiguration(const io::JsonReader& spec, size_t index, const std::string& text) {
    const std::string field = "configurations[" + std::to_string(index) + "]";
    // Every token must be a contact with its polarity: an amplitude or timing here would clash with
    // the grids (and the parser's message would speak of the placeholders).
    std::istringstream tokens(text);
    for (std::string token; tokens >> token;)
        if (token.find_first_of("+-") == std::string::npos)
            throw InputError(spec.source(), field, "\"" + text + "\"",
                             std::string(kConfigurationHelp) + "; \"" + token + "\" is not a contact with a polarity");
    try {
        parseConfiguration(text);
    } catch (const InputError& e) {
        throw InputError(spec.source(), field, "\"" + text + "\"",
                         std::string(kConfigurationHelp) + " (" + e.field() + " " + e.value() + ": " + e.allowed() + ")");
    }
}

}  // namespace

SweepSpec parseSweepSpec(const std::string& jsonText, const std::string& source) {
    const auto spec = io::JsonReader::parse(jsonText, source);
    spec.rejectUnknownKeys({"description", "cases", "cohort", "configurations", "contacts", "amplitudes", "unit",
                            "pulse_widths_us", "frequencies_hz", "window"});
    SweepSpec out;
    out.source = source;
    out.fingerprint = fnv1aHex(spec.node().dump());

    // Patients: a list of case ids, or a cohort drawn from a seed; exactly one of the two.
    if (spec.has("cases") == spec.has("cohort"))
        spec.fail(spec.has("cases") ? "cohort" : "cases",
                  "either \"cases\": [case ids] or \"cohort\": {\"id\", \"n\", \"seed\"}, not both");
    if (spec.has("cases")) {
        out.caseIds = spec.stringList("cases", 1);
    } else {
        const auto cohort = spec.object("cohort");
        cohort.rejectUnknownKeys({"id", "n", "seed"});
        CohortDraw draw;
        draw.id = cohort.string("id");
        draw.count = cohort.integer("n", 1, kMaxCohortSize);
        draw.seed = static_cast<std::uint64_t>(cohort.integer("seed", 0, std::numeric_limits<int>::max()));
        out.cohort = draw;
    }

    // Configurations: a list in program notation, or every contact as a monopolar cathode.
    if (spec.has("configurations") == spec.has("contacts"))
        spec.fail(spec.has("configurations") ? "contacts" : "configurations",
                  "either \"configurations\": [\"C+ 1-\", ...] or \"contacts\": \"monopolar\", not both");
    if (spec.has("configurations")) {
        out.configurations = spec.stringList("configurations", 1);
        for (size_t i = 0; i < out.configurations.size(); ++i) checkConfiguration(spec, i, out.configurations[i]);
    } else {
        spec.choice("contacts", {"monopolar"});
        out.monopolarContacts = true;
    }

    if (!spec.has("amplitudes")) spec.fail("amplitudes", "a list of amplitudes >= 0, or {\"from\", \"to\", \"step\"}");
    out.amplitudes = amplitudeGrid(spec);
    if (spec.has("unit"))
        out.unit = spec.choice("unit", {"V", "mA"}) == "V" ? device::ControlMode::Voltage : device::ControlMode::Current;
    out.pulseWidthsUs = positiveList(spec, "pulse_widths_us", "pulse widths in microseconds");
    out.frequenciesHz = positiveList(spec, "frequencies_hz", "frequencies in hertz");

    if (const auto window = spec.optionalObject("window")) {
        window->rejectUnknownKeys({"benefit_criterion", "side_effect_grade"});
        constexpr int kTopGrade = 4;
        if (window->has("benefit_criterion")) out.window.benefitCriterion = window->positive("benefit_criterion", 1.0);
        if (window->has("side_effect_grade")) out.window.sideEffectGrade = window->integer("side_effect_grade", 1, kTopGrade);
    }
    return out;
}

SweepSpec loadSweepSpec(const std::string& path) { return parseSweepSpec(io::readFile(path), path); }

std::vector<device::ProgramContact> parseConfiguration(const std::string& text) {
    return device::parseProgram(text + kPlaceholderSettings).contacts;
}

}  // namespace dbsprog::sweep
