#pragma once
/// The anatomy around the lead in the 3D view, in the lead frame (mm):
///  - structures (anatomy ellipsoids) as translucent shells in the anatomy file's colours;
///  - pathways' axons as screen-space ribbons in their pathway's colour, firing axons wide and
///    bright, the others thin and dim;
///  - the field magnitude |E| on a slice through the lead axis, on a perceptual colour scale with
///    the activation-threshold contour;
///  - the VTA: the translucent isosurface |E| = activation threshold, from a 3D grid around the contacts.
/// Built once per patient (meshes, ribbons and the slice's and VTA grid's unit solutions: the expensive
/// step); recoloured once per evaluation (one upload of per-axon flags, one superposition for the slice
/// and one for the VTA grid, whose isosurface is re-extracted).
#include <Eigen/Core>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "dbsprog/field/field_grid.hpp"
#include "dbsprog/field/unit_solutions.hpp"
#include "dbsprog/patient/virtual_patient.hpp"
#include "render/gl_objects.hpp"
#include "render/mesh.hpp"
#include "render/orbit_camera.hpp"
#include "render/shader_program.hpp"

namespace dbsprog::render {

// ---- CPU parts (testable without a GL context) ----

/// Lower and upper ends of the |E| colour scale, V/mm; logarithmic between them, with the usual
/// 0.2 V/mm activation threshold in the middle (their geometric mean).
inline constexpr float kFieldScaleMinVPerMm = 0.04f;
inline constexpr float kFieldScaleMaxVPerMm = 1.0f;

/// Position 0..1 of `magnitudeVPerMm` on the (logarithmic, clamped) colour scale.
float fieldScalePosition(float magnitudeVPerMm);
/// The |E| colour map at scale position `t` (0..1): near-black violet through red and orange to pale
/// yellow, lightness rising monotonically so the order of values reads without a legend.
Eigen::Vector3f fieldColour(float t);

/// The |E| at which the field is taken to activate tissue, for the contour: the target-specific
/// heuristics Lead-DBS uses (FACTS.md: GPi 0.2, STN 0.19, VIM 0.165 V/mm); 0.2 for other targets.
double activationThresholdVPerMm(const std::string& target);

/// Short label for a structure: "GPi" from "globus pallidus internus (GPi)", "Vc" from "ventral
/// caudal nucleus (Vc, sensory thalamus)", "internal capsule" from "internal capsule (posterior
/// limb)", "dorsolateral STN" from "dorsolateral (motor) STN"; a name without brackets is kept.
std::string shortStructureName(const std::string& name);

/// A triangulated ellipsoid `centreMm + axesMm * s` over the unit sphere s (columns of `axesMm`: the
/// semi-axes as vectors), counter-clockwise seen from outside, normals outward.
MeshData ellipsoidMesh(const Eigen::Vector3f& centreMm, const Eigen::Matrix3f& axesMm, int rings, int segments);

/// A structure in the lead frame, for drawing and for the GUI's labels.
struct StructureShape {
    std::string id;
    std::string name;       ///< as the anatomy file gives it
    std::string shortName;  ///< for labels (shortStructureName)
    Eigen::Vector3f centreMm = Eigen::Vector3f::Zero();
    Eigen::Matrix3f axesMm = Eigen::Matrix3f::Identity();  ///< columns: semi-axes as lead-frame vectors
    Eigen::Vector3f colour = Eigen::Vector3f::Constant(0.6f);
    bool schematic = true;  ///< shape and position assumed (no published mm figure)

    /// The point where the ray from the centre along `direction` leaves the ellipsoid.
    Eigen::Vector3f surfacePoint(const Eigen::Vector3f& direction) const;
    /// Half the extent of the ellipsoid along each lead-frame axis (its bounding box's half size).
    Eigen::Vector3f halfExtentMm() const;
};

std::vector<StructureShape> structureShapes(const patient::Anatomy& anatomy, const Eigen::Isometry3d& anatomyToLead);

/// The field slice: a rectangle through the lead axis, `widthTexels` x `heightTexels` samples at
/// texel centres. u runs across (horizontal on screen), v along +z.
struct FieldSlice {
    Eigen::Vector3f cornerMm = Eigen::Vector3f::Zero();  ///< (u, v) = (0, 0) edge corner
    Eigen::Vector3f acrossMm = Eigen::Vector3f::UnitX();  ///< full extent along u
    Eigen::Vector3f alongMm = Eigen::Vector3f::UnitZ();   ///< full extent along v (+z)
    int widthTexels = 0;
    int heightTexels = 0;

