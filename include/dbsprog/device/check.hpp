#pragma once
/// The checks a clinician programmer makes before it lets a program run: refusals (InputError) for
/// what the generator cannot deliver, warnings for what it can but should not, and the numbers a
/// programmer shows: per-contact current, charge, charge density, Shannon k, TEED, battery.
#include <optional>
#include <string>
#include <vector>

#include "dbsprog/device/ipg.hpp"
#include "dbsprog/device/lead.hpp"
#include "dbsprog/device/program.hpp"

namespace dbsprog::device {

/// Safety limits (FACTS.md "Safety").
inline constexpr double kChargeDensityWarningUcPerCm2 = 30.0;  ///< programmers' warning level
inline constexpr double kShannonKConservative = 1.5;            ///< Shannon 1992, conservative limit
inline constexpr double kShannonKDamage = 1.85;                 ///< Shannon 1992, damage seen from here
inline constexpr double kDefaultImpedanceOhm = 1000.0;          ///< issue 2: default when none is given

/// Clinical impedance range a programmer accepts without comment (FACTS.md: < 50 ohm short, > 2000 open).
inline constexpr double kImpedanceShortOhm = 50.0;
inline constexpr double kImpedanceOpenOhm = 2000.0;

struct ContactLoad {
    std::string name;                 ///< lead contact name ("1", "2a")
    Polarity polarity = Polarity::Cathode;
    double currentMa = 0.0;           ///< signed: cathodic negative, anodic positive
    double chargeUc = 0.0;            ///< charge per phase, microcoulombs (magnitude)
    double areaCm2 = 0.0;
    double chargeDensityUcPerCm2 = 0.0;  ///< per phase
    std::optional<double> shannonK;   ///< log10(D) + log10(Q); none at zero charge
};

enum class WarningKind { ChargeDensity, ShannonConservative, ShannonDamage, Compliance, Impedance };

struct Warning {
    WarningKind kind;
    std::string contact;   ///< the contact it concerns ("" for the whole program)
    std::string message;   ///< worded as a programmer words it
};

struct Energy {
    double teedUjPerS = 0.0;        ///< total electrical energy delivered per second, microjoules
    double batteryCurrentUa = 0.0;  ///< average drain at the battery for this program, microamperes
    std::optional<double> batteryLifeMonths;      ///< primary cell: months to end of service
    std::optional<double> rechargeIntervalDays;   ///< rechargeable: days between full charges
};

struct CheckReport {
    Program program;                  ///< the validated program (shares filled in)
    double impedanceOhm = kDefaultImpedanceOhm;
    double totalCurrentMa = 0.0;      ///< cathodic total, magnitude
    double outputVoltageV = 0.0;      ///< voltage across the load (V mode: the amplitude)
    double caseCurrentMa = 0.0;       ///< signed current through the case (0 when bipolar)
    std::vector<ContactLoad> contacts;  ///< active lead contacts, in the order written
    std::optional<double> maxShannonK;  ///< over the active contacts; none at zero charge
    std::vector<Warning> warnings;
    Energy energy;
};

/// Refuses (throws InputError) a program the generator or lead cannot deliver: a value out of
/// range or off the device's step, a contact the lead does not have, a share the generator cannot
/// deliver, an unsupported control mode. Returns the program with shares filled in.
Program validateProgram(const Program& program, const Lead& lead, const Ipg& ipg);

/// Validates, then computes currents, charge, charge density, Shannon k, warnings and energy.
/// `impedanceOhm`: the program's load impedance (the therapeutic impedance a programmer measures);
/// voltage mode: total current = V / impedance.
CheckReport checkProgram(const Program& program, const Lead& lead, const Ipg& ipg,
                         double impedanceOhm = kDefaultImpedanceOhm);

/// Largest charge per phase (uC) a contact of area `areaCm2` takes at charge density `densityUcPerCm2`.
double maxChargeForDensityUc(double areaCm2, double densityUcPerCm2);
/// Largest current (mA) at pulse width `pulseWidthUs` that stays at or below `densityUcPerCm2`.
double maxCurrentForDensityMa(double areaCm2, double pulseWidthUs, double densityUcPerCm2);
/// Shannon 1992: Q_max = sqrt(10^k * A), uC.
double shannonMaxChargeUc(double areaCm2, double k);
/// Shannon's k for charge `chargeUc` on area `areaCm2`: log10(Q/A) + log10(Q).
double shannonK(double chargeUc, double areaCm2);

/// Koss 2005 TEED per second, microjoules: V^2 * f * PW / R.
double teedVoltageUjPerS(double voltageV, double frequencyHz, double pulseWidthUs, double impedanceOhm);
/// Current-mode form (derived): I^2 * R * f * PW.
double teedCurrentUjPerS(double currentMa, double frequencyHz, double pulseWidthUs, double impedanceOhm);

/// Battery drain and life for programs running together on one generator (one per channel).
Energy estimateEnergy(const Ipg& ipg, const std::vector<double>& teedUjPerSPerChannel);

}  // namespace dbsprog::device
