// leads, ipgs, check: the device catalogues and the programmer's checks.
#include <iostream>

#include "cli/cli.hpp"
#include "dbsprog/device/catalog.hpp"
#include "dbsprog/device/check.hpp"

namespace dbsprog::cli {

namespace {

using nlohmann::json;
using namespace dbsprog::device;

const char* shapeName(ContactShape s) {
    switch (s) {
        case ContactShape::Ring: return "ring";
        case ContactShape::Segment: return "segment";
        case ContactShape::Tip: return "tip";
    }
    return "?";
}

json rangeJson(const SteppedRange& r) { return {{"min", r.min}, {"max", r.max}, {"step", r.step}}; }

json leadJson(const Lead& l) {
    json contacts = json::array();
    for (const auto& c : l.contacts)
        contacts.push_back({{"name", c.name}, {"level", c.level}, {"shape", shapeName(c.shape)},
                            {"z_min_mm", c.zMinMm}, {"z_max_mm", c.zMaxMm}, {"centre_z_mm", c.centreZMm()},
                            {"arc_deg", c.arcDeg}, {"angle_deg", c.angleDeg}, {"area_mm2", c.areaMm2}});
    return {{"id", l.id}, {"name", l.displayName}, {"manufacturer", l.manufacturer}, {"model", l.model},
            {"diameter_mm", l.diameterMm}, {"tip_length_mm", l.tipLengthMm}, {"contact_length_mm", l.contactLengthMm},
            {"gap_mm", l.gapMm}, {"directional", l.directional}, {"contacts", contacts},
            {"sources", l.sources}, {"assumptions", l.assumptions}};
}

json ipgJson(const Ipg& g) {
    json modes = json::array();
    if (g.currentMode) modes.push_back("current");
    if (g.voltageMode) modes.push_back("voltage");
    json j = {{"id", g.id}, {"name", g.displayName}, {"manufacturer", g.manufacturer}, {"model", g.model},
              {"control_modes", modes}, {"pulse_width_us", rangeJson(g.pulseWidthUs)},
              {"frequency_Hz", rangeJson(g.frequencyHz)}, {"max_contact_current_mA", g.maxContactCurrentMa},
              {"max_total_current_mA", g.maxTotalCurrentMa}, {"multiple_current_sources", g.multipleSources},
              {"channels", g.channels}, {"ramp_s", g.rampS},
              {"battery", {{"kind", g.battery.kind == BatteryKind::Primary ? "primary" : "rechargeable"},
                           {"capacity_mAh", g.battery.capacityMah}, {"cell_voltage_V", g.battery.cellVoltageV},
                           {"output_efficiency", g.battery.outputEfficiency},
                           {"overhead_current_uA", g.battery.overheadCurrentUa}}},
              {"sources", g.sources}, {"assumptions", g.assumptions}};
    if (g.currentMode) j["amplitude_mA"] = rangeJson(g.amplitudeMa);
    if (g.voltageMode) j["amplitude_V"] = rangeJson(g.amplitudeV);
    j["compliance_voltage_V"] = g.complianceVoltageV ? json(*g.complianceVoltageV) : json(nullptr);
    if (g.multipleSources) j["share_step_percent"] = g.shareStepPercent;
    return j;
}

std::string pad(std::string s, size_t width) {
    if (s.size() < width) s.append(width - s.size(), ' ');
    return s;
}

void printLeads(const Catalog& cat) {
    std::cout << pad("id", 9) << pad("lead", 50) << pad("diam mm", 9) << pad("levels", 8) << "contacts (area mm2)\n";
    for (const auto& l : cat.leads) {
        std::string contacts;
        for (const auto& c : l.contacts) contacts += (contacts.empty() ? "" : " ") + c.name + "(" + fixed(c.areaMm2, 2) + ")";
        std::cout << pad(l.id, 9) << pad(l.displayName, 50) << pad(fixed(l.diameterMm, 2), 9)
                  << pad(std::to_string(l.levelCount()), 8) << contacts << "\n";
    }
}

void printIpgs(const Catalog& cat) {
    for (const auto& g : cat.ipgs) {
        std::cout << g.id << "  " << g.displayName << "\n";
        if (g.currentMode) std::cout << "    current mode  " << g.amplitudeMa.describe("mA") << "\n";
        if (g.voltageMode) std::cout << "    voltage mode  " << g.amplitudeV.describe("V") << "\n";
        std::cout << "    pulse width   " << g.pulseWidthUs.describe("us") << "\n"
                  << "    frequency     " << g.frequencyHz.describe("Hz") << "\n"
                  << "    current caps  " << fixed(g.maxContactCurrentMa, 2) << " mA per contact, "
                  << fixed(g.maxTotalCurrentMa, 2) << " mA total; "
                  << (g.multipleSources ? "independent source per contact (shares)" : "single source") << "\n"
                  << "    battery       " << (g.battery.kind == BatteryKind::Primary ? "primary, " : "rechargeable, ")
                  << fixed(g.battery.capacityMah, 0) << " mAh (assumed)\n";
    }
}

json checkJson(const CheckReport& r, const Lead& lead, const Ipg& ipg) {
    json contacts = json::array();
    for (const auto& c : r.contacts)
        contacts.push_back({{"name", c.name}, {"polarity", c.polarity == Polarity::Cathode ? "cathode" : "anode"},
                            {"current_mA", c.currentMa}, {"charge_uC", c.chargeUc}, {"area_cm2", c.areaCm2},
                            {"charge_density_uC_per_cm2", c.chargeDensityUcPerCm2},
                            {"shannon_k", c.shannonK ? json(*c.shannonK) : json(nullptr)}});
    json warnings = json::array();
    for (const auto& w : r.warnings) warnings.push_back(w.message);
    const auto opt = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
    return {{"program", r.program.toString()}, {"lead", lead.id}, {"ipg", ipg.id},
            {"mode", r.program.mode == ControlMode::Current ? "current" : "voltage"},
            {"impedance_ohm", r.impedanceOhm}, {"total_current_mA", r.totalCurrentMa},
            {"output_voltage_V", r.outputVoltageV}, {"case_current_mA", r.caseCurrentMa},
            {"contacts", contacts}, {"shannon_k", opt(r.maxShannonK)}, {"warnings", warnings},
            {"teed_uJ_per_s", r.energy.teedUjPerS}, {"battery_current_uA", r.energy.batteryCurrentUa},
            {"battery_life_months", opt(r.energy.batteryLifeMonths)},
            {"recharge_interval_days", opt(r.energy.rechargeIntervalDays)}};
}

void printCheck(const CheckReport& r, const Lead& lead, const Ipg& ipg) {
    std::cout << "Program     " << r.program.toString() << "   (valid on " << lead.displayName << " + " << ipg.displayName << ")\n"
              << "Load        " << fixed(r.impedanceOhm, 0) << " ohm; " << fixed(r.totalCurrentMa, 2) << " mA at "
              << fixed(r.outputVoltageV, 2) << " V\n\n"
              << pad("contact", 9) << pad("current mA", 12) << pad("charge uC", 11) << pad("density uC/cm2/phase", 22)
              << "Shannon k\n";
    for (const auto& c : r.contacts)
        std::cout << pad(c.name, 9) << pad(fixed(c.currentMa, 2), 12) << pad(fixed(c.chargeUc, 3), 11)
                  << pad(fixed(c.chargeDensityUcPerCm2, 2), 22) << (c.shannonK ? fixed(*c.shannonK, 2) : "-") << "\n";
    if (r.program.monopolar()) std::cout << pad("case", 9) << fixed(r.caseCurrentMa, 2) << "\n";
    std::cout << "\nShannon k   " << (r.maxShannonK ? fixed(*r.maxShannonK, 2) : "-")
              << "   (conservative limit 1.5, damage 1.85)\n"
              << "TEED        " << fixed(r.energy.teedUjPerS, 1) << " uJ/s\n";
    if (r.energy.batteryLifeMonths)
        std::cout << "Battery     " << fixed(*r.energy.batteryLifeMonths, 1)
                  << " months to end of service (primary cell; this program alone; assumptions in the generator file)\n";
    if (r.energy.rechargeIntervalDays)
        std::cout << "Recharge    every " << fixed(*r.energy.rechargeIntervalDays, 1)
                  << " days (rechargeable; this program alone; assumptions in the generator file)\n";
    std::cout << "Warnings    " << (r.warnings.empty() ? "none" : "") << "\n";
    for (const auto& w : r.warnings) std::cout << "  ! " << w.message << "\n";
}

}  // namespace

void addDeviceCommands(CLI::App& app, const Options& options, Action& action) {
    struct Args {
        bool json = false;
        std::string lead, ipg, program;
        double impedanceOhm = kDefaultImpedanceOhm;
    };
    auto args = std::make_shared<Args>();

    auto* leads = app.add_subcommand("leads", "list the lead catalogue (geometry, contacts, areas)");
    leads->add_flag("--json", args->json, "machine-readable output");
    leads->callback([&, args] {
        action = [&, args] {
            const auto cat = loadCatalog(options.modelsDir);
            if (!args->json) return printLeads(cat);
            json out = json::array();
            for (const auto& l : cat.leads) out.push_back(leadJson(l));
            printJson(out);
        };
    });

    auto* ipgs = app.add_subcommand("ipgs", "list the pulse generator catalogue (limits, steps, battery)");
    ipgs->add_flag("--json", args->json, "machine-readable output");
    ipgs->callback([&, args] {
        action = [&, args] {
            const auto cat = loadCatalog(options.modelsDir);
            if (!args->json) return printIpgs(cat);
            json out = json::array();
            for (const auto& g : cat.ipgs) out.push_back(ipgJson(g));
            printJson(out);
        };
    });

    auto* check = app.add_subcommand("check", "validate a program as a clinician programmer does: limits, charge density, Shannon k, TEED, battery");
    check->add_option("--lead", args->lead, "lead id (see 'dbsprog leads')")->required();
    check->add_option("--ipg", args->ipg, "generator id (see 'dbsprog ipgs')")->required();
    check->add_option("--program", args->program, "program, e.g. \"C+ 1- 3.0mA 90us 130Hz\"")->required();
    check->add_option("--impedance", args->impedanceOhm, "load impedance, ohm (voltage mode: I = V / impedance)")
        ->capture_default_str();
    check->add_flag("--json", args->json, "machine-readable output");
    check->callback([&, args] {
        action = [&, args] {
            const auto cat = loadCatalog(options.modelsDir);
            const Lead& lead = cat.lead(args->lead);
            const Ipg& ipg = cat.ipg(args->ipg);
            const auto report = checkProgram(parseProgram(args->program), lead, ipg, args->impedanceOhm);
            if (args->json) printJson(checkJson(report, lead, ipg));
            else printCheck(report, lead, ipg);
        };
    });
}

}  // namespace dbsprog::cli
