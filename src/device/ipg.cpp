#include "dbsprog/device/ipg.hpp"

#include <cmath>
#include <sstream>

#include "dbsprog/error.hpp"
#include "dbsprog/io/paths.hpp"
#include "io/json_reader.hpp"

namespace dbsprog::device {

namespace {
// Relative tolerance for "on the step": programmer values are decimal, doubles are not.
constexpr double kStepTolerance = 1e-6;

SteppedRange readRange(const io::JsonReader& parent, const std::string& key, double hardMax) {
    const auto r = parent.object(key);
    SteppedRange out{r.number("min", 0.0, hardMax), r.number("max", 0.0, hardMax), r.positive("step", hardMax)};
    if (out.max < out.min) r.fail("max", "a value >= min (" + std::to_string(out.min) + ")");
    if (!out.onStep(out.max)) r.fail("max", "min plus a whole number of steps");
    return out;
}
}  // namespace

bool SteppedRange::contains(double v) const {
    const double slack = kStepTolerance * std::max(1.0, std::fabs(max));
    return v >= min - slack && v <= max + slack;
}

bool SteppedRange::onStep(double v) const {
    const double k = (v - min) / step;
    return std::fabs(k - std::round(k)) < kStepTolerance * std::max(1.0, std::fabs(k));
}

std::string SteppedRange::describe(const std::string& unit) const {
    std::ostringstream ss;
    ss << min << "-" << max << " " << unit << " in steps of " << step << " " << unit;
    return ss.str();
}

Ipg parseIpg(const std::string& jsonText, const std::string& source) {
    const auto doc = io::JsonReader::parse(jsonText, source);
    Ipg ipg;
    ipg.id = doc.string("id");
    ipg.manufacturer = doc.string("manufacturer");
    ipg.model = doc.string("model");
    ipg.displayName = doc.stringOr("name", ipg.manufacturer + " " + ipg.model);

    const auto modes = doc.stringList("control_modes", 1);
    for (const auto& m : modes) {
        if (m == "current") ipg.currentMode = true;
        else if (m == "voltage") ipg.voltageMode = true;
        else doc.fail("control_modes", "a list of \"current\" and/or \"voltage\"");
    }
    // Hard bounds only catch typing errors (a 1000 mA generator does not exist).
    if (ipg.currentMode) ipg.amplitudeMa = readRange(doc, "amplitude_mA", 100.0);
    if (ipg.voltageMode) ipg.amplitudeV = readRange(doc, "amplitude_V", 50.0);
    ipg.pulseWidthUs = readRange(doc, "pulse_width_us", 2000.0);
    ipg.frequencyHz = readRange(doc, "frequency_Hz", 1000.0);
    if (ipg.pulseWidthUs.min <= 0.0) doc.object("pulse_width_us").fail("min", "a pulse width > 0");
    if (ipg.frequencyHz.min <= 0.0) doc.object("frequency_Hz").fail("min", "a frequency > 0");
    ipg.maxContactCurrentMa = doc.positive("max_contact_current_mA", 100.0);
    ipg.maxTotalCurrentMa = doc.positive("max_total_current_mA", 100.0);
    ipg.multipleSources = doc.boolean("multiple_current_sources");
    if (ipg.multipleSources) {
        if (!ipg.currentMode) doc.fail("multiple_current_sources", "false for a generator without current mode");
        ipg.shareStepPercent = doc.positive("share_step_percent", 50.0);
    }
    if (doc.has("compliance_voltage_V")) ipg.complianceVoltageV = doc.positive("compliance_voltage_V", 50.0);
    ipg.channels = doc.integer("channels", 1, 4);
    ipg.rampS = doc.number("ramp_s", 0.0, 60.0);

    const auto b = doc.object("battery");
    ipg.battery.kind = b.choice("kind", {"primary", "rechargeable"}) == "primary" ? BatteryKind::Primary
                                                                                  : BatteryKind::Rechargeable;
    ipg.battery.capacityMah = b.positive("capacity_mAh", 100000.0);
    ipg.battery.cellVoltageV = b.positive("cell_voltage_V", 10.0);
    ipg.battery.outputEfficiency = b.positive("output_efficiency", 1.0);
    ipg.battery.overheadCurrentUa = b.number("overhead_current_uA", 0.0, 10000.0);

    ipg.sources = doc.stringList("sources", 1);
    ipg.assumptions = doc.stringListOr("assumptions");
    return ipg;
}

Ipg loadIpg(const std::string& path) { return parseIpg(io::readFile(path), path); }

}  // namespace dbsprog::device
