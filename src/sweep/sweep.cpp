#include "dbsprog/sweep/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <iterator>
#include <map>
#include <optional>
#include <stdexcept>

#include "dbsprog/device/check.hpp"
#include "dbsprog/error.hpp"
#include "dbsprog/patient/anatomy.hpp"
#include "dbsprog/patient/cohort.hpp"
#include "dbsprog/patient/virtual_patient.hpp"
#include "util/parallel.hpp"

namespace dbsprog::sweep {

namespace {

using device::ControlMode;

// Fixed decimals per column kind: the CSV must be byte-identical run to run, so every number is
// printed with printf's %.*f (no shortest-round-trip formatting, whose output varies by library).
constexpr int kAmplitudeDecimals = 3;     // covers the finest generator step (0.05 V, 0.05 mA)
constexpr int kTimingDecimals = 1;        // pulse width (us) and frequency (Hz)
constexpr int kActivationDecimals = 4;    // fraction of a pathway's axons: 1/1000 is 0.0010
constexpr int kPercentDecimals = 2;
constexpr int kSeverityDecimals = 2;      // clinical-scale points
constexpr int kChargeDensityDecimals = 3;
constexpr int kTeedDecimals = 3;          // uJ/s; small amplitudes give fractions of a uJ/s
constexpr int kBatteryDecimals = 2;       // months or days
constexpr double kPercent = 100.0;
/// Grid amplitudes are rounded to 1e-9 of the unit (the spec does the same), see spec.cpp.
constexpr double kAmplitudeRounding = 1e9;
constexpr double kStepCountSlack = 1e-9;

/// Fixed result columns, in order: relief, severity and scale after the activation columns; the
/// window and device columns after the grade columns.
constexpr const char* kResultColumns[] = {"steady_relief_percent", "steady_severity", "clinical_scale"};
constexpr const char* kWindowAndDeviceColumns[] = {"efficacy_threshold", "side_effect_threshold", "window",
                                                    "max_charge_density_uC_per_cm2", "teed_uJ_per_s",
                                                    "battery_life_months", "recharge_interval_days"};
constexpr std::size_t kFixedResultColumns = std::size(kResultColumns) + std::size(kWindowAndDeviceColumns);

std::string number(double v, int decimals) {
    // Values that round to zero print without a sign ("-0.000" would differ from "0.000").
    const double half = 0.5 * std::pow(10.0, -decimals);
    if (std::fabs(v) < half) v = 0.0;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

/// RFC 4180 quoting when a field needs it; line breaks become spaces so that a row is one line.
std::string csvField(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    std::replace(s.begin(), s.end(), '\r', ' ');
    if (s.find_first_of(",\"") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

const char* unitName(ControlMode mode) { return mode == ControlMode::Voltage ? "V" : "mA"; }

double roundAmplitude(double v) { return std::round(v * kAmplitudeRounding) / kAmplitudeRounding; }

/// The therapeutic window of one configuration at one pulse width and frequency, in the program's
/// unit, read on the generator's amplitude steps.
struct Window {
    std::optional<double> efficacyThreshold;
    std::optional<double> sideEffectThreshold;
    std::optional<double> window;
};

/// What every row of one case shares.
struct CaseContext {
    const PlannedCase& planned;
    const patient::VirtualPatient& patient;
    const SweepSpec& spec;
    std::size_t pathwayColumns = 0;
    std::size_t sideEffectColumns = 0;
    patient::PatientState restingState;  ///< the state whose component relief each row overwrites
};

bool validOn(const device::Program& p, const CaseContext& ctx) {
    try {
        device::validateProgram(p, ctx.patient.lead(), ctx.patient.ipg());
        return true;
    } catch (const InputError&) {
        return false;
    }
}

/// Lowest k in [lo, hi] with pred(k), given pred is monotone (false..false true..true) and pred(hi).
template <typename Pred>
long lowestTrue(long lo, long hi, Pred pred) {
    while (lo < hi) {
        const long mid = lo + (hi - lo) / 2;
        if (pred(mid)) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

/// Searches the generator's amplitude steps; activation, relief and side-effect grades all rise
/// with amplitude (the chain is linear in amplitude and each axon fires above its threshold), so a
/// bisection finds each threshold.
Window findWindow(const CaseContext& ctx, const patient::AmplitudeScan& scan, device::Program program) {
    Window w;
    const device::SteppedRange& range = ctx.patient.ipg().amplitudeRange(program.mode);
    const auto amplitudeAt = [&](long k) { return roundAmplitude(range.min + static_cast<double>(k) * range.step); };
    const long kLowest = range.min > 0.0 ? 0 : 1;  // the first step that stimulates
    const long kTop = static_cast<long>(std::floor((range.max - range.min) / range.step + kStepCountSlack));
    const auto at = [&](long k) {
        device::Program p = program;
        p.amplitude = amplitudeAt(k);
        return p;
    };
    if (kTop < kLowest || !validOn(at(kLowest), ctx)) return w;
    // Caps on current refuse every amplitude above some step: find the highest one accepted.
    const long kMax = validOn(at(kTop), ctx) ? kTop : lowestTrue(kLowest, kTop, [&](long k) { return !validOn(at(k), ctx); }) - 1;

    const auto evaluateAt = [&](long k) {
        const device::Program p = at(k);
        return ctx.patient.evaluateActivation(p, scan.pathwayActivation(p.amplitude));
    };
    const std::vector<double> everyAxon(ctx.pathwayColumns, 1.0);
    const double bestRelief = ctx.patient.evaluateActivation(at(kLowest), everyAxon).steadyRelief;
    if (bestRelief > 0.0) {
        const double target = ctx.spec.window.benefitCriterion * bestRelief;
        const auto reaches = [&](long k) { return evaluateAt(k).steadyRelief >= target; };
        if (reaches(kMax)) w.efficacyThreshold = amplitudeAt(lowestTrue(kLowest, kMax, reaches));
    }
    const auto sideEffect = [&](long k) { return evaluateAt(k).maxAcuteGrade >= ctx.spec.window.sideEffectGrade; };
    if (sideEffect(kMax)) w.sideEffectThreshold = amplitudeAt(lowestTrue(kLowest, kMax, sideEffect));
    // As the monopolar review reports it: with no side effect up to the top, the window reaches the
    // highest amplitude the generator accepts (a lower bound).
    if (w.efficacyThreshold) w.window = w.sideEffectThreshold.value_or(amplitudeAt(kMax)) - *w.efficacyThreshold;
    return w;
}

std::string optionalNumber(const std::optional<double>& v, int decimals) { return v ? number(*v, decimals) : std::string(); }

/// Appends the rows [rows.begin, rows.end) of one (configuration, pulse width) group.
void appendGroupRows(std::string& out, CaseContext& ctx, std::size_t configIndex, std::size_t pulseWidthIndex,
                     std::size_t groupFirstRow, RowRange rows) {
    const PlannedCase& pc = ctx.planned;
    const SweepSpec& spec = ctx.spec;
    const PlannedConfiguration& config = pc.configurations[configIndex];
    const std::size_t amplitudeCount = spec.amplitudes.size();
    const std::size_t frequencyCount = spec.frequenciesHz.size();
    const auto& lead = ctx.patient.lead();
    const auto& ipg = ctx.patient.ipg();

    // One scan per group, made when the first accepted setting needs it; one window per frequency.
    std::optional<patient::AmplitudeScan> scan;
    std::optional<std::string> scanRefusal;
    std::vector<std::optional<Window>> windows(frequencyCount);

    std::vector<std::string> activationCells(ctx.pathwayColumns), gradeCells(ctx.sideEffectColumns);
    for (std::size_t row = rows.begin; row < rows.end; ++row) {
        const std::size_t local = row - groupFirstRow;
        const std::size_t frequencyIndex = local / amplitudeCount;
        const std::size_t amplitudeIndex = local % amplitudeCount;

        device::Program program;
        program.contacts = config.contacts;
        program.mode = pc.mode;
        program.amplitude = spec.amplitudes[amplitudeIndex];
        program.pulseWidthUs = spec.pulseWidthsUs[pulseWidthIndex];
        program.frequencyHz = spec.frequenciesHz[frequencyIndex];

        out += std::to_string(row);
        out += ',' + csvField(pc.caseData.id) + ',' + csvField(config.text) + ',' + number(program.amplitude, kAmplitudeDecimals) +
               ',' + unitName(program.mode) + ',' + number(program.pulseWidthUs, kTimingDecimals) + ',' +
               number(program.frequencyHz, kTimingDecimals) + ',';

        std::optional<device::CheckReport> report;
        std::string status = "ok";
        try {
            report = device::checkProgram(program, lead, ipg, pc.caseData.impedanceOhm);
        } catch (const InputError& e) {
            status = "refused: " + e.field() + " " + e.value() + " (allowed: " + e.allowed() + ")";
        }
        if (report && !scan && !scanRefusal) {
            try {
                scan = ctx.patient.scan(report->program);
            } catch (const InputError& e) {
                scanRefusal = "refused: " + e.field() + " " + e.value() + " (allowed: " + e.allowed() + ")";
            }
        }
        if (report && scanRefusal) status = *scanRefusal, report.reset();
        out += csvField(status);

        if (!report) {
            // A refused setting keeps its place in the grid; its results stay empty.
            const std::size_t emptyCells = ctx.pathwayColumns + ctx.sideEffectColumns + kFixedResultColumns;
            out.append(emptyCells, ',');
            out += '\n';
            continue;
        }

        const std::vector<double> activation = scan->pathwayActivation(program.amplitude);
        const patient::Evaluation ev = ctx.patient.evaluateActivation(report->program, activation);
        for (std::size_t c = 0; c < ev.components.size(); ++c)
            ctx.restingState.componentRelief[c] = ev.components[c].steadyRelief;
        const patient::Severity severity = ctx.patient.severity(ctx.restingState);
        if (!windows[frequencyIndex]) windows[frequencyIndex] = findWindow(ctx, *scan, report->program);
        const Window& w = *windows[frequencyIndex];

        std::fill(activationCells.begin(), activationCells.end(), std::string());
        std::fill(gradeCells.begin(), gradeCells.end(), std::string());
        for (std::size_t p = 0; p < activation.size(); ++p)
            activationCells[static_cast<std::size_t>(pc.pathwayColumn[p])] = number(activation[p], kActivationDecimals);
        for (std::size_t s = 0; s < ev.sideEffects.size(); ++s)
            gradeCells[static_cast<std::size_t>(pc.sideEffectColumn[s])] = std::to_string(ev.sideEffects[s].grade);
        for (const auto& cell : activationCells) out += ',' + cell;
        out += ',' + number(ev.steadyRelief * kPercent, kPercentDecimals);
        out += ',' + number(severity.clinicalScore, kSeverityDecimals);
        out += ',' + csvField(pc.caseData.clinicalScale);
        for (const auto& cell : gradeCells) out += ',' + cell;
        out += ',' + optionalNumber(w.efficacyThreshold, kAmplitudeDecimals);
        out += ',' + optionalNumber(w.sideEffectThreshold, kAmplitudeDecimals);
        out += ',' + optionalNumber(w.window, kAmplitudeDecimals);
        double maxDensity = 0.0;
        for (const auto& c : report->contacts) maxDensity = std::max(maxDensity, c.chargeDensityUcPerCm2);
        out += ',' + number(maxDensity, kChargeDensityDecimals);
        out += ',' + number(report->energy.teedUjPerS, kTeedDecimals);
        out += ',' + optionalNumber(report->energy.batteryLifeMonths, kBatteryDecimals);
        out += ',' + optionalNumber(report->energy.rechargeIntervalDays, kBatteryDecimals);
        out += '\n';
    }
}

CaseContext makeContext(const PlannedCase& pc, const patient::VirtualPatient& vp, const SweepSpec& spec,
                        std::size_t pathwayColumns, std::size_t sideEffectColumns) {
    if (vp.anatomy().pathways.size() != pc.pathwayColumn.size() || vp.anatomy().sideEffects.size() != pc.sideEffectColumn.size())
        throw std::logic_error("sweep: the patient's anatomy differs from the one the sweep was planned with (case " +
                               pc.caseData.id + ")");
    CaseContext ctx{pc, vp, spec, pathwayColumns, sideEffectColumns, vp.initialState()};
    ctx.restingState.componentRelief.assign(pc.caseData.components.size(), 0.0);
    return ctx;
}

}  // namespace

Shard parseShard(const std::string& text, const std::string& source) {
    const std::string allowed = "K/N with whole numbers 1 <= K <= N, e.g. 2/8 (shard 2 of 8)";
    const auto slash = text.find('/');
    const auto whole = [&](const std::string& s) {
        if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos)
            throw InputError(source, source, "\"" + text + "\"", allowed);
        return std::stoi(s);
    };
    if (slash == std::string::npos) throw InputError(source, source, "\"" + text + "\"", allowed);
    Shard s{whole(text.substr(0, slash)), whole(text.substr(slash + 1))};
    if (s.count < 1 || s.index < 1 || s.index > s.count) throw InputError(source, source, "\"" + text + "\"", allowed);
    return s;
}

RowRange shardRows(std::size_t totalRows, const Shard& shard) {
    const auto k = static_cast<std::size_t>(shard.index), n = static_cast<std::size_t>(shard.count);
    // floor(total * k / n) without forming total * k, which could overflow for huge sweeps.
    const auto boundary = [&](std::size_t kk) { return totalRows / n * kk + totalRows % n * kk / n; };
    return {boundary(k - 1), boundary(k)};
}

Sweep::Sweep(SweepSpec spec, std::string modelsDir)
    : spec_(std::move(spec)), modelsDir_(std::move(modelsDir)), catalog_(device::loadCatalog(modelsDir_)) {
    std::vector<patient::Case> cases;
    if (spec_.cohort) {
        patient::CohortSpec cohort;
        try {
            cohort = patient::findCohort(modelsDir_, spec_.cohort->id);
        } catch (const InputError& e) {
            throw InputError(spec_.source, "cohort.id", "\"" + spec_.cohort->id + "\"", e.allowed());
        }
        const patient::Case templateCase = patient::findCase(modelsDir_, cohort.templateCaseId);
        cases = patient::drawCohort(cohort, templateCase, spec_.cohort->seed, spec_.cohort->count);
    } else {
        for (std::size_t i = 0; i < spec_.caseIds.size(); ++i) {
            try {
                cases.push_back(patient::findCase(modelsDir_, spec_.caseIds[i]));
            } catch (const InputError& e) {
                throw InputError(spec_.source, "cases[" + std::to_string(i) + "]", "\"" + spec_.caseIds[i] + "\"", e.allowed());
            }
        }
    }

    std::map<std::string, patient::Anatomy> anatomies;  // by target: loaded once
    const auto columnOf = [](std::vector<std::string>& ids, const std::string& id) {
        const auto it = std::find(ids.begin(), ids.end(), id);
        if (it != ids.end()) return static_cast<int>(it - ids.begin());
        ids.push_back(id);
        return static_cast<int>(ids.size() - 1);
    };
    const std::size_t gridPerConfiguration = spec_.amplitudes.size() * spec_.pulseWidthsUs.size() * spec_.frequenciesHz.size();
    for (auto& c : cases) {
        PlannedCase pc;
        const device::Lead& lead = catalog_.lead(c.leadId);
        const device::Ipg& ipg = catalog_.ipg(c.ipgId);
        pc.mode = spec_.unit ? *spec_.unit : (ipg.voltageMode ? ControlMode::Voltage : ControlMode::Current);
        if (spec_.monopolarContacts) {
            for (const auto& contact : lead.contacts) {
                const std::string text = std::string(device::kCaseName) + "+ " + contact.name + "-";
                pc.configurations.push_back({text, parseConfiguration(text)});
            }
        } else {
            for (const auto& text : spec_.configurations)
                pc.configurations.push_back({text, parseConfiguration(text)});
        }
        auto it = anatomies.find(c.target);
        if (it == anatomies.end()) it = anatomies.emplace(c.target, patient::findAnatomy(modelsDir_, c.target)).first;
        for (const auto& p : it->second.pathways) pc.pathwayColumn.push_back(columnOf(pathwayIds_, p.id));
        for (const auto& s : it->second.sideEffects) pc.sideEffectColumn.push_back(columnOf(sideEffectIds_, s.id));
        pc.firstRow = rowCount_;
        rowCount_ += pc.configurations.size() * gridPerConfiguration;
        pc.caseData = std::move(c);
        cases_.push_back(std::move(pc));
    }
}

RowRange Sweep::caseRowRange(std::size_t caseIndex) const {
    const PlannedCase& pc = cases_.at(caseIndex);
    const std::size_t rows = pc.configurations.size() * spec_.amplitudes.size() * spec_.pulseWidthsUs.size() * spec_.frequenciesHz.size();
    return {pc.firstRow, pc.firstRow + rows};
}

std::string Sweep::header() const {
    std::string h = "row,case,configuration,amplitude,unit,pulse_width_us,frequency_hz,status";
    for (const auto& id : pathwayIds_) h += ",activation_" + csvField(id);
    for (const char* c : kResultColumns) h += std::string(",") + c;
    for (const auto& id : sideEffectIds_) h += ",grade_" + csvField(id);
    for (const char* c : kWindowAndDeviceColumns) h += std::string(",") + c;
    return h;
}

namespace {

/// A (configuration, pulse width) group's rows clipped to the rows being run.
struct Group {
    std::size_t caseIndex = 0, configIndex = 0, pulseWidthIndex = 0;
    std::size_t firstRow = 0;  ///< the group's first row (unclipped)
    RowRange rows;             ///< clipped
};

std::vector<Group> groupsIn(const std::vector<PlannedCase>& cases, const SweepSpec& spec, RowRange range) {
    const std::size_t groupSize = spec.amplitudes.size() * spec.frequenciesHz.size();
    std::vector<Group> groups;
    for (std::size_t ci = 0; ci < cases.size(); ++ci) {
        const PlannedCase& pc = cases[ci];
        for (std::size_t cfg = 0; cfg < pc.configurations.size(); ++cfg)
            for (std::size_t pw = 0; pw < spec.pulseWidthsUs.size(); ++pw) {
                const std::size_t first = pc.firstRow + (cfg * spec.pulseWidthsUs.size() + pw) * groupSize;
                const RowRange clipped{std::max(first, range.begin), std::min(first + groupSize, range.end)};
                if (clipped.begin < clipped.end) groups.push_back({ci, cfg, pw, first, clipped});
            }
    }
    return groups;
}

}  // namespace

std::string Sweep::caseRows(std::size_t caseIndex, const patient::VirtualPatient& patient, RowRange rows) const {
    const RowRange own = caseRowRange(caseIndex);
    if (rows.begin < own.begin || rows.end > own.end || rows.begin > rows.end)
        throw std::logic_error("Sweep::caseRows: rows outside the case's rows");
    CaseContext ctx = makeContext(cases_[caseIndex], patient, spec_, pathwayIds_.size(), sideEffectIds_.size());
    std::string out;
    for (const Group& g : groupsIn(cases_, spec_, rows))
        appendGroupRows(out, ctx, g.configIndex, g.pulseWidthIndex, g.firstRow, g.rows);
    return out;
}

std::string Sweep::run(const SweepOptions& options) const {
    const RowRange range = shardRows(rowCount_, options.shard);
    const std::vector<Group> groups = groupsIn(cases_, spec_, range);
    std::vector<std::string> groupText(groups.size());
    const int threads = std::max(1, options.threads);

    // Cases in this shard, each with its span of groups.
    struct CaseSpan {
        std::size_t caseIndex, firstGroup, endGroup;
    };
    std::vector<CaseSpan> spans;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        if (spans.empty() || spans.back().caseIndex != groups[g].caseIndex) spans.push_back({groups[g].caseIndex, g, g});
        spans.back().endGroup = g + 1;
    }

    // Exceptions cannot cross a std::thread: keep each group's error and rethrow the one with the
    // lowest index, so the error reported does not depend on the thread count either.
    std::vector<std::exception_ptr> errors(groups.size());
    const auto buildPatient = [&](const CaseSpan& span, int buildThreads) {
        patient::PatientOptions po;
        po.threads = buildThreads;
        return std::make_unique<patient::VirtualPatient>(cases_[span.caseIndex].caseData, modelsDir_, po);
    };
    const auto context = [&](const CaseSpan& span, const patient::VirtualPatient& vp) {
        return makeContext(cases_[span.caseIndex], vp, spec_, pathwayIds_.size(), sideEffectIds_.size());
    };
    const auto runGroup = [&](CaseContext& ctx, std::size_t g) {
        appendGroupRows(groupText[g], ctx, groups[g].configIndex, groups[g].pulseWidthIndex, groups[g].firstRow, groups[g].rows);
        if (options.rowsDone) options.rowsDone->fetch_add(groups[g].rows.size(), std::memory_order_relaxed);
    };

    if (spans.size() >= static_cast<std::size_t>(threads) && threads > 1) {
        // Many patients: each worker builds and runs whole patients (one patient in memory per worker).
        util::parallelFor(spans.size(), threads, [&](std::size_t begin, std::size_t end) {
            for (std::size_t s = begin; s < end; ++s) {
                std::size_t g = spans[s].firstGroup;
                try {
                    const auto vp = buildPatient(spans[s], 1);
                    CaseContext ctx = context(spans[s], *vp);
                    for (; g < spans[s].endGroup; ++g) runGroup(ctx, g);
                } catch (...) {
                    errors[g] = std::current_exception();
                }
            }
        });
    } else {
        // Few patients: build each with every thread, then split its groups between the threads.
        for (const CaseSpan& span : spans) {
            const auto vp = buildPatient(span, threads);
            util::parallelFor(span.endGroup - span.firstGroup, threads, [&](std::size_t begin, std::size_t end) {
                std::size_t g = span.firstGroup + begin;
                try {
                    CaseContext ctx = context(span, *vp);
                    for (; g < span.firstGroup + end; ++g) runGroup(ctx, g);
                } catch (...) {
                    errors[g] = std::current_exception();
                }
            });
            // Later patients' rows would not be written anyway: stop at the first failure.
            for (std::size_t g = span.firstGroup; g < span.endGroup; ++g)
                if (errors[g]) std::rethrow_exception(errors[g]);
        }
    }
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);

    std::string out = formatPartLine({spec_.fingerprint, range, rowCount_}) + "\n" + header() + "\n";
    std::size_t size = out.size();
    for (const auto& t : groupText) size += t.size();
    out.reserve(size);
    for (const auto& t : groupText) out += t;
    return out;
}

}  // namespace dbsprog::sweep
