#pragma once
/// Implantable pulse generators (IPGs): what they can deliver and how their batteries last.
#include <optional>
#include <string>
#include <vector>

namespace dbsprog::device {

enum class ControlMode { Current, Voltage };

/// A programmable range: min..max in steps of `step` counted from min.
struct SteppedRange {
    double min = 0.0;
    double max = 0.0;
    double step = 0.0;

    bool contains(double v) const;
    bool onStep(double v) const;
    /// "0.1-20 mA in steps of 0.1" with the given unit.
    std::string describe(const std::string& unit) const;
};

enum class BatteryKind { Primary, Rechargeable };

/// Battery model; every number here is an assumption stated in the IPG file.
struct Battery {
    BatteryKind kind = BatteryKind::Primary;
    double capacityMah = 0.0;        ///< usable capacity (primary: to end of service; rechargeable: one full charge)
    double cellVoltageV = 0.0;       ///< nominal cell voltage
    double outputEfficiency = 1.0;   ///< fraction of battery power that reaches the tissue (0..1]
    double overheadCurrentUa = 0.0;  ///< housekeeping drain at the battery (telemetry, clock), microamperes
};

struct Ipg {
    std::string id;                 ///< catalogue id used on the command line, e.g. "percept-pc"
    std::string manufacturer;
    std::string model;
    std::string displayName;
    bool currentMode = false;       ///< can run current-controlled programs
    bool voltageMode = false;       ///< can run voltage-controlled programs
    SteppedRange amplitudeMa;       ///< valid when currentMode
    SteppedRange amplitudeV;        ///< valid when voltageMode
    SteppedRange pulseWidthUs;
    SteppedRange frequencyHz;
    double maxContactCurrentMa = 0.0;  ///< per-contact cap
    double maxTotalCurrentMa = 0.0;    ///< cap on the sum of cathodic current
    bool multipleSources = false;      ///< independent current source per contact (current shares)
    double shareStepPercent = 1.0;     ///< resolution of current shares (multiple-source devices)
    std::optional<double> complianceVoltageV;  ///< highest output voltage in current mode
    int channels = 1;                  ///< leads one generator drives
    /// Soft start: when stimulation is switched on the amplitude climbs from zero to the programmed
    /// value over this long, seconds (0: at once). Boston: programmable 1-10 s (FACTS.md).
    double rampS = 0.0;
    Battery battery;
    std::vector<std::string> sources;
    std::vector<std::string> assumptions;

    bool supports(ControlMode mode) const { return mode == ControlMode::Current ? currentMode : voltageMode; }
    const SteppedRange& amplitudeRange(ControlMode mode) const {
        return mode == ControlMode::Current ? amplitudeMa : amplitudeV;
    }
};

Ipg loadIpg(const std::string& path);
Ipg parseIpg(const std::string& jsonText, const std::string& source);

}  // namespace dbsprog::device
