#include "gui/program_editing.hpp"

#include <algorithm>
#include <cmath>

namespace dbsprog::gui {

const device::SteppedRange& rangeFor(const device::Ipg& ipg, device::ControlMode mode, Setting setting) {
    switch (setting) {
        case Setting::PulseWidth: return ipg.pulseWidthUs;
        case Setting::Frequency: return ipg.frequencyHz;
        case Setting::Amplitude: break;
    }
    return ipg.amplitudeRange(mode);
}

namespace {

/// Highest grid index inside the range; the tolerance keeps 0.1-step grids from losing their top.
long long topIndex(const device::SteppedRange& range) {
    if (range.step <= 0.0) return 0;
    return static_cast<long long>(std::floor((range.max - range.min) / range.step + 1e-9));
}

double onGrid(const device::SteppedRange& range, long long index) {
    // Rounded to 1e-9 so that 0.1-steps give 3.1, not 3.1000000000000001 noise that grows.
    const double value = range.min + static_cast<double>(index) * range.step;
    return std::round(value * 1e9) / 1e9;
}

}  // namespace

double snappedToStep(const device::SteppedRange& range, double value) {
    if (range.step <= 0.0) return std::clamp(value, range.min, range.max);
    const auto index = static_cast<long long>(std::llround((value - range.min) / range.step));
    return onGrid(range, std::clamp<long long>(index, 0, topIndex(range)));
}

double steppedValue(const device::SteppedRange& range, double value, int steps) {
    if (range.step <= 0.0) return std::clamp(value, range.min, range.max);
    const auto index = static_cast<long long>(std::llround((value - range.min) / range.step)) + steps;
    return onGrid(range, std::clamp<long long>(index, 0, topIndex(range)));
}

int decimalsForStep(double step) {
    for (int decimals = 0; decimals < 6; ++decimals) {
        const double scaled = step * std::pow(10.0, decimals);
        if (std::abs(scaled - std::round(scaled)) < 1e-6) return decimals;
    }
    return 6;
}

double settingValue(const device::Program& program, Setting setting) {
    switch (setting) {
        case Setting::PulseWidth: return program.pulseWidthUs;
        case Setting::Frequency: return program.frequencyHz;
        case Setting::Amplitude: break;
    }
    return program.amplitude;
}

device::Program withSetting(device::Program program, Setting setting, double value) {
    switch (setting) {
        case Setting::Amplitude: program.amplitude = value; break;
        case Setting::PulseWidth: program.pulseWidthUs = value; break;
        case Setting::Frequency: program.frequencyHz = value; break;
    }
    return program;
}

std::string settingUnit(device::ControlMode mode, Setting setting) {
    switch (setting) {
        case Setting::PulseWidth: return "\xC2\xB5s";  // µs
        case Setting::Frequency: return "Hz";
        case Setting::Amplitude: break;
    }
    return mode == device::ControlMode::Current ? "mA" : "V";
}

std::vector<render::ContactState> contactStatesFor(const device::Lead& lead, const device::CheckReport& report) {
    std::vector<render::ContactState> states(lead.contacts.size(), render::ContactState::Off);
    for (const device::ContactLoad& load : report.contacts) {
        if (const auto index = lead.contactIndex(load.name)) {
            states[static_cast<std::size_t>(*index)] =
                load.polarity == device::Polarity::Cathode ? render::ContactState::Cathode : render::ContactState::Anode;
        }
    }
    return states;
}

}  // namespace dbsprog::gui
