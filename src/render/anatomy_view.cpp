#include "render/anatomy_view.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <thread>
#include <utility>

#include <Eigen/Geometry>

#include "dbsprog/field/homogeneous_conductor.hpp"
#include "dbsprog/field/isosurface.hpp"

namespace dbsprog::render {
namespace {

constexpr float kPi = 3.14159265358979323846f;

// Colour map control points at evenly spaced scale positions: dark violet, purple, crimson,
// orange, amber, pale yellow. Luminance (Rec. 709 weights) rises at every step (about 0.02, 0.13,
// 0.27, 0.47, 0.69, 0.96), so brighter always means a stronger field.
constexpr std::array<std::array<float, 3>, 6> kFieldColourStops{{
    {0.02f, 0.01f, 0.09f},
    {0.30f, 0.05f, 0.45f},
    {0.68f, 0.13f, 0.38f},
    {0.93f, 0.36f, 0.17f},
    {0.99f, 0.66f, 0.10f},
    {0.99f, 0.98f, 0.66f},
}};
constexpr int kColourMapTexels = 256;

// Lead-DBS target heuristics for the E-field threshold, V/mm (FACTS.md "Tissue and field").
constexpr double kThresholdGpiVPerMm = 0.2;
constexpr double kThresholdStnVPerMm = 0.19;
constexpr double kThresholdVimVPerMm = 0.165;
constexpr double kThresholdDefaultVPerMm = 0.2;

// Ellipsoid tessellation: smooth enough for a 10 mm structure filling half the view.
constexpr int kEllipsoidRings = 20;
constexpr int kEllipsoidSegments = 40;

// Node runs closer to straight than this are drawn as one ribbon (the anatomy's fibres are straight).
constexpr double kCollinearCosine = 0.99996;  // about 0.5 degrees

// Ribbon widths, screen pixels: firing axons stand out, quiet ones stay as context.
constexpr float kFiringWidthPx = 2.4f;
constexpr float kQuietWidthPx = 1.2f;
constexpr float kQuietOpacity = 0.14f;
constexpr float kFiringLift = 0.3f;  ///< firing colour = pathway colour lifted this far toward white
constexpr float kQuietDesaturation = 0.6f;  ///< quiet axons: this far toward grey, so firing ones light up

// Structure shells: faint faces, stronger silhouettes, so nested shells stay readable.
constexpr float kShellFaceOpacity = 0.10f;
constexpr float kShellRimOpacity = 0.55f;

// Field slice.
constexpr float kSliceVeilOpacity = 0.30f;
constexpr float kSliceActiveOpacity = 0.50f;
constexpr float kContourWidthPx = 1.8f;

// VTA grid: a cube around the contacts' centre, as the research-mode VTA grid. 20 mm holds a VTA of
// 10 mA on an end contact (radius ~4.5 mm for a point source in 0.2 S/m at 0.2 V/mm; a larger one is cut
// open at the faces); 0.5 mm puts ~10 cells across a VTA a few mm wide (smooth with gradient normals),
// keeps the surface to a few thousand triangles and an update to ~2-3 ms.
constexpr double kVtaCubeSideMm = 20.0;
constexpr double kVtaSpacingMm = 0.5;
// VTA surface: faint faces so the active contact and the firing fibres inside it stay readable, a
// stronger silhouette to outline its extent.
constexpr float kVtaFaceOpacity = 0.16f;
constexpr float kVtaRimOpacity = 0.62f;
// Points this close in distance from the axis and in z share one axisymmetric evaluation (grid points
// differ only by rounding; any real difference is far larger).
constexpr double kSameMeridianPointMm = 1e-6;

// Framing: structures whose box reaches within this distance of the contacts' centre are kept in view.
constexpr float kFramingReachMm = 8.0f;
constexpr float kFramingMarginFactor = 1.06f;

// A clip plane that keeps every point (for draws outside the slice's split).
const Eigen::Vector4f kKeepEverything(0.0f, 0.0f, 0.0f, 1.0f);

struct FibreVertex {
    float start[3];   ///< segment start, mm
    float end[3];     ///< segment end, mm
    float corner[2];  ///< (0 at start / 1 at end, -1 / +1 side of the ribbon)
    float colour[3];
    std::int32_t axon;
};

struct SliceVertex {
    float position[3];
    float texcoord[2];
};

float radians(float degrees) { return degrees * kPi / 180.0f; }

double millisecondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

std::string lowerCase(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

void setFloatAttribute(GLuint index, int components, std::size_t stride, std::size_t offset) {
    glEnableVertexAttribArray(index);
    glVertexAttribPointer(index, components, GL_FLOAT, GL_FALSE, static_cast<GLsizei>(stride),
                          reinterpret_cast<const void*>(offset));
}

/// Texels inside the lead body have no field (NaN from the conductor).
constexpr float kInsideLead = -1.0f;

/// Gives texels inside the lead the value of the nearest tissue texel in their row. The lead hides
/// them, but filtering and the contour's screen-space derivative would otherwise see a cliff at the
/// lead's edge and draw a false contour along it.
void fillInsideLead(std::vector<float>& magnitude, int width, int height) {
    for (int j = 0; j < height; ++j) {
        float* row = magnitude.data() + static_cast<std::size_t>(j) * static_cast<std::size_t>(width);
        int i = 0;
        while (i < width) {
            if (row[i] != kInsideLead) {
                ++i;
                continue;
            }
            // A run [i, end) inside the lead, between tissue texels left and end (when they exist).
            const int left = i - 1;
            int end = i;
            while (end < width && row[end] == kInsideLead) ++end;
            for (int k = i; k < end; ++k) {
                const bool hasLeft = left >= 0, hasRight = end < width;
                const bool nearerLeft = hasLeft && (!hasRight || k - left <= end - k);
                row[k] = nearerLeft ? row[left] : (hasRight ? row[end] : 0.0f);
            }
            i = end;
        }
    }
}

/// The conductor's unit fields through its rotational symmetry: for a ring-only lead in homogeneous
/// tissue they depend only on the distance from the axis and z, so grid points sharing those (about
/// eight per distinct pair on a grid centred on the axis) are evaluated once, on the meridian y = 0,
/// and the radial gradient turned toward each point. Exact: the conductor does the same internally.
class AxisymmetricSampling final : public field::VolumeConductor {
public:
    explicit AxisymmetricSampling(const field::VolumeConductor& base) : base_(base) {}

    /// A homogeneous conductor solved with one angular sector (a ring-only lead) is axisymmetric.
    static bool applies(const field::VolumeConductor& conductor) {
        const auto* homogeneous = dynamic_cast<const field::HomogeneousConductor*>(&conductor);
        return homogeneous != nullptr && homogeneous->stats().sectors == 1;
    }

    const device::Lead& lead() const override { return base_.lead(); }
    std::string description() const override { return base_.description(); }
    Eigen::MatrixXd contactPotentialsVPerMa() const override { return base_.contactPotentialsVPerMa(); }
    bool insideLead(const Eigen::Vector3d& pointMm) const override { return base_.insideLead(pointMm); }

    field::UnitFields unitFields(const Eigen::Matrix3Xd& pointsMm, bool withGradient, int threads) const override {
        const Eigen::Index n = pointsMm.cols();
        // Distinct (rho, z) pairs in order of first appearance, so the result is deterministic.
        std::map<std::pair<long long, long long>, Eigen::Index> distinct;
        std::vector<Eigen::Index> pairOf(static_cast<std::size_t>(n));
        std::vector<Eigen::Vector3d> meridian;
        for (Eigen::Index i = 0; i < n; ++i) {
            const double rho = std::hypot(pointsMm(0, i), pointsMm(1, i)), z = pointsMm(2, i);
            const auto key = std::make_pair(std::llround(rho / kSameMeridianPointMm), std::llround(z / kSameMeridianPointMm));
            const auto [it, added] = distinct.emplace(key, static_cast<Eigen::Index>(meridian.size()));
            if (added) meridian.emplace_back(rho, 0.0, z);
            pairOf[static_cast<std::size_t>(i)] = it->second;
        }
        Eigen::Matrix3Xd meridianPoints(3, static_cast<Eigen::Index>(meridian.size()));
        for (std::size_t m = 0; m < meridian.size(); ++m) meridianPoints.col(static_cast<Eigen::Index>(m)) = meridian[m];
        const field::UnitFields onMeridian = base_.unitFields(meridianPoints, withGradient, threads);

        field::UnitFields out;
        const Eigen::Index contacts = onMeridian.potentialVPerMa.cols();
        out.potentialVPerMa.resize(n, contacts);
        if (withGradient)
            for (auto& g : out.gradientVPerMmPerMa) g.resize(n, contacts);
        for (Eigen::Index i = 0; i < n; ++i) {
            const Eigen::Index m = pairOf[static_cast<std::size_t>(i)];
            out.potentialVPerMa.row(i) = onMeridian.potentialVPerMa.row(m);
            if (!withGradient) continue;
            // On the meridian x is radial; on the axis the radial part vanishes by symmetry.
            const double rho = std::hypot(pointsMm(0, i), pointsMm(1, i));
            const double cosine = rho > 0.0 ? pointsMm(0, i) / rho : 0.0, sine = rho > 0.0 ? pointsMm(1, i) / rho : 0.0;
            out.gradientVPerMmPerMa[0].row(i) = cosine * onMeridian.gradientVPerMmPerMa[0].row(m);
            out.gradientVPerMmPerMa[1].row(i) = sine * onMeridian.gradientVPerMmPerMa[0].row(m);
            out.gradientVPerMmPerMa[2].row(i) = onMeridian.gradientVPerMmPerMa[2].row(m);
        }
        return out;
    }

private:
    const field::VolumeConductor& base_;
};

}  // namespace

/// A VTA grid built in a background thread. The thread writes `grid` and `buildMs`, then sets `done`;
/// the GL thread reads them only after joining it.
struct AnatomyView::VtaGridJob {
    std::thread thread;
    std::atomic<bool> done{false};
    std::unique_ptr<const field::FieldGrid> grid;  ///< null if the build failed
    double buildMs = 0.0;
};

// ---- CPU parts ----

float fieldScalePosition(float magnitudeVPerMm) {
    if (!(magnitudeVPerMm > 0.0f)) return 0.0f;
    const float lo = std::log10(kFieldScaleMinVPerMm), hi = std::log10(kFieldScaleMaxVPerMm);
    return std::clamp((std::log10(magnitudeVPerMm) - lo) / (hi - lo), 0.0f, 1.0f);
}

Eigen::Vector3f fieldColour(float t) {
    const float scaled = std::clamp(t, 0.0f, 1.0f) * static_cast<float>(kFieldColourStops.size() - 1);
    const auto index = std::min(static_cast<std::size_t>(scaled), kFieldColourStops.size() - 2);
    const float f = scaled - static_cast<float>(index);
    const auto& a = kFieldColourStops[index];
    const auto& b = kFieldColourStops[index + 1];
    return {a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])};
}

