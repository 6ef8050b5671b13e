#include "dbsprog/patient/anatomy.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>

#include "dbsprog/error.hpp"
#include "dbsprog/io/paths.hpp"
#include "dbsprog/patient/duration.hpp"
#include "io/json_reader.hpp"

namespace dbsprog::patient {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kMaxCoordinateMm = 100.0;   // anatomy around one target fits in a few cm
constexpr double kMaxFibreDiameterUm = 20.0; // largest myelinated fibres in the CNS
constexpr int kMaxAxonsPerPathway = 20000;
// Golden angle: successive points of a Vogel spiral / Fibonacci sphere never line up.
const double kGoldenAngle = kPi * (3.0 - std::sqrt(5.0));

Eigen::Vector3d vector3(const io::JsonReader& r, const std::string& key, double lo, double hi) {
    const auto v = r.numbers(key, 3, lo, hi);
    return {v[0], v[1], v[2]};
}

std::array<float, 3> colour(const io::JsonReader& r) {
    if (!r.has("colour")) return {0.6f, 0.6f, 0.6f};
    const auto v = r.numbers("colour", 3, 0.0, 1.0);
    return {float(v[0]), float(v[1]), float(v[2])};
}

Eigen::Matrix3d rotationXyz(const Eigen::Vector3d& deg) {
    const Eigen::Vector3d rad = deg * (kPi / 180.0);
    return (Eigen::AngleAxisd(rad.z(), Eigen::Vector3d::UnitZ()) * Eigen::AngleAxisd(rad.y(), Eigen::Vector3d::UnitY()) *
            Eigen::AngleAxisd(rad.x(), Eigen::Vector3d::UnitX()))
        .toRotationMatrix();
}

/// Radical inverse in `base` (Halton sequence): well-spread points without random numbers.
double radicalInverse(int i, int base) {
    double f = 1.0, r = 0.0;
    for (int n = i; n > 0; n /= base) {
        f /= base;
        r += f * (n % base);
    }
    return r;
}

/// Any unit vector perpendicular to `d`.
Eigen::Vector3d perpendicular(const Eigen::Vector3d& d) {
    const Eigen::Vector3d helper = std::abs(d.x()) < 0.9 ? Eigen::Vector3d::UnitX() : Eigen::Vector3d::UnitY();
    return d.cross(helper).normalized();
}

Structure parseStructure(const io::JsonReader& r) {
    r.rejectUnknownKeys({"id", "name", "centre_mm", "semi_axes_mm", "rotation_deg", "colour", "schematic", "note"});
    Structure s;
    s.id = r.string("id");
    s.name = r.string("name");
    s.centreMm = vector3(r, "centre_mm", -kMaxCoordinateMm, kMaxCoordinateMm);
    s.semiAxesMm = vector3(r, "semi_axes_mm", 0.05, kMaxCoordinateMm);
    if (r.has("rotation_deg")) s.rotationDeg = vector3(r, "rotation_deg", -360.0, 360.0);
    s.colour = colour(r);
    s.schematic = r.boolean("schematic");
    return s;
}

Pathway parsePathway(const io::JsonReader& r) {
    r.rejectUnknownKeys({"id", "name", "role", "layout", "centre_mm", "direction", "cross_section_mm", "semi_axes_mm",
                         "length_mm", "axon_count", "diameter_um", "colour", "schematic", "note"});
    Pathway p;
    p.id = r.string("id");
    p.name = r.string("name");
    p.role = r.choice("role", {"target", "side_effect"}) == "target" ? PathwayRole::Target : PathwayRole::SideEffect;
    p.layout = r.choice("layout", {"bundle", "volume"}) == "bundle" ? PathwayLayout::Bundle : PathwayLayout::Volume;
    p.centreMm = vector3(r, "centre_mm", -kMaxCoordinateMm, kMaxCoordinateMm);
    if (p.layout == PathwayLayout::Bundle) {
        p.directionMm = vector3(r, "direction", -1e3, 1e3);
        if (!(p.directionMm.norm() > 1e-9)) r.fail("direction", "a non-zero vector [x, y, z]");
        p.directionMm.normalize();
        const auto cs = r.numbers("cross_section_mm", 2, 0.01, kMaxCoordinateMm);
        p.crossSectionMm = {cs[0], cs[1]};
    } else {
        p.semiAxesMm = vector3(r, "semi_axes_mm", 0.05, kMaxCoordinateMm);
    }
    p.lengthMm = r.positive("length_mm", kMaxCoordinateMm);
    p.axonCount = r.integer("axon_count", 1, kMaxAxonsPerPathway);
    p.diameterUm = r.positive("diameter_um", kMaxFibreDiameterUm);
    p.colour = colour(r);
    p.schematic = r.boolean("schematic");
    return p;
}

SideEffect parseSideEffect(const io::JsonReader& r, const Anatomy& a) {
    r.rejectUnknownKeys({"id", "name", "pathway", "grade_activation", "patient_says", "clinician_sees", "onset_tau",
                         "offset_tau", "note"});
    SideEffect s;
    s.id = r.string("id");
    s.name = r.string("name");
    s.pathwayId = r.string("pathway");
    a.pathwayIndex(s.pathwayId, r.fieldPath("pathway"));
    const auto g = r.numbers("grade_activation", 4, 0.0, 1.0);
    for (int i = 0; i < 4; ++i) {
        if (i > 0 && !(g[i] > g[i - 1])) r.fail("grade_activation", "four increasing fractions in (0, 1] for grades 1-4");
        s.gradeActivation[i] = g[i];
    }
    if (!(g[0] > 0.0)) r.fail("grade_activation", "four increasing fractions in (0, 1] for grades 1-4");
    const auto says = r.stringList("patient_says");
    const auto sees = r.stringList("clinician_sees");
    if (says.size() != 4) r.fail("patient_says", "four phrases, for grades 1-4");
    if (sees.size() != 4) r.fail("clinician_sees", "four phrases, for grades 1-4");
    std::copy(says.begin(), says.end(), s.patientSays.begin());
    std::copy(sees.begin(), sees.end(), s.clinicianSees.begin());
    if (r.has("onset_tau")) s.onsetTauS = parseDurationS(r.string("onset_tau"), r.source() + ": " + r.fieldPath("onset_tau"));
    if (r.has("offset_tau")) s.offsetTauS = parseDurationS(r.string("offset_tau"), r.source() + ": " + r.fieldPath("offset_tau"));
    return s;
}

}  // namespace

