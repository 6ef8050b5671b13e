#include "dbsprog/field/stimulus.hpp"

#include <Eigen/Dense>

#include "dbsprog/error.hpp"

namespace dbsprog::field {

namespace {
int contactIndexOrThrow(const device::Lead& lead, const std::string& name) {
    const auto idx = lead.contactIndex(name);
    if (!idx) throw InputError("program", "contact", "\"" + name + "\"", "contacts of the " + lead.displayName + ": " + lead.contactNames());
    return *idx;
}
}  // namespace

Eigen::VectorXd contactCurrentsMa(const device::Program& program, const VolumeConductor& conductor,
                                  double interfaceResistanceOhm) {
    using device::Polarity;
    const auto& lead = conductor.lead();
    Eigen::VectorXd currents = Eigen::VectorXd::Zero(conductor.contactCount());
    if (program.mode == device::ControlMode::Current) {
        for (const auto& c : program.contacts) {
            if (c.isCase()) continue;
            const double sign = c.polarity == Polarity::Cathode ? -1.0 : 1.0;
            currents(contactIndexOrThrow(lead, c.name)) = sign * program.amplitude * c.sharePercent / 100.0;
        }
        return currents;
    }
    if (!(interfaceResistanceOhm >= 0.0))
        throw InputError("voltage program", "interface resistance", std::to_string(interfaceResistanceOhm), ">= 0 ohm");
    std::vector<int> active;
    std::vector<double> voltages;
    for (const auto& c : program.contacts) {
        if (c.isCase()) continue;
        active.push_back(contactIndexOrThrow(lead, c.name));
        voltages.push_back(c.polarity == Polarity::Cathode ? -program.amplitude : 0.0);
    }
    // Unknowns: the active contacts' currents (mA), plus in bipolar mode the lead's common offset (V).
    // Rows: (R_AA + R_int) I_A - offset = V_A; bipolar adds sum(I_A) = 0 (no current through the case).
    const Eigen::MatrixXd kiloOhm = conductor.contactPotentialsVPerMa();
    const auto m = static_cast<Eigen::Index>(active.size());
    const bool floating = !program.monopolar();
    const Eigen::Index n = m + (floating ? 1 : 0);
    Eigen::MatrixXd a = Eigen::MatrixXd::Zero(n, n);
    Eigen::VectorXd b = Eigen::VectorXd::Zero(n);
    for (Eigen::Index i = 0; i < m; ++i) {
        for (Eigen::Index j = 0; j < m; ++j) a(i, j) = kiloOhm(active[i], active[j]);
        a(i, i) += interfaceResistanceOhm * 1e-3;  // ohm -> V per mA
        b(i) = voltages[static_cast<size_t>(i)];
        if (floating) a(i, m) = -1.0, a(m, i) = 1.0;
    }
    const Eigen::VectorXd x = a.fullPivLu().solve(b);
    for (Eigen::Index i = 0; i < m; ++i) currents(active[i]) = x(i);
    return currents;
}

Eigen::VectorXd monopolarImpedancesOhm(const VolumeConductor& conductor, double interfaceResistanceOhm) {
    return conductor.contactPotentialsVPerMa().diagonal() * 1e3 + Eigen::VectorXd::Constant(conductor.contactCount(), interfaceResistanceOhm);
}

}  // namespace dbsprog::field
