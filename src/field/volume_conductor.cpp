#include "dbsprog/field/volume_conductor.hpp"

namespace dbsprog::field {

const char* toString(InactiveContacts mode) {
    return mode == InactiveContacts::Floating ? "floating" : "insulating";
}

Eigen::MatrixXd contactResistanceOhm(const VolumeConductor& conductor) {
    return 1000.0 * conductor.contactPotentialsVPerMa();  // V/mA = kilo-ohm
}

}  // namespace dbsprog::field
