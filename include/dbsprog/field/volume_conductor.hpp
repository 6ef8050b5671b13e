#pragma once
/// Volume conductors: the tissue around one lead as a linear, quasi-static conductor (DESIGN.md
/// "Field"). A conductor gives unit solutions: the potential and its gradient for +1 mA on one
/// contact, the current returning through the generator case at infinity (0 V there). Any program is
/// a superposition of unit solutions (see unit_solutions.hpp).
///
/// Units throughout: points in mm in the lead frame (origin at the distal tip, +z proximal, +x through
/// segment "a"); potential V; gradient V/mm; current mA; conductivity S/m (1 mA / (1 S/m) / 1 mm = 1 V,
/// so V = I / (4 pi sigma r) needs no unit factors).
#include <Eigen/Core>
#include <array>
#include <string>

#include "dbsprog/device/lead.hpp"

namespace dbsprog::field {

/// How a contact that carries no current is treated in a unit solution (issue 3).
enum class InactiveContacts {
    Floating,    ///< metal: equipotential, zero net current (default, as a real contact is)
    /// As if it were lead body (zero normal current everywhere on it), for comparison with simpler
    /// models. Each unit solution treats every other contact so, so superposing two driven contacts
    /// is then an approximation (each ignores the other's metal); with Floating it is exact.
    Insulating,
};

const char* toString(InactiveContacts mode);

/// Unit fields at N points for C contacts.
struct UnitFields {
    /// N x C: potential (V) at point i for +1 mA on contact c (others per InactiveContacts).
    Eigen::MatrixXd potentialVPerMa;
    /// x, y, z components of the gradient of the potential (V/mm per mA), each N x C; empty when not
    /// requested. The electric field is E = -gradient.
    std::array<Eigen::MatrixXd, 3> gradientVPerMmPerMa;

    bool hasGradient() const { return gradientVPerMmPerMa[0].size() > 0; }
};

class VolumeConductor {
public:
    virtual ~VolumeConductor() = default;

    virtual const device::Lead& lead() const = 0;
    int contactCount() const { return static_cast<int>(lead().contacts.size()); }

    /// One line naming the model and its parameters, for outputs ("which conductor model it used").
    virtual std::string description() const = 0;

    /// Potential and (optionally) gradient at `pointsMm` (3 x N, lead frame) for +1 mA on each
    /// contact. Points inside the lead body give NaN. `threads` > 1 splits the points across threads;
    /// results do not depend on the thread count.
    virtual UnitFields unitFields(const Eigen::Matrix3Xd& pointsMm, bool withGradient = true,
                                  int threads = 1) const = 0;

    /// C x C: entry (c, k) is the potential (V) of contact c for +1 mA on contact k, i.e. the transfer
    /// resistance in kilo-ohms. With floating inactive contacts it is symmetric (reciprocity). With
    /// insulating ones, an inactive contact has no single potential: its area-weighted mean is given.
    virtual Eigen::MatrixXd contactPotentialsVPerMa() const = 0;

    /// True for points inside the lead body (not tissue).
    virtual bool insideLead(const Eigen::Vector3d& pointMm) const = 0;
};

/// The contact resistance matrix in ohm (1000 x contactPotentialsVPerMa, since V/mA = kilo-ohm).
/// Its diagonal is each contact's monopolar tissue resistance (impedance without the electrode-tissue
/// interface or encapsulation). Voltage-controlled programs use it through field/stimulus.hpp.
Eigen::MatrixXd contactResistanceOhm(const VolumeConductor& conductor);

}  // namespace dbsprog::field