double activationThresholdVPerMm(const std::string& target) {
    const std::string t = lowerCase(target);
    if (t == "gpi") return kThresholdGpiVPerMm;
    if (t == "stn") return kThresholdStnVPerMm;
    if (t == "vim") return kThresholdVimVPerMm;
    return kThresholdDefaultVPerMm;
}

std::string shortStructureName(const std::string& name) {
    const auto open = name.rfind(" (");
    const auto close = name.find(')', open == std::string::npos ? 0 : open);
    if (open == std::string::npos || close == std::string::npos) return name;
    const std::string before = name.substr(0, open), after = name.substr(close + 1);
    // A remark inside the name ("dorsolateral (motor) STN") is dropped.
    if (!after.empty()) return before + after;
    // At the end, an abbreviation clinicians use ("GPi", "Vc, sensory thalamus", "Voa/Vop") replaces
    // the name; a longer remark ("posterior limb") is dropped.
    const std::string inside = name.substr(open + 2, close - open - 2);
    const std::string first = inside.substr(0, inside.find(','));
    constexpr std::size_t kMaxAbbreviation = 8;
    const bool abbreviation = !first.empty() && first.size() <= kMaxAbbreviation && first.find(' ') == std::string::npos &&
                              std::any_of(first.begin(), first.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)); });
    return abbreviation ? first : before;
}