Eigen::Matrix3d Structure::rotation() const { return rotationXyz(rotationDeg); }

bool Structure::contains(const Eigen::Vector3d& pointMm) const {
    const Eigen::Vector3d local = rotation().transpose() * (pointMm - centreMm);
    return local.cwiseQuotient(semiAxesMm).squaredNorm() <= 1.0;
}

int Anatomy::pathwayIndex(const std::string& pathwayId, const std::string& field) const {
    for (size_t i = 0; i < pathways.size(); ++i)
        if (pathways[i].id == pathwayId) return int(i);
    std::string known;
    for (const auto& p : pathways) known += (known.empty() ? "" : ", ") + p.id;
    throw InputError(id, field, "\"" + pathwayId + "\"", "a pathway of this anatomy: " + known);
}

Anatomy loadAnatomy(const std::string& path) {
    const auto doc = io::JsonReader::parse(io::readFile(path), path);
    doc.rejectUnknownKeys({"id", "target", "description", "frame", "trajectory", "structures", "pathways",
                           "side_effects", "sources", "assumptions"});
    Anatomy a;
    a.id = doc.string("id");
    a.target = doc.choice("target", {"GPi", "STN", "VIM"});
    a.description = doc.string("description");
    const auto traj = doc.object("trajectory");
    traj.rejectUnknownKeys({"axis", "tip_to_target_mm", "note"});
    a.trajectory.axis = vector3(traj, "axis", -1e3, 1e3);
    if (!(a.trajectory.axis.norm() > 1e-9)) traj.fail("axis", "a non-zero vector [x, y, z]");
    a.trajectory.axis.normalize();
    a.trajectory.tipToTargetMm = traj.number("tip_to_target_mm", 0.0, 30.0);
    for (const auto& s : doc.array("structures")) a.structures.push_back(parseStructure(s));
    for (const auto& p : doc.array("pathways", 1)) {
        a.pathways.push_back(parsePathway(p));
        for (size_t i = 0; i + 1 < a.pathways.size(); ++i)
            if (a.pathways[i].id == a.pathways.back().id) p.fail("id", "a pathway id used once");
    }
    for (const auto& s : doc.array("side_effects")) a.sideEffects.push_back(parseSideEffect(s, a));
    a.sources = doc.stringListOr("sources");
    a.assumptions = doc.stringListOr("assumptions");
    return a;
}

Anatomy findAnatomy(const std::string& modelsDir, const std::string& target) {
    std::string name = target;
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return loadAnatomy(modelsDir + "/anatomy/" + name + ".json");
}

