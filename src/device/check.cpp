#include "dbsprog/device/check.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <sstream>

#include "dbsprog/error.hpp"

namespace dbsprog::device {

namespace {

constexpr const char* kSource = "program";
constexpr double kHoursPerMonth = 24.0 * 365.25 / 12.0;
// Bounds for a user-given impedance: anything outside is a typing error, not a reading.
constexpr double kMaxImpedanceOhm = 100000.0;

std::string fixed(double v, int decimals) {
    std::ostringstream ss;
    ss << std::fixed << std::setprecision(decimals) << v;
    return ss.str();
}

void requireInRange(const SteppedRange& range, double value, const std::string& field, const std::string& text,
                    const std::string& unit, const Ipg& ipg) {
    if (!range.contains(value) || !range.onStep(value))
        throw InputError(kSource, field, text, range.describe(unit) + " on " + ipg.displayName);
}

}  // namespace

Program validateProgram(const Program& program, const Lead& lead, const Ipg& ipg) {
    Program p = program;
    // Programs built by widgets (not parsed) reach here too: a program needs both poles.
    auto has = [&](Polarity polarity) {
        return std::any_of(p.contacts.begin(), p.contacts.end(), [&](const ProgramContact& c) { return c.polarity == polarity; });
    };
    if (!has(Polarity::Cathode))
        throw InputError(kSource, "cathode", "(none)", "at least one contact set as cathode (-)");
    if (!has(Polarity::Anode))
        throw InputError(kSource, "anode", "(none)", "at least one contact set as anode (+), or the case (C+) for monopolar");
    const bool current = p.mode == ControlMode::Current;
    const std::string unit = current ? "mA" : "V";
    if (!ipg.supports(p.mode))
        throw InputError(kSource, "amplitude unit", unit,
                         std::string(current ? "V" : "mA") + ": " + ipg.displayName + " is " +
                             (current ? "voltage" : "current") + "-controlled only");
    requireInRange(ipg.amplitudeRange(p.mode), p.amplitude, "amplitude", formatAmplitude(p.amplitude, p.mode), unit, ipg);
    requireInRange(ipg.pulseWidthUs, p.pulseWidthUs, "pulse width", std::to_string(std::lround(p.pulseWidthUs)) + "us", "us", ipg);
    requireInRange(ipg.frequencyHz, p.frequencyHz, "frequency", std::to_string(std::lround(p.frequencyHz)) + "Hz", "Hz", ipg);

    for (auto& c : p.contacts) {
        if (c.isCase()) continue;
        const auto idx = lead.contactIndex(c.name);
        if (!idx) throw InputError(kSource, "contact", "\"" + c.name + "\"", "contacts of the " + lead.displayName + ": " + lead.contactNames() + ", or C (case)");
        c.name = lead.contacts[static_cast<size_t>(*idx)].name;  // the vendor's spelling ("2A" -> "2a")
    }

    const bool sharesGiven = std::any_of(p.contacts.begin(), p.contacts.end(), [](const ProgramContact& c) { return c.shareGiven; });
    if (sharesGiven) {
        if (!current)
            throw InputError(kSource, "current shares", "given", "no shares in voltage mode: every active contact is held at the same voltage");
        if (!ipg.multipleSources)
            throw InputError(kSource, "current shares", "given",
                             "no shares on " + ipg.displayName + ": it has a single current source, so current divides between contacts by their impedance");
        for (const auto& c : p.contacts) {
            const double k = c.sharePercent / ipg.shareStepPercent;
            if (std::fabs(k - std::round(k)) > 1e-6)
                throw InputError(kSource, "share of contact " + c.name, fixed(c.sharePercent, 2) + "%",
                                 "multiples of " + fixed(ipg.shareStepPercent, 0) + "% on " + ipg.displayName);
        }
    }

    if (current) {
        if (p.amplitude > ipg.maxTotalCurrentMa + 1e-9)
            throw InputError(kSource, "amplitude", formatAmplitude(p.amplitude, p.mode),
                             "at most " + fixed(ipg.maxTotalCurrentMa, 1) + " mA in total on " + ipg.displayName);
        for (const auto& c : p.contacts) {
            const double contactMa = p.amplitude * c.sharePercent / 100.0;
            if (!c.isCase() && contactMa > ipg.maxContactCurrentMa + 1e-9)
                throw InputError(kSource, "current on contact " + c.name, fixed(contactMa, 2) + " mA",
                                 "at most " + fixed(ipg.maxContactCurrentMa, 1) + " mA per contact on " + ipg.displayName);
        }
    }
    return p;
}

double maxChargeForDensityUc(double areaCm2, double densityUcPerCm2) { return densityUcPerCm2 * areaCm2; }

double maxCurrentForDensityMa(double areaCm2, double pulseWidthUs, double densityUcPerCm2) {
    // Q [uC] = I [mA] * PW [us] * 1e-3
    return maxChargeForDensityUc(areaCm2, densityUcPerCm2) / (pulseWidthUs * 1e-3);
}

// Shannon 1992: log D = k - log Q with D = Q / A, so Q^2 / A = 10^k.
double shannonMaxChargeUc(double areaCm2, double k) { return std::sqrt(std::pow(10.0, k) * areaCm2); }

double shannonK(double chargeUc, double areaCm2) { return std::log10(chargeUc / areaCm2) + std::log10(chargeUc); }

// Koss 2005: TEED per second = V^2 * f * PW / R. Units: V^2 / ohm = W; W * (Hz * s) = J/s.
double teedVoltageUjPerS(double voltageV, double frequencyHz, double pulseWidthUs, double impedanceOhm) {
    return voltageV * voltageV * frequencyHz * (pulseWidthUs * 1e-6) / impedanceOhm * 1e6;
}

// Current mode (derived from Koss with V = I * R): I^2 * R * f * PW.
double teedCurrentUjPerS(double currentMa, double frequencyHz, double pulseWidthUs, double impedanceOhm) {
    const double currentA = currentMa * 1e-3;
    return currentA * currentA * impedanceOhm * frequencyHz * (pulseWidthUs * 1e-6) * 1e6;
}

Energy estimateEnergy(const Ipg& ipg, const std::vector<double>& teedUjPerSPerChannel) {
    Energy e;
    for (double t : teedUjPerSPerChannel) e.teedUjPerS += t;
    // Power drawn from the cell = delivered power / output efficiency; current = power / cell voltage.
    // uW / V = uA.
    const auto& b = ipg.battery;
    e.batteryCurrentUa = b.overheadCurrentUa + e.teedUjPerS / (b.outputEfficiency * b.cellVoltageV);
    const double hours = b.capacityMah * 1e3 / e.batteryCurrentUa;
    if (b.kind == BatteryKind::Primary) e.batteryLifeMonths = hours / kHoursPerMonth;
    else e.rechargeIntervalDays = hours / 24.0;
    return e;
}

CheckReport checkProgram(const Program& program, const Lead& lead, const Ipg& ipg, double impedanceOhm) {
    if (!std::isfinite(impedanceOhm) || impedanceOhm <= 0.0 || impedanceOhm > kMaxImpedanceOhm)
        throw InputError("impedance", "impedance", fixed(impedanceOhm, 0) + " ohm",
                         "above 0 and at most " + fixed(kMaxImpedanceOhm, 0) + " ohm");
    CheckReport r;
    r.program = validateProgram(program, lead, ipg);
    r.impedanceOhm = impedanceOhm;
    const Program& p = r.program;
    const bool current = p.mode == ControlMode::Current;
    // Voltage mode: the generator holds V across the load, so I = V / Z (issue 2, FACTS.md).
    r.totalCurrentMa = current ? p.amplitude : p.amplitude / impedanceOhm * 1e3;
    r.outputVoltageV = current ? p.amplitude * 1e-3 * impedanceOhm : p.amplitude;

    for (const auto& c : p.contacts) {
        const double sign = c.polarity == Polarity::Cathode ? -1.0 : 1.0;
        const double currentMa = sign * r.totalCurrentMa * c.sharePercent / 100.0;
        if (c.isCase()) {
            r.caseCurrentMa = currentMa;
            continue;
        }
        const Contact& geom = lead.contacts[static_cast<size_t>(*lead.contactIndex(c.name))];
        ContactLoad load;
        load.name = c.name;
        load.polarity = c.polarity;
        load.currentMa = currentMa;
        load.chargeUc = std::fabs(currentMa) * p.pulseWidthUs * 1e-3;
        load.areaCm2 = geom.areaCm2();
        load.chargeDensityUcPerCm2 = load.chargeUc / load.areaCm2;
        if (load.chargeUc > 0.0) {
            load.shannonK = shannonK(load.chargeUc, load.areaCm2);
            if (!r.maxShannonK || *load.shannonK > *r.maxShannonK) r.maxShannonK = load.shannonK;
        }
        if (load.chargeDensityUcPerCm2 > kChargeDensityWarningUcPerCm2)
            r.warnings.push_back({WarningKind::ChargeDensity, c.name,
                                  "Charge density on contact " + c.name + " is " + fixed(load.chargeDensityUcPerCm2, 1) +
                                      " uC/cm2/phase, above the 30 uC/cm2/phase safety limit. Reduce amplitude or pulse width."});
        if (load.shannonK && *load.shannonK >= kShannonKDamage)
            r.warnings.push_back({WarningKind::ShannonDamage, c.name,
                                  "Shannon k on contact " + c.name + " is " + fixed(*load.shannonK, 2) +
                                      ", at or above 1.85 where tissue damage was seen (Shannon 1992)."});
        else if (load.shannonK && *load.shannonK > kShannonKConservative)
            r.warnings.push_back({WarningKind::ShannonConservative, c.name,
                                  "Shannon k on contact " + c.name + " is " + fixed(*load.shannonK, 2) +
                                      ", above the conservative limit 1.5."});
        r.contacts.push_back(load);
    }

    if (current && ipg.complianceVoltageV && r.outputVoltageV > *ipg.complianceVoltageV)
        r.warnings.push_back({WarningKind::Compliance, "",
                              "Out of compliance: " + fixed(r.totalCurrentMa, 1) + " mA into " + fixed(impedanceOhm, 0) +
                                  " ohm needs " + fixed(r.outputVoltageV, 1) + " V; " + ipg.displayName + " delivers at most " +
                                  fixed(*ipg.complianceVoltageV, 1) + " V, so the delivered current will be lower."});
    if (impedanceOhm < kImpedanceShortOhm)
        r.warnings.push_back({WarningKind::Impedance, "", "Impedance " + fixed(impedanceOhm, 0) + " ohm is below 50 ohm: possible short circuit."});
    else if (impedanceOhm > kImpedanceOpenOhm)
        r.warnings.push_back({WarningKind::Impedance, "", "Impedance " + fixed(impedanceOhm, 0) + " ohm is above 2000 ohm: possible open circuit (broken lead or extension)."});

    const double teed = current ? teedCurrentUjPerS(r.totalCurrentMa, p.frequencyHz, p.pulseWidthUs, impedanceOhm)
                                : teedVoltageUjPerS(p.amplitude, p.frequencyHz, p.pulseWidthUs, impedanceOhm);
    r.energy = estimateEnergy(ipg, {teed});
    return r;
}

}  // namespace dbsprog::device