MeshData ellipsoidMesh(const Eigen::Vector3f& centreMm, const Eigen::Matrix3f& axesMm, int rings, int segments) {
    MeshData mesh;
    rings = std::max(rings, 2);
    segments = std::max(segments, 3);
    // Normals of a linearly mapped sphere transform with the inverse transpose.
    const Eigen::Matrix3f normalMatrix = axesMm.inverse().transpose();
    for (int r = 0; r <= rings; ++r) {
        const float theta = kPi * static_cast<float>(r) / static_cast<float>(rings);
        for (int s = 0; s <= segments; ++s) {
            const float phi = 2.0f * kPi * static_cast<float>(s) / static_cast<float>(segments);
            const Eigen::Vector3f unit(std::sin(theta) * std::cos(phi), std::sin(theta) * std::sin(phi), std::cos(theta));
            mesh.addVertex(centreMm + axesMm * unit, (normalMatrix * unit).normalized());
        }
    }
    const auto row = static_cast<std::uint32_t>(segments + 1);
    for (int r = 0; r < rings; ++r) {
        for (int s = 0; s < segments; ++s) {
            const std::uint32_t a = static_cast<std::uint32_t>(r) * row + static_cast<std::uint32_t>(s);
            const std::uint32_t b = a + 1, c = a + row, d = c + 1;
            // Theta runs from the +z pole down, phi anticlockwise about z: (a, c, b) faces outward.
            mesh.addTriangle(a, c, b);
            mesh.addTriangle(b, c, d);
        }
    }
    return mesh;
}

Eigen::Vector3f StructureShape::surfacePoint(const Eigen::Vector3f& direction) const {
    // In the unit-sphere coordinates s = axes^-1 (p - centre) the surface is |s| = 1.
    const Eigen::Vector3f local = axesMm.inverse() * direction;
    const float norm = local.norm();
    return norm > 0.0f ? Eigen::Vector3f(centreMm + direction / norm) : centreMm;
}

Eigen::Vector3f StructureShape::halfExtentMm() const {
    // Extent along lead axis i: the length of row i of the axes matrix.
    return axesMm.rowwise().norm();
}

std::vector<StructureShape> structureShapes(const patient::Anatomy& anatomy, const Eigen::Isometry3d& anatomyToLead) {
    std::vector<StructureShape> shapes;
    for (const patient::Structure& structure : anatomy.structures) {
        StructureShape shape;
        shape.id = structure.id;
        shape.name = structure.name;
        shape.shortName = shortStructureName(structure.name);
        shape.centreMm = (anatomyToLead * structure.centreMm).cast<float>();
        shape.axesMm = (anatomyToLead.linear() * structure.rotation() * structure.semiAxesMm.asDiagonal()).cast<float>();
        shape.colour = Eigen::Vector3f(structure.colour[0], structure.colour[1], structure.colour[2]);
        shape.schematic = structure.schematic;
        shapes.push_back(std::move(shape));
    }
    return shapes;
}

Eigen::Vector3f FieldSlice::texelCentreMm(int i, int j) const {
    const float u = (static_cast<float>(i) + 0.5f) / static_cast<float>(std::max(widthTexels, 1));
    const float v = (static_cast<float>(j) + 0.5f) / static_cast<float>(std::max(heightTexels, 1));
    return cornerMm + u * acrossMm + v * alongMm;
}

Eigen::Matrix3Xd FieldSlice::texelCentresMm() const {
    Eigen::Matrix3Xd points(3, static_cast<Eigen::Index>(widthTexels) * heightTexels);
    Eigen::Index column = 0;
    for (int j = 0; j < heightTexels; ++j) {
        for (int i = 0; i < widthTexels; ++i) points.col(column++) = texelCentreMm(i, j).cast<double>();
    }
    return points;
}