Eigen::Isometry3d anatomyToLead(const Trajectory& plan, const Placement& placement) {
    const double toRad = kPi / 180.0;
    // Tilts rotate the planned axis about the tip: toward lateral (+x) about the anterior axis (+y),
    // toward anterior (+y) about the lateral axis (-x).
    const Eigen::Matrix3d tilt = (Eigen::AngleAxisd(placement.tiltLateralDeg * toRad, Eigen::Vector3d::UnitY()) *
                                  Eigen::AngleAxisd(-placement.tiltAnteriorDeg * toRad, Eigen::Vector3d::UnitX()))
                                     .toRotationMatrix();
    const Eigen::Vector3d axis = (tilt * plan.axis).normalized();
    const Eigen::Vector3d plannedTip = -plan.tipToTargetMm * plan.axis;
    const Eigen::Vector3d tip = plannedTip + placement.tipOffsetMm;
    // Segment "a" faces anterior (projected off the axis), turned toward lateral by markerDeg.
    Eigen::Vector3d anterior = Eigen::Vector3d::UnitY() - axis * axis.y();
    if (anterior.norm() < 1e-9) anterior = perpendicular(axis);
    anterior.normalize();
    const Eigen::Vector3d lateral = anterior.cross(axis);  // right-handed: anterior x axis
    const double m = placement.markerDeg * toRad;
    // Orient "lateral" so that a positive marker angle turns toward +x (lateral).
    const Eigen::Vector3d side = lateral.x() >= 0.0 ? lateral : Eigen::Vector3d(-lateral);
    const Eigen::Vector3d x = (std::cos(m) * anterior + std::sin(m) * side).normalized();
    const Eigen::Vector3d y = axis.cross(x);
    Eigen::Matrix3d leadAxesInAnatomy;
    leadAxesInAnatomy << x, y, axis;
    Eigen::Isometry3d t = Eigen::Isometry3d::Identity();
    t.linear() = leadAxesInAnatomy.transpose();
    t.translation() = -(leadAxesInAnatomy.transpose() * tip);
    return t;
}

std::vector<tissue::AxonBundle> pathwayBundles(const Anatomy& anatomy, const Eigen::Isometry3d& toLead) {
    std::vector<tissue::AxonBundle> bundles;
    for (const auto& p : anatomy.pathways) {
        tissue::AxonBundle b;
        b.name = p.id;
        const int n = p.axonCount;
        auto addAxon = [&](const Eigen::Vector3d& centre, const Eigen::Vector3d& dir) {
            tissue::Axon axon;
            axon.diameterUm = p.diameterUm;
            axon.pathMm = {toLead * (centre - 0.5 * p.lengthMm * dir), toLead * (centre + 0.5 * p.lengthMm * dir)};
            b.axons.push_back(std::move(axon));
        };
        if (p.layout == PathwayLayout::Bundle) {
            const Eigen::Vector3d u = perpendicular(p.directionMm);
            const Eigen::Vector3d v = p.directionMm.cross(u);
            for (int i = 0; i < n; ++i) {  // Vogel spiral: even cover of the elliptical cross-section
                const double r = std::sqrt((i + 0.5) / n), theta = i * kGoldenAngle;
                addAxon(p.centreMm + p.crossSectionMm.x() * r * std::cos(theta) * u +
                            p.crossSectionMm.y() * r * std::sin(theta) * v,
                        p.directionMm);
            }
        } else {
            // Centres: Halton points in the ellipsoid; directions: a Fibonacci sphere, visited with a
            // stride coprime to n so that position and direction are not correlated.
            int stride = std::max(1, int(std::lround(n * 0.618)));
            while (std::gcd(stride, n) != 1) ++stride;
            for (int i = 0, k = 1; i < n; ++k) {
                const Eigen::Vector3d q(2.0 * radicalInverse(k, 2) - 1.0, 2.0 * radicalInverse(k, 3) - 1.0,
                                        2.0 * radicalInverse(k, 5) - 1.0);
                if (q.squaredNorm() > 1.0) continue;
                const int j = int((long long)i * stride % n);
                const double z = 1.0 - (j + 0.5) / n;  // upper hemisphere: a fibre has no sign
                const double rho = std::sqrt(std::max(0.0, 1.0 - z * z)), phi = j * kGoldenAngle;
                addAxon(p.centreMm + q.cwiseProduct(p.semiAxesMm), Eigen::Vector3d(rho * std::cos(phi), rho * std::sin(phi), z));
                ++i;
            }
        }
        bundles.push_back(std::move(b));
    }
    return bundles;
}

}  // namespace dbsprog::patient
