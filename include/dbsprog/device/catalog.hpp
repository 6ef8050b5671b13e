#pragma once
/// The lead and generator catalogues in models/leads and models/ipgs.
#include <string>
#include <vector>

#include "dbsprog/device/ipg.hpp"
#include "dbsprog/device/lead.hpp"

namespace dbsprog::device {

struct Catalog {
    std::vector<Lead> leads;  ///< sorted by id
    std::vector<Ipg> ipgs;    ///< sorted by id

    /// Case-insensitive lookup; throws InputError listing the known ids.
    const Lead& lead(const std::string& id) const;
    const Ipg& ipg(const std::string& id) const;
};

/// Loads every *.json under <modelsDir>/leads and <modelsDir>/ipgs; a bad file throws InputError.
Catalog loadCatalog(const std::string& modelsDir);

}  // namespace dbsprog::device