FieldSlice fieldSliceFacing(float yawDeg, float contactsMinZMm, float contactsMaxZMm, const FieldSliceOptions& options) {
    // OrbitCamera: the eye lies along (cos yaw, sin yaw) from the target, so screen-right is
    // (-sin yaw, cos yaw) and a plane spanned by it and +z faces the camera.
    const float yaw = radians(yawDeg);
    const Eigen::Vector3f across(-std::sin(yaw), std::cos(yaw), 0.0f);
    const float zMin = contactsMinZMm - options.belowContactsMm;
    const float zMax = contactsMaxZMm + options.aboveContactsMm;
    FieldSlice slice;
    slice.cornerMm = -options.halfWidthMm * across + Eigen::Vector3f(0.0f, 0.0f, zMin);
    slice.acrossMm = 2.0f * options.halfWidthMm * across;
    slice.alongMm = Eigen::Vector3f(0.0f, 0.0f, zMax - zMin);
    slice.widthTexels = std::max(options.texels, 2);
    slice.heightTexels = std::max(options.texels, 2);
    return slice;
}

CameraPose poseFraming(const CameraPose& home, float contactsMinZMm, float contactsMaxZMm,
                       const std::vector<StructureShape>& structures, float aspect) {
    OrbitCamera camera;
    camera.setPose(home);
    const Eigen::Vector3f target(0.0f, 0.0f, 0.5f * (contactsMinZMm + contactsMaxZMm));
    const Eigen::Vector3f reach = Eigen::Vector3f::Constant(kFramingReachMm);
    // Corners of every box to keep in view: the contacts from the tip up, then each nearby structure's
    // bounding box clipped to the reach around the contacts.
    std::vector<Eigen::Vector3f> points = {Eigen::Vector3f(0.0f, 0.0f, 0.0f), Eigen::Vector3f(0.0f, 0.0f, contactsMaxZMm)};
    for (const StructureShape& shape : structures) {
        const Eigen::Vector3f lo = (shape.centreMm - shape.halfExtentMm()).cwiseMax(target - reach);
        const Eigen::Vector3f hi = (shape.centreMm + shape.halfExtentMm()).cwiseMin(target + reach);
        if ((lo.array() > hi.array()).any()) continue;  // entirely out of reach
        for (int corner = 0; corner < 8; ++corner) {
            points.emplace_back(corner & 1 ? hi.x() : lo.x(), corner & 2 ? hi.y() : lo.y(), corner & 4 ? hi.z() : lo.z());
        }
    }
    const Eigen::Vector3f right = camera.right(), up = camera.up(), forward = camera.forward();
    const float tanHalf = std::tan(0.5f * radians(OrbitCamera::kFovYDeg));
    float distance = home.distanceMm;
    for (const Eigen::Vector3f& p : points) {
        const Eigen::Vector3f d = p - target;
        // The point fits when its offset, seen from its own depth, is inside the half field of view.
        const float halfHeightNeeded = std::max(std::abs(d.dot(up)), std::abs(d.dot(right)) / std::max(aspect, 0.1f));
        distance = std::max(distance, kFramingMarginFactor * halfHeightNeeded / tanHalf - d.dot(forward));
    }
    CameraPose pose = home;
    pose.targetMm = target;
    pose.distanceMm = std::clamp(distance, OrbitCamera::kMinDistanceMm, OrbitCamera::kMaxDistanceMm);
    return pose;
}

// ---- GL ----

AnatomyView::AnatomyView()
    : shellShader_(ShaderProgram::fromEmbedded("shell.vert", "shell.frag")),
      fibreShader_(ShaderProgram::fromEmbedded("fibre.vert", "fibre.frag")),
      sliceShader_(ShaderProgram::fromEmbedded("field_slice.vert", "field_slice.frag")),
      vtaShader_(ShaderProgram::fromEmbedded("vta.vert", "vta.frag")) {
    // The colour map as a texture, so the shader and the GUI legend (fieldColour) agree.
    std::vector<std::uint8_t> texels(static_cast<std::size_t>(kColourMapTexels) * 3);
    for (int i = 0; i < kColourMapTexels; ++i) {
        const Eigen::Vector3f c = fieldColour(static_cast<float>(i) / static_cast<float>(kColourMapTexels - 1));
        for (int k = 0; k < 3; ++k) {
            texels[static_cast<std::size_t>(i) * 3 + static_cast<std::size_t>(k)] =
                static_cast<std::uint8_t>(std::lround(255.0f * std::clamp(c[k], 0.0f, 1.0f)));
        }
    }
    colourMapTexture_ = Texture::create();
    glBindTexture(GL_TEXTURE_2D, colourMapTexture_.id());
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB8, kColourMapTexels, 1, 0, GL_RGB, GL_UNSIGNED_BYTE, texels.data());
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glBindTexture(GL_TEXTURE_2D, 0);
}

AnatomyView::~AnatomyView() {
    // Joined, not detached: a build still running as the program exits would race its teardown.
    if (vtaJob_) retiredVtaJobs_.push_back(std::move(vtaJob_));
    for (const auto& job : retiredVtaJobs_) job->thread.join();
}

void AnatomyView::setPatient(std::shared_ptr<const patient::VirtualPatient> patient, float sliceYawDeg) {
    patient_ = std::move(patient);
    if (vtaJob_) retiredVtaJobs_.push_back(std::move(vtaJob_));  // another patient's: left to finish
    vtaGrid_.reset();
    vtaLeadFill_.clear();
    vtaMesh_ = GpuMesh();
    vtaVolumeMm3_ = 0.0;
    vtaGridBuildMs_ = 0.0;
    structures_.clear();
    structureMeshes_.clear();
    fibreIndexCount_ = 0;
    axonCount_ = 0;
    firingAxons_ = 0;
    sliceSolutions_.reset();
    sliceMaxVPerMm_ = 0.0f;
    if (!patient_) return;
    thresholdVPerMm_ = activationThresholdVPerMm(patient_->anatomy().target);
    buildStructures();
    buildFibres();
    buildSlice(sliceYawDeg);
    buildVtaGrid();
}