    /// Centre of texel (i, j); i across, j along.
    Eigen::Vector3f texelCentreMm(int i, int j) const;
    /// All texel centres, 3 x (width * height), rows of constant j in order (as a GL texture).
    Eigen::Matrix3Xd texelCentresMm() const;
};

struct FieldSliceOptions {
    int texels = 128;                ///< per side
    float halfWidthMm = 9.0f;        ///< either side of the lead axis
    float belowContactsMm = 5.0f;    ///< below the lowest contact (under the tip)
    float aboveContactsMm = 6.0f;    ///< above the highest contact
};

/// The slice through the lead axis facing a camera at `yawDeg` (OrbitCamera convention), spanning
/// the contacts [contactsMinZMm, contactsMaxZMm] with the option's margins.
FieldSlice fieldSliceFacing(float yawDeg, float contactsMinZMm, float contactsMaxZMm, const FieldSliceOptions& options);

/// A home pose keeping `home`'s direction that frames the contacts and the structures within
/// `reachMm` of the contacts' centre, for a viewport of `aspect` (width / height).
CameraPose poseFraming(const CameraPose& home, float contactsMinZMm, float contactsMaxZMm,
                       const std::vector<StructureShape>& structures, float aspect);

// ---- GL ----

struct AnatomyViewOptions {
    bool showStructures = true;
    bool showFibres = true;
    bool showField = true;
    bool showVta = true;  ///< the isosurface |E| = activation threshold
    float pixelScale = 1.0f;  ///< framebuffer pixels per screen pixel (ribbon widths)
};

class AnatomyView {
public:
    /// Compiles the shaders; needs a current OpenGL 3.3 core context. Throws std::runtime_error.
    AnatomyView();
    /// Waits for a VTA grid still building in the background.
    ~AnatomyView();
    AnatomyView(const AnatomyView&) = delete;
    AnatomyView& operator=(const AnatomyView&) = delete;

    /// Builds structures, fibre ribbons and the slice's unit solutions for `patient` (null: clears).
    /// The slice faces a camera at `sliceYawDeg`. The expensive step: call once per case.
    void setPatient(std::shared_ptr<const patient::VirtualPatient> patient, float sliceYawDeg);
    /// Recolours the axons, superposes the slice's field and re-extracts the VTA surface for
    /// `evaluation` (of this patient).
    void setEvaluation(const patient::Evaluation& evaluation);

    /// The VTA grid: built in setPatient when the conductor is axisymmetric (ring-only lead,
    /// homogeneous tissue: a fraction of a second), otherwise in a background thread so a case switch
    /// stays responsive; the surface appears with the first setEvaluation after it is ready.
    /// Takes a finished background grid (non-blocking, GL thread); true when one was taken.
    bool pollVtaGrid();
    /// Blocks until the background grid (if any) is finished, then takes it (tests, screenshots).
    void waitForVtaGrid();
    bool vtaGridReady() const { return vtaGrid_ != nullptr; }
    /// The unit-solution grid the VTA surface comes from (research exports); null until ready.
    const field::FieldGrid* vtaGrid() const { return vtaGrid_.get(); }
    /// Counts grids taken from background builds (all patients): a change means the next setEvaluation
    /// can draw a surface the previous one could not.
    int vtaGridGeneration() const { return vtaGridGeneration_; }

    /// Opaque layer (firing axons), after the opaque lead, depth writes on.
    void drawOpaque(const OrbitCamera& camera, float aspect, const Eigen::Vector2f& viewportPx);
    /// Translucent layers (quiet axons, field slice, structures back to front), depth writes off.
    void drawTranslucent(const OrbitCamera& camera, float aspect, const Eigen::Vector2f& viewportPx);

