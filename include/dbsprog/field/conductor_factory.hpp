#pragma once
/// Builds the conductor model a user names ("homogeneous" or "grid"), for the CLI and the window.
#include <memory>
#include <string>

#include "dbsprog/field/volume_conductor.hpp"

namespace dbsprog::field {

enum class ConductorKind { Homogeneous, Grid };

struct ConductorOptions {
    ConductorKind kind = ConductorKind::Homogeneous;
    double sigmaSPerM = 0.2;  ///< homogeneous model conductivity (issue 3 default), S/m
    InactiveContacts inactiveContacts = InactiveContacts::Floating;
    std::string tissueModelPath;  ///< grid model: tissue regions and encapsulation (empty: models/tissue/default.json)
    int threads = 1;
};

/// "homogeneous" / "grid" -> kind; throws InputError naming `option` and the allowed words.
ConductorKind parseConductorKind(const std::string& word, const std::string& option = "--conductor");
InactiveContacts parseInactiveContacts(const std::string& word, const std::string& option = "--inactive");

std::unique_ptr<VolumeConductor> makeConductor(const device::Lead& lead, const ConductorOptions& options,
                                               const std::string& modelsDir);

}  // namespace dbsprog::field
