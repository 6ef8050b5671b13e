#pragma once
/// Anatomy around a DBS target (models/anatomy/<target>.json): structures drawn as ellipsoids and
/// pathways (bundles of axons with a fibre diameter) in an anatomy frame, and the side effects each
/// pathway causes. A case's lead placement maps the anatomy into the lead frame, where the field and
/// activation engine work.
///
/// Anatomy frame (mm), one hemisphere, mirror-free: +x lateral, +y anterior, +z dorsal; the origin is
/// the planned target point (the centre of the lead's planned active zone).
#include <Eigen/Geometry>
#include <array>
#include <string>
#include <vector>

#include "dbsprog/tissue/activation.hpp"

namespace dbsprog::patient {

/// A structure drawn in the window and used for VTA overlap: an ellipsoid.
struct Structure {
    std::string id;                 ///< "gpi-sensorimotor"
    std::string name;               ///< "sensorimotor GPi (posteroventrolateral)"
    Eigen::Vector3d centreMm = Eigen::Vector3d::Zero();     ///< anatomy frame
    Eigen::Vector3d semiAxesMm = Eigen::Vector3d::Ones();   ///< along the rotated x, y, z
    Eigen::Vector3d rotationDeg = Eigen::Vector3d::Zero();  ///< about x, then y, then z (anatomy frame)
    std::array<float, 3> colour{0.6f, 0.6f, 0.6f};          ///< display colour, linear RGB 0..1
    bool schematic = true;          ///< no published mm figure: shape and position assumed

    /// Rotation from the ellipsoid's own axes to the anatomy frame.
    Eigen::Matrix3d rotation() const;
    bool contains(const Eigen::Vector3d& pointMm) const;
};

enum class PathwayRole { Target, SideEffect };

/// How a pathway's axons are laid out.
///  - Bundle: parallel straight fibres along `directionMm` through an elliptical cross-section
///    (semi-axes `crossSectionMm` across the fibre), `lengthMm` long, centred on `centreMm`.
///  - Volume: straight fibres `lengthMm` long centred on points filling the ellipsoid
///    (`centreMm`, `semiAxesMm`), their directions spread over the sphere (local neurons' axons).
/// Placement is deterministic (low-discrepancy sequences, no random numbers).
enum class PathwayLayout { Bundle, Volume };

struct Pathway {
    std::string id;                 ///< "capsule-corticospinal"
    std::string name;               ///< "internal capsule, corticospinal fibres"
    PathwayRole role = PathwayRole::SideEffect;
    PathwayLayout layout = PathwayLayout::Bundle;
    Eigen::Vector3d centreMm = Eigen::Vector3d::Zero();
    Eigen::Vector3d directionMm = Eigen::Vector3d::UnitZ();  ///< Bundle: fibre direction (normalised on load)
    Eigen::Vector2d crossSectionMm = Eigen::Vector2d::Ones(); ///< Bundle: semi-axes of the cross-section
    Eigen::Vector3d semiAxesMm = Eigen::Vector3d::Ones();     ///< Volume: ellipsoid semi-axes (anatomy axes)
    double lengthMm = 10.0;
    int axonCount = 100;
    double diameterUm = 5.7;        ///< fibre diameter
    std::array<float, 3> colour{0.6f, 0.6f, 0.6f};
    bool schematic = true;
};

/// One side effect a pathway causes when its axons fire, graded 0-4 like a programmer's
/// clinical-effects map. Words per grade 1..4 (index 0 = grade 1).
struct SideEffect {
    std::string id;                 ///< "tonic-contraction"
    std::string name;               ///< "tonic muscle contraction (capsular)"
    std::string pathwayId;
    /// Fraction of the pathway's axons firing at which grades 1, 2, 3, 4 begin (assumed).
    std::array<double, 4> gradeActivation{0.02, 0.10, 0.25, 0.50};
    std::array<std::string, 4> patientSays;   ///< "my hand is pulling"
    std::array<std::string, 4> clinicianSees; ///< "tonic contraction of the contralateral hand"
    /// Delayed effects (stimulation-induced slowness) build up with this time constant, seconds;
    /// 0 = acute (appears and disappears with the stimulus).
    double onsetTauS = 0.0;
    double offsetTauS = 0.0;
};

/// The lead's planned trajectory in the anatomy frame.
struct Trajectory {
    Eigen::Vector3d axis = Eigen::Vector3d::UnitZ();  ///< unit vector from the tip toward the proximal end
    /// Distance along the axis from the tip to the planned target point (the origin), mm.
    double tipToTargetMm = 4.0;
};

struct Anatomy {
    std::string id;            ///< "gpi"
    std::string target;        ///< "GPi", "STN", "VIM"
    std::string description;
    Trajectory trajectory;
    std::vector<Structure> structures;
    std::vector<Pathway> pathways;
    std::vector<SideEffect> sideEffects;
    std::vector<std::string> sources;
    std::vector<std::string> assumptions;

    /// Index of the pathway with this id; throws InputError naming `field` and the known ids.
    int pathwayIndex(const std::string& id, const std::string& field = "pathway") const;
};

Anatomy loadAnatomy(const std::string& path);
/// models/anatomy/<target lower-case>.json.
Anatomy findAnatomy(const std::string& modelsDir, const std::string& target);

/// Where the lead actually sits relative to the plan (case files and cohort draws).
struct Placement {
    /// Tip displacement from the planned tip, anatomy frame: lateral (+) / medial (-), anterior (+) /
    /// posterior (-), dorsal (+) / ventral (-), mm.
    Eigen::Vector3d tipOffsetMm = Eigen::Vector3d::Zero();
    /// Trajectory tilt away from the plan, degrees: toward lateral, toward anterior.
    double tiltLateralDeg = 0.0;
    double tiltAnteriorDeg = 0.0;
    /// Rotation of the orientation marker (segment "a") about the lead axis, degrees, from facing
    /// anterior; positive turns it toward lateral.
    double markerDeg = 0.0;
};

/// Rigid transform from the anatomy frame to the lead frame (origin at the tip, +z along the lead,
/// +x through segment "a").
Eigen::Isometry3d anatomyToLead(const Trajectory& plan, const Placement& placement);

/// The anatomy's pathways as axon bundles in the lead frame, in anatomy order.
std::vector<tissue::AxonBundle> pathwayBundles(const Anatomy& anatomy, const Eigen::Isometry3d& anatomyToLead);

}  // namespace dbsprog::patient