void AnatomyView::buildStructures() {
    structures_ = structureShapes(patient_->anatomy(), patient_->anatomyToLead());
    for (const StructureShape& shape : structures_) {
        structureMeshes_.emplace_back(ellipsoidMesh(shape.centreMm, shape.axesMm, kEllipsoidRings, kEllipsoidSegments));
    }
}

void AnatomyView::buildFibres() {
    const tissue::ActivationEngine& engine = patient_->engine();
    const auto& axons = engine.axonNodes();
    const auto& pathways = patient_->anatomy().pathways;
    std::vector<FibreVertex> vertices;
    std::vector<std::uint32_t> indices;
    // Bundle b is anatomy pathway b; its axons follow each other in the engine's order.
    std::size_t axon = 0;
    for (std::size_t b = 0; b < engine.bundles().size(); ++b) {
        const auto& rgb = b < pathways.size() ? pathways[b].colour : std::array<float, 3>{0.7f, 0.7f, 0.7f};
        for (std::size_t k = 0; k < engine.bundles()[b].axons.size() && axon < axons.size(); ++k, ++axon) {
            const auto& nodes = axons[axon].nodesMm;
            std::size_t runStart = 0;
            for (std::size_t n = 1; n < nodes.size(); ++n) {
                // Extend the run while the next node continues in the same direction.
                const bool last = n + 1 == nodes.size();
                if (!last) {
                    const Eigen::Vector3d runDirection = (nodes[n] - nodes[runStart]).normalized();
                    const Eigen::Vector3d next = (nodes[n + 1] - nodes[n]).normalized();
                    if (runDirection.dot(next) > kCollinearCosine) continue;
                }
                const Eigen::Vector3f p = nodes[runStart].cast<float>(), q = nodes[n].cast<float>();
                const auto first = static_cast<std::uint32_t>(vertices.size());
                for (const float end : {0.0f, 1.0f}) {
                    for (const float side : {-1.0f, 1.0f}) {
                        vertices.push_back({{p.x(), p.y(), p.z()}, {q.x(), q.y(), q.z()}, {end, side},
                                            {rgb[0], rgb[1], rgb[2]}, static_cast<std::int32_t>(axon)});
                    }
                }
                for (const std::uint32_t i : {0u, 1u, 2u, 2u, 1u, 3u}) indices.push_back(first + i);
                runStart = n;
            }
        }
    }
    axonCount_ = static_cast<int>(axon);
    fibreIndexCount_ = static_cast<GLsizei>(indices.size());

    fibreVertexArray_ = VertexArray::create();
    fibreVertices_ = Buffer::create();
    fibreIndices_ = Buffer::create();
    glBindVertexArray(fibreVertexArray_.id());
    glBindBuffer(GL_ARRAY_BUFFER, fibreVertices_.id());
    glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(vertices.size() * sizeof(FibreVertex)), vertices.data(),
                 GL_STATIC_DRAW);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, fibreIndices_.id());
    glBufferData(GL_ELEMENT_ARRAY_BUFFER, static_cast<GLsizeiptr>(indices.size() * sizeof(std::uint32_t)),
                 indices.data(), GL_STATIC_DRAW);
    setFloatAttribute(0, 3, sizeof(FibreVertex), offsetof(FibreVertex, start));
    setFloatAttribute(1, 3, sizeof(FibreVertex), offsetof(FibreVertex, end));
    setFloatAttribute(2, 2, sizeof(FibreVertex), offsetof(FibreVertex, corner));
    setFloatAttribute(3, 3, sizeof(FibreVertex), offsetof(FibreVertex, colour));
    glEnableVertexAttribArray(4);
    glVertexAttribIPointer(4, 1, GL_INT, sizeof(FibreVertex), reinterpret_cast<const void*>(offsetof(FibreVertex, axon)));
    glBindVertexArray(0);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, 0);

    // One byte per axon, all quiet until an evaluation arrives.
    const std::vector<std::uint8_t> quiet(static_cast<std::size_t>(std::max(axonCount_, 1)), 0);
    firedBuffer_ = Buffer::create();
    glBindBuffer(GL_TEXTURE_BUFFER, firedBuffer_.id());
    glBufferData(GL_TEXTURE_BUFFER, static_cast<GLsizeiptr>(quiet.size()), quiet.data(), GL_DYNAMIC_DRAW);
    firedTexture_ = Texture::create();
    glBindTexture(GL_TEXTURE_BUFFER, firedTexture_.id());
    glTexBuffer(GL_TEXTURE_BUFFER, GL_R8, firedBuffer_.id());
    glBindTexture(GL_TEXTURE_BUFFER, 0);
    glBindBuffer(GL_TEXTURE_BUFFER, 0);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
}

