#pragma once
/// Heterogeneous tissue around a lead for the grid conductor (models/tissue/*.json): a background
/// conductivity, an encapsulation layer hugging the lead, and regions of grey matter, white matter, CSF
/// (or anything else) given as simple geometric primitives in the lead frame (mm, DESIGN.md).
///
/// Conductivities are isotropic, in S/m. Where regions overlap, the one listed later wins; the
/// encapsulation layer wins over every region (it is defined by its distance from the lead). Every
/// conductivity a file gives is its own documented choice: FACTS.md lists grey 0.33 / white 0.14 S/m
/// (Lead-DBS heuristic) or 0.0915 / 0.059 S/m at 130 Hz, CSF 2.0, blood 0.7; the encapsulation
/// conductivity has no published value there (assumed).
#include <Eigen/Core>
#include <string>
#include <vector>

namespace dbsprog::field {

enum class RegionShape {
    Sphere,     ///< centreMm, radius = semiAxesMm.x()
    Ellipsoid,  ///< centreMm, semi-axes along the lead frame's x, y, z (semiAxesMm)
    Box,        ///< axis-aligned, minMm..maxMm
    HalfSpace,  ///< all points p with (p - centreMm) . normal >= 0 (the normal points into the region)
};

const char* toString(RegionShape shape);

/// The tissue labels a file may use (informative: the conductivity is always given explicitly).
const std::vector<std::string>& tissueLabels();

struct TissueRegion {
    std::string name;                ///< what it is, for reports: "internal capsule"
    std::string tissue;              ///< one of tissueLabels(): "grey_matter", "white_matter", "csf", ...
    double conductivitySPerM = 0.0;  ///< S/m, > 0
    RegionShape shape = RegionShape::Sphere;
    Eigen::Vector3d centreMm = Eigen::Vector3d::Zero();    ///< sphere/ellipsoid centre; a point on a half-space's plane
    Eigen::Vector3d semiAxesMm = Eigen::Vector3d::Zero();  ///< ellipsoid semi-axes; sphere: radius in all three
    Eigen::Vector3d minMm = Eigen::Vector3d::Zero();       ///< box: lower corner
    Eigen::Vector3d maxMm = Eigen::Vector3d::Zero();       ///< box: upper corner
    Eigen::Vector3d normal = Eigen::Vector3d::UnitX();     ///< half-space: unit normal, into the region

    bool contains(const Eigen::Vector3d& pointMm) const;
};

/// A layer of fibrous tissue around the whole lead (contacts and insulation), thickness measured from
/// the lead surface. OSS-DBS uses 0.2 mm by default (FACTS.md); its conductivity is an assumption.
struct Encapsulation {
    double thicknessMm = 0.0;        ///< mm; 0 = no layer
    double conductivitySPerM = 0.1;  ///< S/m (assumed; see models/tissue/default.json)
};

struct TissueModel {
    std::string id = "homogeneous";    ///< file stem or a generated name
    std::string name = "homogeneous";  ///< one line for reports
    std::string description;
    std::string backgroundTissue = "bulk";     ///< one of tissueLabels()
    double backgroundConductivitySPerM = 0.2;  ///< S/m, everywhere no region or layer claims
    Encapsulation encapsulation;
    std::vector<TissueRegion> regions;     ///< later entries win where they overlap
    std::vector<std::string> sources;      ///< where the numbers come from
    std::vector<std::string> assumptions;  ///< what is assumed

    /// Homogeneous tissue of conductivity sigma, no encapsulation (the reference-solution setup).
    static TissueModel homogeneous(double sigmaSPerM);

    /// Conductivity (S/m) of the regions and background at a point, ignoring the encapsulation layer
    /// (which depends on the lead; the grid conductor applies it).
    double regionConductivityAt(const Eigen::Vector3d& pointMm) const;

    /// Every number that affects a solution, in a canonical text form (exact hex floats): the tissue
    /// part of the grid conductor's cache key. Names and sources are left out.
    std::string canonicalText() const;

    /// One line for reports: "default: bulk 0.2 S/m, encapsulation 0.2 mm at 0.1 S/m, 0 regions".
    std::string summary() const;
};

/// Loads and validates a tissue file; errors (InputError) name the file, the field, the value found and
/// what is allowed.
TissueModel loadTissueModel(const std::string& path);
/// The same from JSON text; `source` names it in errors, `id` becomes the model's id.
TissueModel parseTissueModel(const std::string& jsonText, const std::string& source, const std::string& id);
/// <modelsDir>/tissue/<id>.json.
TissueModel findTissueModel(const std::string& modelsDir, const std::string& id);

}  // namespace dbsprog::field
