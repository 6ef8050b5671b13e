#pragma once
/// What the programmer's adjusters do to a number, and how a validated program colours the lead.
/// No GL, no ImGui: the tests call these directly.
#include <string>
#include <vector>

#include "dbsprog/device/check.hpp"
#include "dbsprog/device/ipg.hpp"
#include "dbsprog/device/lead.hpp"
#include "render/lead_view.hpp"

namespace dbsprog::gui {

/// The setting a -/+ pair or slider adjusts.
enum class Setting { Amplitude, PulseWidth, Frequency };

/// The generator's range for `setting` in the program's control mode.
const device::SteppedRange& rangeFor(const device::Ipg& ipg, device::ControlMode mode, Setting setting);

/// Nearest value on the range's grid (min + k * step) that lies inside [min, max].
double snappedToStep(const device::SteppedRange& range, double value);

/// `value` moved `steps` grid steps (negative: down), clamped to the range. A value already on
/// the grid moves by exactly steps * step.
double steppedValue(const device::SteppedRange& range, double value, int steps);

/// Decimals that show every value on the grid: step 0.1 -> 1, 0.05 -> 2, 10 -> 0.
int decimalsForStep(double step);

/// The value of `setting` in `program`, and a copy of the program with it replaced.
double settingValue(const device::Program& program, Setting setting);
device::Program withSetting(device::Program program, Setting setting, double value);

/// Unit of `setting` as shown beside numbers ("mA", "V", "µs", "Hz").
std::string settingUnit(device::ControlMode mode, Setting setting);

/// Colour state of every lead contact (Lead::contacts order) for a validated program.
std::vector<render::ContactState> contactStatesFor(const device::Lead& lead, const device::CheckReport& report);

}  // namespace dbsprog::gui
