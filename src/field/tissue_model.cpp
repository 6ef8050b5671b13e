#include "dbsprog/field/tissue_model.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "dbsprog/error.hpp"
#include "dbsprog/io/paths.hpp"
#include "io/json_reader.hpp"

namespace dbsprog::field {

namespace {

// Limits for validation: wide enough for any tissue (CSF 2.0 S/m is the most conductive in FACTS.md,
// metals are not tissue) and any geometry around a lead (the grid's domain is a few cm across).
constexpr double kMaxConductivitySPerM = 20.0;
constexpr double kMaxCoordinateMm = 1000.0;
constexpr double kMaxEncapsulationMm = 2.0;  // far thicker than any reported scar; guards unit mix-ups (um)

std::string hexFloat(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%a", v);
    return buf;
}

std::string hexVector(const Eigen::Vector3d& v) {
    return hexFloat(v.x()) + "," + hexFloat(v.y()) + "," + hexFloat(v.z());
}

Eigen::Vector3d vector3(const io::JsonReader& r, const std::string& key, double lo, double hi) {
    const auto v = r.numbers(key, 3, lo, hi);
    return {v[0], v[1], v[2]};
}

TissueRegion parseRegion(const io::JsonReader& r) {
    TissueRegion region;
    region.name = r.string("name");
    region.tissue = r.choice("tissue", tissueLabels());
    region.conductivitySPerM = r.positive("conductivity_S_per_m", kMaxConductivitySPerM);
    const std::string shape = r.choice("shape", {"sphere", "ellipsoid", "box", "half_space"});
    auto known = [](std::initializer_list<const char*> extra) {
        std::vector<std::string> k{"name", "tissue", "conductivity_S_per_m", "shape", "note"};
        k.insert(k.end(), extra.begin(), extra.end());
        return k;
    };
    if (shape == "sphere") {
        r.rejectUnknownKeys(known({"centre_mm", "radius_mm"}));
        region.shape = RegionShape::Sphere;
        region.centreMm = vector3(r, "centre_mm", -kMaxCoordinateMm, kMaxCoordinateMm);
        region.semiAxesMm = Eigen::Vector3d::Constant(r.positive("radius_mm", kMaxCoordinateMm));
    } else if (shape == "ellipsoid") {
        r.rejectUnknownKeys(known({"centre_mm", "semi_axes_mm"}));
        region.shape = RegionShape::Ellipsoid;
        region.centreMm = vector3(r, "centre_mm", -kMaxCoordinateMm, kMaxCoordinateMm);
        region.semiAxesMm = vector3(r, "semi_axes_mm", 0.0, kMaxCoordinateMm);
        if (region.semiAxesMm.minCoeff() <= 0.0) r.fail("semi_axes_mm", "three numbers > 0 (mm)");
    } else if (shape == "box") {
        r.rejectUnknownKeys(known({"min_mm", "max_mm"}));
        region.shape = RegionShape::Box;
        region.minMm = vector3(r, "min_mm", -kMaxCoordinateMm, kMaxCoordinateMm);
        region.maxMm = vector3(r, "max_mm", -kMaxCoordinateMm, kMaxCoordinateMm);
        for (int d = 0; d < 3; ++d)
            if (!(region.maxMm[d] > region.minMm[d])) r.fail("max_mm", "each coordinate greater than min_mm's");
    } else {
        r.rejectUnknownKeys(known({"point_mm", "normal"}));
        region.shape = RegionShape::HalfSpace;
        region.centreMm = vector3(r, "point_mm", -kMaxCoordinateMm, kMaxCoordinateMm);
        const Eigen::Vector3d n = vector3(r, "normal", -1e6, 1e6);
        if (!(n.norm() > 1e-12)) r.fail("normal", "a non-zero vector [x, y, z] pointing into the region");
        region.normal = n.normalized();
    }
    return region;
}

}  // namespace

const char* toString(RegionShape shape) {
    switch (shape) {
        case RegionShape::Sphere:
            return "sphere";
        case RegionShape::Ellipsoid:
            return "ellipsoid";
        case RegionShape::Box:
            return "box";
        case RegionShape::HalfSpace:
            return "half_space";
    }
    return "?";
}

const std::vector<std::string>& tissueLabels() {
    static const std::vector<std::string> labels{"bulk", "grey_matter", "white_matter", "csf", "blood", "other"};
    return labels;
}

bool TissueRegion::contains(const Eigen::Vector3d& p) const {
    switch (shape) {
        case RegionShape::Sphere:
            return (p - centreMm).squaredNorm() <= semiAxesMm.x() * semiAxesMm.x();
        case RegionShape::Ellipsoid:
            return (p - centreMm).cwiseQuotient(semiAxesMm).squaredNorm() <= 1.0;
        case RegionShape::Box:
            return (p.array() >= minMm.array()).all() && (p.array() <= maxMm.array()).all();
        case RegionShape::HalfSpace:
            return (p - centreMm).dot(normal) >= 0.0;
    }
    return false;
}

TissueModel TissueModel::homogeneous(double sigmaSPerM) {
    if (!(sigmaSPerM > 0.0) || !std::isfinite(sigmaSPerM) || sigmaSPerM > kMaxConductivitySPerM)
        throw InputError("tissue model", "conductivity", std::to_string(sigmaSPerM),
                         "a number > 0 and <= " + std::to_string(kMaxConductivitySPerM) + " S/m");
    TissueModel m;
    std::ostringstream ss;
    ss << "homogeneous " << sigmaSPerM << " S/m";
    m.id = "homogeneous";
    m.name = ss.str();
    m.backgroundConductivitySPerM = sigmaSPerM;
    m.encapsulation.thicknessMm = 0.0;
    return m;
}

double TissueModel::regionConductivityAt(const Eigen::Vector3d& p) const {
    for (auto it = regions.rbegin(); it != regions.rend(); ++it)
        if (it->contains(p)) return it->conductivitySPerM;
    return backgroundConductivitySPerM;
}

std::string TissueModel::canonicalText() const {
    std::ostringstream ss;
    ss << "background=" << hexFloat(backgroundConductivitySPerM) << ";";
    ss << "encapsulation=" << hexFloat(encapsulation.thicknessMm) << "," << hexFloat(encapsulation.conductivitySPerM)
       << ";";
    for (const auto& r : regions) {
        ss << "region=" << toString(r.shape) << "," << hexFloat(r.conductivitySPerM) << "," << hexVector(r.centreMm)
           << "," << hexVector(r.semiAxesMm) << "," << hexVector(r.minMm) << "," << hexVector(r.maxMm) << ","
           << hexVector(r.normal) << ";";
    }
    return ss.str();
}

std::string TissueModel::summary() const {
    std::ostringstream ss;
    ss << id << ": " << backgroundTissue << " " << backgroundConductivitySPerM << " S/m";
    if (encapsulation.thicknessMm > 0.0)
        ss << ", encapsulation " << encapsulation.thicknessMm << " mm at " << encapsulation.conductivitySPerM << " S/m";
    else
        ss << ", no encapsulation";
    ss << ", " << regions.size() << (regions.size() == 1 ? " region" : " regions");
    return ss.str();
}

TissueModel parseTissueModel(const std::string& jsonText, const std::string& source, const std::string& id) {
    const auto doc = io::JsonReader::parse(jsonText, source);
    doc.rejectUnknownKeys({"name", "description", "background", "encapsulation", "regions", "sources", "assumptions"});
    TissueModel m;
    m.id = id;
    m.name = doc.string("name");
    m.description = doc.stringOr("description", "");
    const auto bg = doc.object("background");
    bg.rejectUnknownKeys({"tissue", "conductivity_S_per_m", "note"});
    m.backgroundTissue = bg.choice("tissue", tissueLabels());
    m.backgroundConductivitySPerM = bg.positive("conductivity_S_per_m", kMaxConductivitySPerM);
    if (const auto enc = doc.optionalObject("encapsulation")) {
        enc->rejectUnknownKeys({"thickness_mm", "conductivity_S_per_m", "note"});
        m.encapsulation.thicknessMm = enc->number("thickness_mm", 0.0, kMaxEncapsulationMm);
        m.encapsulation.conductivitySPerM = enc->positive("conductivity_S_per_m", kMaxConductivitySPerM);
    } else {
        m.encapsulation.thicknessMm = 0.0;
    }
    if (doc.has("regions"))
        for (const auto& r : doc.array("regions")) m.regions.push_back(parseRegion(r));
    m.sources = doc.stringList("sources", 1);
    m.assumptions = doc.stringListOr("assumptions");
    return m;
}

TissueModel loadTissueModel(const std::string& path) {
    return parseTissueModel(io::readFile(path), path, std::filesystem::path(path).stem().string());
}

TissueModel findTissueModel(const std::string& modelsDir, const std::string& id) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(modelsDir) / "tissue";
    const fs::path file = dir / (id + ".json");
    if (fs::exists(file)) return loadTissueModel(file.string());
    std::string known;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().extension() == ".json") known += (known.empty() ? "" : ", ") + e.path().stem().string();
    throw InputError(dir.string(), "tissue model", id,
                     known.empty() ? "a file <id>.json in this folder" : "one of " + known);
}

}  // namespace dbsprog::field