void AnatomyView::buildSlice(float sliceYawDeg) {
    const auto [zMin, zMax] = patient_->lead().contactSpanMm();
    slice_ = fieldSliceFacing(sliceYawDeg, static_cast<float>(zMin), static_cast<float>(zMax), FieldSliceOptions{});

    // The expensive step: each contact's unit field at every texel, once per case.
    const auto start = std::chrono::steady_clock::now();
    const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    sliceSolutions_ = std::make_unique<field::UnitSolutions>(patient_->conductor(), slice_.texelCentresMm(), true, threads);
    sliceBuildMs_ = millisecondsSince(start);

    fieldTexture_ = Texture::create();
    glBindTexture(GL_TEXTURE_2D, fieldTexture_.id());
    const std::vector<float> zeros(static_cast<std::size_t>(slice_.widthTexels) * slice_.heightTexels, 0.0f);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, slice_.widthTexels, slice_.heightTexels, 0, GL_RED, GL_FLOAT, zeros.data());
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glBindTexture(GL_TEXTURE_2D, 0);

    // The quad spans the texel centres' outer edges: corner, +across, +along.
    std::vector<SliceVertex> quad;
    for (const auto& [u, v] : std::array<std::array<float, 2>, 4>{{{0, 0}, {1, 0}, {0, 1}, {1, 1}}}) {
        const Eigen::Vector3f p = slice_.cornerMm + u * slice_.acrossMm + v * slice_.alongMm;
        quad.push_back({{p.x(), p.y(), p.z()}, {u, v}});
    }
    sliceVertexArray_ = VertexArray::create();
    sliceVertices_ = Buffer::create();
    glBindVertexArray(sliceVertexArray_.id());
    glBindBuffer(GL_ARRAY_BUFFER, sliceVertices_.id());
    glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(quad.size() * sizeof(SliceVertex)), quad.data(), GL_STATIC_DRAW);
    setFloatAttribute(0, 3, sizeof(SliceVertex), offsetof(SliceVertex, position));
    setFloatAttribute(1, 2, sizeof(SliceVertex), offsetof(SliceVertex, texcoord));
    glBindVertexArray(0);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
}

void AnatomyView::buildVtaGrid() {
    const auto [zMin, zMax] = patient_->lead().contactSpanMm();
    const field::RegionGrid region =
        field::RegionGrid::cube(Eigen::Vector3d(0.0, 0.0, 0.5 * (zMin + zMax)), kVtaCubeSideMm, kVtaSpacingMm);
    const auto hardwareThreads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    if (AxisymmetricSampling::applies(patient_->conductor())) {
        const auto start = std::chrono::steady_clock::now();
        vtaGrid_ = std::make_unique<const field::FieldGrid>(AxisymmetricSampling(patient_->conductor()), region, hardwareThreads);
        prepareVtaLeadFill();
        vtaGridBuildMs_ = millisecondsSince(start);
        return;
    }
    // Seconds of work for a segmented lead: in the background, leaving a core to the window (one
    // thread on a two-core machine).
    auto job = std::make_shared<VtaGridJob>();
    job->thread = std::thread([job = job.get(), conductor = patient_->sharedConductor(), region,
                               threads = std::max(1, hardwareThreads - 1)] {
        const auto start = std::chrono::steady_clock::now();
        try {
            job->grid = std::make_unique<const field::FieldGrid>(*conductor, region, threads);
        } catch (const std::exception&) {
            job->grid.reset();  // no VTA surface rather than a crash on a worker thread
        }
        job->buildMs = millisecondsSince(start);
        job->done.store(true, std::memory_order_release);
    });
    vtaJob_ = std::move(job);
}

void AnatomyView::takeVtaGrid() {
    vtaJob_->thread.join();
    vtaGrid_ = std::move(vtaJob_->grid);
    vtaGridBuildMs_ = vtaJob_->buildMs;
    vtaJob_.reset();
    ++vtaGridGeneration_;
    prepareVtaLeadFill();
}

void AnatomyView::prepareVtaLeadFill() {
    vtaLeadFill_.clear();
    if (!vtaGrid_) return;
    const field::RegionGrid& g = vtaGrid_->grid();
    std::vector<unsigned char> known(g.voxelCount(), 1);
    std::vector<std::array<int, 3>> pending;
    for (int k = 0; k < g.dims[2]; ++k)
        for (int j = 0; j < g.dims[1]; ++j)
            for (int i = 0; i < g.dims[0]; ++i)
                if (patient_->conductor().insideLead(g.pointMm(i, j, k))) {
                    known[g.index(i, j, k)] = 0;
                    pending.push_back({i, j, k});
                }
    // Inward from the lead's surface, one ring of voxels per pass: each takes its known in-layer neighbours.
    while (!pending.empty()) {
        std::vector<std::array<int, 3>> still;
        const std::size_t filledBefore = vtaLeadFill_.size();
        for (const auto& [i, j, k] : pending) {
            LeadFill fill{g.index(i, j, k), {}};
            for (int nj = std::max(0, j - 1); nj <= std::min(g.dims[1] - 1, j + 1); ++nj)
                for (int ni = std::max(0, i - 1); ni <= std::min(g.dims[0] - 1, i + 1); ++ni)
                    if (known[g.index(ni, nj, k)]) fill.from.push_back(g.index(ni, nj, k));
            if (fill.from.empty()) still.push_back({i, j, k});
            else vtaLeadFill_.push_back(std::move(fill));
        }
        if (vtaLeadFill_.size() == filledBefore) break;  // a layer all lead: nothing to fill from
        for (std::size_t f = filledBefore; f < vtaLeadFill_.size(); ++f) known[vtaLeadFill_[f].voxel] = 1;
        pending = std::move(still);
    }
}

bool AnatomyView::pollVtaGrid() {
    // Earlier patients' builds: joined once finished, so threads do not pile up.
    for (auto it = retiredVtaJobs_.begin(); it != retiredVtaJobs_.end();) {
        if ((*it)->done.load(std::memory_order_acquire)) {
            (*it)->thread.join();
            it = retiredVtaJobs_.erase(it);
        } else {
            ++it;
        }
    }
    if (!vtaJob_ || !vtaJob_->done.load(std::memory_order_acquire)) return false;
    takeVtaGrid();
    return true;
}

void AnatomyView::waitForVtaGrid() {
    if (vtaJob_) takeVtaGrid();
}

