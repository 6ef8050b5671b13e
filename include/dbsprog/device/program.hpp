#pragma once
/// Stimulation programs in the notation clinicians write them (README "Program notation"):
///   "C+ 1- 3.0mA 90us 130Hz"               monopolar: case anode, contact 1 cathode
///   "1- 2+ 2.5V 60us 130Hz"                bipolar, voltage-controlled
///   "C+ 2a-60% 2b-40% 2.0mA 60us 130Hz"    current shares on a multiple-source generator
#include <string>
#include <string_view>
#include <vector>

#include "dbsprog/device/ipg.hpp"

namespace dbsprog::device {

enum class Polarity { Cathode, Anode };

/// The generator case ("can") as it is written in programs.
inline constexpr std::string_view kCaseName = "C";

struct ProgramContact {
    std::string name;            ///< contact name as on the lead, or "C" for the case
    Polarity polarity = Polarity::Cathode;
    /// Share of the program's amplitude carried by this contact among contacts of the same
    /// polarity, percent. Written explicitly ("2a-60%") or, when omitted, split equally.
    double sharePercent = 100.0;
    bool shareGiven = false;     ///< the user wrote a share for this contact

    bool isCase() const { return name == kCaseName; }
    bool operator==(const ProgramContact& o) const;
};

struct Program {
    std::vector<ProgramContact> contacts;  ///< in the order written
    ControlMode mode = ControlMode::Current;
    double amplitude = 0.0;       ///< mA in current mode, V in voltage mode
    double pulseWidthUs = 60.0;
    double frequencyHz = 130.0;

    bool monopolar() const;       ///< the case is one of the poles
    /// Canonical text: contacts as written, then amplitude, pulse width, frequency.
    std::string toString() const;
    bool operator==(const Program& o) const;
};

/// Parses the notation (syntax only: no lead or generator needed). Omitted shares are filled in
/// as equal splits. Throws InputError naming the token and what is allowed.
Program parseProgram(std::string_view text);

/// Formats an amplitude with its unit, as programmers show it: "3.0mA", "2.55V".
std::string formatAmplitude(double amplitude, ControlMode mode);

}  // namespace dbsprog::device
