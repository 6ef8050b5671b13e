#pragma once
/// From a program to the currents each lead contact drives into tissue, the bridge between the
/// device (what the generator is told) and the field (what the tissue receives).
#include <Eigen/Core>

#include "dbsprog/device/program.hpp"
#include "dbsprog/field/volume_conductor.hpp"

namespace dbsprog::field {

/// Electrode-tissue interface resistance in series with each active contact, ohm. Not a published
/// number: FACTS.md gives clinical impedances of 500-1500 ohm against ~556 ohm of bare tissue
/// resistance for a 3389 ring in 0.2 S/m, so a few hundred ohm (interface + encapsulation) is assumed.
inline constexpr double kDefaultInterfaceResistanceOhm = 400.0;

/// Signed current (mA) leaving each lead contact into tissue, cathodic negative; the case takes the
/// remainder. `program` must be validated against the conductor's lead.
/// Current mode: the amplitude split by the program's shares.
/// Voltage mode: cathodes are held at -V and anodes at 0 V relative to the case; with no case in
/// the program (bipolar) the lead floats, so a common offset is solved for with zero net current.
/// Contact voltages drive the series interface resistance plus the tissue's resistance matrix.
Eigen::VectorXd contactCurrentsMa(const device::Program& program, const VolumeConductor& conductor,
                                  double interfaceResistanceOhm = kDefaultInterfaceResistanceOhm);

/// Each contact's monopolar impedance as a programmer's impedance check reports it: tissue resistance
/// (diagonal of the resistance matrix) plus the interface resistance, ohm.
Eigen::VectorXd monopolarImpedancesOhm(const VolumeConductor& conductor,
                                       double interfaceResistanceOhm = kDefaultInterfaceResistanceOhm);

}  // namespace dbsprog::field