void AnatomyView::updateVta(const Eigen::VectorXd& currentsMa) {
    const auto start = std::chrono::steady_clock::now();
    vtaMesh_ = GpuMesh();
    vtaVolumeMm3_ = 0.0;
    if (!vtaGrid_ || currentsMa.size() != vtaGrid_->contactCount()) return;
    std::vector<float> magnitude = vtaGrid_->fieldMagnitude(currentsMa);
    // The volume from the field as it is (zero in the lead), as the voxel count takes it.
    vtaVolumeMm3_ = field::extractIsosurface(vtaGrid_->grid(), magnitude, thresholdVPerMm_).enclosedVolumeMm3();
    for (const LeadFill& fill : vtaLeadFill_) {
        float sum = 0.0f;
        for (const std::size_t n : fill.from) sum += magnitude[n];
        magnitude[fill.voxel] = sum / static_cast<float>(fill.from.size());
    }
    const field::IsoSurface surface = field::extractIsosurface(vtaGrid_->grid(), magnitude, thresholdVPerMm_);
    if (!surface.empty()) {
        MeshData mesh;
        mesh.vertices.reserve(surface.positionsMm.size());
        for (std::size_t v = 0; v < surface.positionsMm.size(); ++v) mesh.addVertex(surface.positionsMm[v], surface.normals[v]);
        mesh.indices = surface.indices;
        vtaMesh_ = GpuMesh(mesh);
    }
    vtaEvaluationMs_ = millisecondsSince(start);
}

void AnatomyView::setEvaluation(const patient::Evaluation& evaluation) {
    if (!patient_) return;
    pollVtaGrid();
    const auto start = std::chrono::steady_clock::now();

    // Axons: the evaluation's flags when they belong to this patient's engine, else all quiet.
    std::vector<std::uint8_t> fired(static_cast<std::size_t>(std::max(axonCount_, 1)), 0);
    firingAxons_ = 0;
    if (evaluation.axonFired.size() == static_cast<std::size_t>(axonCount_)) {
        for (std::size_t a = 0; a < evaluation.axonFired.size(); ++a) {
            fired[a] = evaluation.axonFired[a] ? 255 : 0;
            firingAxons_ += evaluation.axonFired[a] ? 1 : 0;
        }
    }
    glBindBuffer(GL_TEXTURE_BUFFER, firedBuffer_.id());
    glBufferSubData(GL_TEXTURE_BUFFER, 0, static_cast<GLsizeiptr>(fired.size()), fired.data());
    glBindBuffer(GL_TEXTURE_BUFFER, 0);

    Eigen::VectorXd currentsMa;
    if (evaluation.stimulating) {
        try {
            currentsMa = patient_->contactCurrentsMa(evaluation.program);
        } catch (const std::exception&) {
            currentsMa.resize(0);  // not a program this lead runs: show no field rather than fail the frame
        }
    }

    // Field: one superposition of the unit fields at the slice's texels.
    const auto texels = static_cast<std::size_t>(slice_.widthTexels) * slice_.heightTexels;
    std::vector<float> magnitude(texels, 0.0f);
    sliceMaxVPerMm_ = 0.0f;
    if (sliceSolutions_ && currentsMa.size() == sliceSolutions_->contactCount()) {
        const Eigen::VectorXd e = sliceSolutions_->fieldMagnitudeVPerMm(currentsMa);
        for (std::size_t i = 0; i < texels; ++i) {
            const double value = e[static_cast<Eigen::Index>(i)];
            magnitude[i] = std::isfinite(value) ? static_cast<float>(value) : kInsideLead;
            sliceMaxVPerMm_ = std::max(sliceMaxVPerMm_, magnitude[i]);
        }
        fillInsideLead(magnitude, slice_.widthTexels, slice_.heightTexels);
    }
    glBindTexture(GL_TEXTURE_2D, fieldTexture_.id());
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, slice_.widthTexels, slice_.heightTexels, GL_RED, GL_FLOAT, magnitude.data());
    glBindTexture(GL_TEXTURE_2D, 0);
    updateVta(currentsMa);
    evaluationMs_ = millisecondsSince(start);
}

void AnatomyView::drawOpaque(const OrbitCamera& camera, float aspect, const Eigen::Vector2f& viewportPx) {
    if (!patient_) return;
    if (options.showFibres && firingAxons_ > 0) drawFibres(camera, aspect, viewportPx, true, kKeepEverything);
}

void AnatomyView::drawTranslucent(const OrbitCamera& camera, float aspect, const Eigen::Vector2f& viewportPx) {
    if (!patient_) return;
    glEnable(GL_BLEND);
    // Colour blends; alpha stays 1, or the GUI would show the panel through the image.
    glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ZERO, GL_ONE);
    glDepthMask(GL_FALSE);
    auto drawLayers = [&](const Eigen::Vector4f& keep) {
        if (options.showFibres) drawFibres(camera, aspect, viewportPx, false, keep);
        // The VTA lies mostly inside the structures: its near side is behind theirs.
        if (options.showVta) drawVta(camera, aspect, keep);
        if (options.showStructures) drawStructures(camera, aspect, keep);
    };
    if (options.showField && sliceMaxVPerMm_ > 0.0f) {
        // Blending is order-dependent, and the slice is one plane: draw what lies behind it, then the
        // slice, then what lies in front, each part cut at the plane.
        const Eigen::Vector3f normal = slice_.acrossMm.cross(slice_.alongMm).normalized();
        const float eyeSide = normal.dot(camera.eye() - slice_.cornerMm) >= 0.0f ? 1.0f : -1.0f;
        const Eigen::Vector3f towardEye = eyeSide * normal;
        const Eigen::Vector4f front(towardEye.x(), towardEye.y(), towardEye.z(), -towardEye.dot(slice_.cornerMm));
        glEnable(GL_CLIP_DISTANCE0);
        drawLayers(-front);
        glDisable(GL_CLIP_DISTANCE0);
        drawSlice(camera, aspect);
        glEnable(GL_CLIP_DISTANCE0);
        drawLayers(front);
        glDisable(GL_CLIP_DISTANCE0);
    } else {
        drawLayers(kKeepEverything);
    }
    glDepthMask(GL_TRUE);
    glDisable(GL_BLEND);
}