    const std::shared_ptr<const patient::VirtualPatient>& patient() const { return patient_; }
    const std::vector<StructureShape>& structures() const { return structures_; }
    const FieldSlice& slice() const { return slice_; }
    double thresholdVPerMm() const { return thresholdVPerMm_; }
    /// Largest |E| on the slice for the last evaluation, V/mm (0: none).
    float sliceMaxVPerMm() const { return sliceMaxVPerMm_; }
    int firingAxonCount() const { return firingAxons_; }
    /// Volume (mm^3) of tissue inside the VTA surface of the last evaluation, the lead body left out as
    /// a voxel count leaves it out (0: none, or the grid not ready).
    double vtaVolumeMm3() const { return vtaVolumeMm3_; }
    std::size_t vtaTriangleCount() const { return vtaMesh_.indexCount() / 3; }
    /// Time the last setPatient spent on the slice's unit solutions, and the last setEvaluation
    /// on superposition and upload, milliseconds (for the README and benchmarks).
    double lastSliceBuildMs() const { return sliceBuildMs_; }
    double lastEvaluationMs() const { return evaluationMs_; }
    /// Time the VTA grid's unit solutions took (wherever they were built), and the last evaluation's
    /// |E| superposition, isosurface extractions and upload, milliseconds.
    double lastVtaGridBuildMs() const { return vtaGridBuildMs_; }
    double lastVtaEvaluationMs() const { return vtaEvaluationMs_; }

    AnatomyViewOptions options;

private:
    void buildStructures();
    void buildFibres();
    void buildSlice(float sliceYawDeg);
    void buildVtaGrid();
    void updateVta(const Eigen::VectorXd& contactCurrentsMa);
    /// Takes the finished job's grid (joins its thread).
    void takeVtaGrid();
    /// For a new grid: which voxels lie inside the lead body, and from which neighbours to fill them.
    void prepareVtaLeadFill();
    /// `keep`: clip plane (lead frame) of the part to draw, as in shell.vert.
    void drawFibres(const OrbitCamera& camera, float aspect, const Eigen::Vector2f& viewportPx, bool firing,
                    const Eigen::Vector4f& keep);
    void drawSlice(const OrbitCamera& camera, float aspect);
    void drawStructures(const OrbitCamera& camera, float aspect, const Eigen::Vector4f& keep);
    void drawVta(const OrbitCamera& camera, float aspect, const Eigen::Vector4f& keep);

    ShaderProgram shellShader_;
    ShaderProgram fibreShader_;
    ShaderProgram sliceShader_;
    ShaderProgram vtaShader_;

    std::shared_ptr<const patient::VirtualPatient> patient_;
    double thresholdVPerMm_ = 0.2;

    std::vector<StructureShape> structures_;
    std::vector<GpuMesh> structureMeshes_;

    // Fibres: one quad per node-to-node segment; each vertex knows its axon, whose firing flag is
    // read from a buffer texture so a new evaluation uploads one byte per axon.
    VertexArray fibreVertexArray_;
    Buffer fibreVertices_;
    Buffer fibreIndices_;
    GLsizei fibreIndexCount_ = 0;
    Buffer firedBuffer_;
    Texture firedTexture_;
    int axonCount_ = 0;
    int firingAxons_ = 0;

    // Field slice: unit solutions at the texel centres (once per case), |E| texture per evaluation.
    FieldSlice slice_;
    std::unique_ptr<field::UnitSolutions> sliceSolutions_;
    Texture fieldTexture_;
    Texture colourMapTexture_;
    VertexArray sliceVertexArray_;
    Buffer sliceVertices_;
    float sliceMaxVPerMm_ = 0.0f;
    double sliceBuildMs_ = 0.0;
    double evaluationMs_ = 0.0;

    // VTA: unit fields on a grid around the contacts (once per case), |E| and its isosurface per
    // evaluation.
    struct VtaGridJob;
    std::shared_ptr<VtaGridJob> vtaJob_;                       ///< building this patient's grid
    std::vector<std::shared_ptr<VtaGridJob>> retiredVtaJobs_;  ///< earlier patients' builds, joined when done
    std::unique_ptr<const field::FieldGrid> vtaGrid_;
    /// A voxel inside the lead body (no field) and the voxels of its z layer whose mean it takes for
    /// display, so the drawn surface runs on through the lead (which hides it) instead of wrapping it.
    struct LeadFill {
        std::size_t voxel = 0;
        std::vector<std::size_t> from;
    };
    std::vector<LeadFill> vtaLeadFill_;  ///< in order: each fills from tissue or earlier-filled voxels
    GpuMesh vtaMesh_;
    double vtaVolumeMm3_ = 0.0;
    double vtaGridBuildMs_ = 0.0;
    double vtaEvaluationMs_ = 0.0;
    int vtaGridGeneration_ = 0;
};

}  // namespace dbsprog::render
