#include "dbsprog/field/conductor_factory.hpp"

#include "dbsprog/error.hpp"
#include "dbsprog/field/grid_conductor.hpp"
#include "dbsprog/field/homogeneous_conductor.hpp"
#include "dbsprog/field/tissue_model.hpp"

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
                                               const std::string& modelsDir) {
    if (!(options.sigmaSPerM > 0.0) || options.sigmaSPerM > 100.0)
        throw InputError("--sigma", "conductivity", std::to_string(options.sigmaSPerM) + " S/m", "above 0 and at most 100 S/m");
    switch (options.kind) {
        case ConductorKind::Homogeneous: {
            HomogeneousSettings s;
            s.sigmaSPerM = options.sigmaSPerM;
            s.inactiveContacts = options.inactiveContacts;
            return std::make_unique<HomogeneousConductor>(lead, s);
        }
        case ConductorKind::Grid: {
            GridSettings s;
            s.tissue = options.tissueModelPath.empty() ? findTissueModel(modelsDir, "default") : loadTissueModel(options.tissueModelPath);
            s.inactiveContacts = options.inactiveContacts;
            s.threads = options.threads;
            return std::make_unique<GridConductor>(lead, s);
        }
    }
    throw InputError("--conductor", "conductor", "?", "homogeneous or grid");
}

}  // namespace dbsprog::field