void AnatomyView::drawFibres(const OrbitCamera& camera, float aspect, const Eigen::Vector2f& viewportPx,
                             bool firing, const Eigen::Vector4f& keep) {
    if (fibreIndexCount_ == 0) return;
    ShaderProgram& shader = fibreShader_;
    shader.use();
    shader.set("uViewProjection", Eigen::Matrix4f(camera.projection(aspect) * camera.view()));
    shader.set("uViewportPx", viewportPx);
    shader.set("uFiringPass", firing ? 1 : 0);
    shader.set("uWidthPx", (firing ? kFiringWidthPx : kQuietWidthPx) * options.pixelScale);
    shader.set("uOpacity", firing ? 1.0f : kQuietOpacity);
    shader.set("uLift", firing ? kFiringLift : 0.0f);
    shader.set("uDesaturate", firing ? 0.0f : kQuietDesaturation);
    shader.set("uClipPlane", keep);
    shader.set("uFired", 0);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_BUFFER, firedTexture_.id());
    glBindVertexArray(fibreVertexArray_.id());
    glDrawElements(GL_TRIANGLES, fibreIndexCount_, GL_UNSIGNED_INT, nullptr);
    glBindVertexArray(0);
    glBindTexture(GL_TEXTURE_BUFFER, 0);
}

void AnatomyView::drawSlice(const OrbitCamera& camera, float aspect) {
    ShaderProgram& shader = sliceShader_;
    shader.use();
    shader.set("uViewProjection", Eigen::Matrix4f(camera.projection(aspect) * camera.view()));
    shader.set("uLogMin", std::log10(kFieldScaleMinVPerMm));
    shader.set("uLogMax", std::log10(kFieldScaleMaxVPerMm));
    shader.set("uLogThreshold", static_cast<float>(std::log10(thresholdVPerMm_)));
    shader.set("uVeilOpacity", kSliceVeilOpacity);
    shader.set("uActiveOpacity", kSliceActiveOpacity);
    shader.set("uContourWidthPx", kContourWidthPx * options.pixelScale);
    shader.set("uField", 0);
    shader.set("uColourMap", 1);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, fieldTexture_.id());
    glActiveTexture(GL_TEXTURE1);
    glBindTexture(GL_TEXTURE_2D, colourMapTexture_.id());
    glBindVertexArray(sliceVertexArray_.id());
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
    glBindVertexArray(0);
    glBindTexture(GL_TEXTURE_2D, 0);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, 0);
}

void AnatomyView::drawStructures(const OrbitCamera& camera, float aspect, const Eigen::Vector4f& keep) {
    if (structureMeshes_.empty()) return;
    ShaderProgram& shader = shellShader_;
    shader.use();
    shader.set("uView", camera.view());
    shader.set("uProjection", camera.projection(aspect));
    shader.set("uClipPlane", keep);
    // Back to front by the depth of each shell's nearest point (centre depth minus its extent along
    // the view): a shell nested in a larger one comes first, as its near side lies behind the
    // larger one's, and separate shells follow their distance.
    const Eigen::Vector3f eye = camera.eye(), forward = camera.forward();
    std::vector<std::pair<float, std::size_t>> order;
    for (std::size_t i = 0; i < structures_.size(); ++i) {
        const StructureShape& shape = structures_[i];
        order.emplace_back((shape.centreMm - eye).dot(forward) - (shape.axesMm.transpose() * forward).norm(), i);
    }
    std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    // Near side only: the far side would double the fill cost (heavy for software renderers) and
    // the silhouette term already outlines the whole shell.
    glEnable(GL_CULL_FACE);
    glCullFace(GL_BACK);
    shader.set("uFaceOpacity", kShellFaceOpacity);
    shader.set("uRimOpacity", kShellRimOpacity);
    for (const auto& [depth, i] : order) {
        shader.set("uBaseColor", structures_[i].colour);
        structureMeshes_[i].draw();
    }
    glDisable(GL_CULL_FACE);
}

void AnatomyView::drawVta(const OrbitCamera& camera, float aspect, const Eigen::Vector4f& keep) {
    if (vtaMesh_.indexCount() == 0) return;
    ShaderProgram& shader = vtaShader_;
    shader.use();
    shader.set("uView", camera.view());
    shader.set("uProjection", camera.projection(aspect));
    shader.set("uClipPlane", keep);
    // The field colour map's colour at the threshold: the surface is the slice's contour in 3D.
    shader.set("uBaseColor", fieldColour(fieldScalePosition(static_cast<float>(thresholdVPerMm_))));
    shader.set("uFaceOpacity", kVtaFaceOpacity);
    shader.set("uRimOpacity", kVtaRimOpacity);
    // Near side only, as the shells: the far side would double the fill cost.
    glEnable(GL_CULL_FACE);
    glCullFace(GL_BACK);
    vtaMesh_.draw();
    glDisable(GL_CULL_FACE);
}

}  // namespace dbsprog::render
