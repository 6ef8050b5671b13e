#include "dbsprog/field/conductor_factory.hpp"

#include "dbsprog/error.hpp"
#include "dbsprog/field/homogeneous_conductor.hpp"

namespace dbsprog::field {

ConductorKind parseConductorKind(const std::string& word, const std::string& option) {
    if (word == "homogeneous") return ConductorKind::Homogeneous;
    if (word == "grid") return ConductorKind::Grid;
    throw InputError(option, "conductor", "\"" + word + "\"", "homogeneous or grid");
}

InactiveContacts parseInactiveContacts(const std::string& word, const std::string& option) {
    if (word == "floating") return InactiveContacts::Floating;
    if (word == "insulating") return InactiveContacts::Insulating;
    throw InputError(option, "inactive contacts", "\"" + word + "\"", "floating or insulating");
}

std::unique_ptr<VolumeConductor> makeConductor(const device::Lead& lead, const ConductorOptions& options,
                                               const std::string& /*modelsDir*/) {
    if (!(options.sigmaSPerM > 0.0) || options.sigmaSPerM > 100.0)
        throw InputError("--sigma", "conductivity", std::to_string(options.sigmaSPerM) + " S/m", "above 0 and at most 100 S/m");
    switch (options.kind) {
        case ConductorKind::Homogeneous: {
            HomogeneousSettings s;
            s.sigmaSPerM = options.sigmaSPerM;
            s.inactiveContacts = options.inactiveContacts;
            return std::make_unique<HomogeneousConductor>(lead, s);
        }
        case ConductorKind::Grid:
            break;
    }
    throw InputError("--conductor", "conductor", "grid", "homogeneous (the grid solver is not built yet)");
}

}  // namespace dbsprog::field
