#pragma once
// Shared helpers for the field tests: shipped leads, conductors built once per test program, the
// finite-element reference table.
#include <Eigen/Core>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "dbsprog/device/lead.hpp"
#include "dbsprog/field/homogeneous_conductor.hpp"

namespace field_test {

inline dbsprog::device::Lead shippedLead(const std::string& fileStem) {
    return dbsprog::device::loadLead(std::string(DBSPROG_TEST_MODELS_DIR) + "/leads/" + fileStem + ".json");
}

/// Conductors are deterministic and immutable, so each test program builds each one once.
inline const dbsprog::field::HomogeneousConductor& conductor(
    const std::string& fileStem,
    dbsprog::field::InactiveContacts mode = dbsprog::field::InactiveContacts::Floating) {
    static std::map<std::pair<std::string, int>, dbsprog::field::HomogeneousConductor> cache;
    const auto key = std::make_pair(fileStem, static_cast<int>(mode));
    auto it = cache.find(key);
    if (it == cache.end()) {
        dbsprog::field::HomogeneousSettings settings;
        settings.inactiveContacts = mode;
        it = cache.emplace(key, dbsprog::field::HomogeneousConductor(shippedLead(fileStem), settings)).first;
    }
    return it->second;
}

struct ReferencePoint {
    Eigen::Vector3d pointMm;
    double potentialInfiniteV;  ///< column potential_V_infinite_domain
    double fieldVPerMm;         ///< column e_V_per_mm
};

/// tests/data/reference/fem_3389_c1_monopolar_radial.csv (copied from the shared reference set):
/// 3389, contact 1 at -1 mA, sigma 0.2 S/m, other contacts floating, axisymmetric FEM.
inline std::vector<ReferencePoint> femRadialReference() {
    const std::string path = std::string(DBSPROG_TEST_DATA_DIR) + "/reference/fem_3389_c1_monopolar_radial.csv";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::string line;
    auto chomp = [](std::string& l) {
        if (!l.empty() && l.back() == '\r') l.pop_back();  // the file has CRLF line ends
    };
    std::getline(in, line);
    chomp(line);
    if (line != "x_mm,y_mm,z_mm,potential_V_grounded_R50mm,potential_V_infinite_domain,e_V_per_mm")
        throw std::runtime_error("unexpected header in " + path + ": " + line);
    std::vector<ReferencePoint> rows;
    while (std::getline(in, line)) {
        chomp(line);
        if (line.empty()) continue;
        std::stringstream ss(line);
        std::vector<double> v;
        for (std::string cell; std::getline(ss, cell, ',');) v.push_back(std::stod(cell));
        if (v.size() != 6) throw std::runtime_error("bad row in " + path + ": " + line);
        rows.push_back({Eigen::Vector3d(v[0], v[1], v[2]), v[4], v[5]});
    }
    return rows;
}

inline double norm3(const dbsprog::field::UnitFields& f, Eigen::Index i, int c) {
    return std::sqrt(std::pow(f.gradientVPerMmPerMa[0](i, c), 2) + std::pow(f.gradientVPerMmPerMa[1](i, c), 2) +
                     std::pow(f.gradientVPerMmPerMa[2](i, c), 2));
}

inline Eigen::Vector3d gradientAt(const dbsprog::field::UnitFields& f, Eigen::Index i, int c) {
    return {f.gradientVPerMmPerMa[0](i, c), f.gradientVPerMmPerMa[1](i, c), f.gradientVPerMmPerMa[2](i, c)};
}

}  // namespace field_test
