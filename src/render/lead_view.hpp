#pragma once
/// The 3D lead view: renders a lead with contacts coloured by polarity, a millimetre ground
/// grid at the tip and the +x (segment "a") axis, and around it the patient's anatomy (structures,
/// axons, field slice; anatomy_view.hpp), into an offscreen texture.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "dbsprog/device/lead.hpp"
#include "render/anatomy_view.hpp"
#include "render/lead_mesh.hpp"
#include "render/mesh.hpp"
#include "render/offscreen_target.hpp"
#include "render/orbit_camera.hpp"
#include "render/shader_program.hpp"

namespace dbsprog::render {

enum class ContactState { Off, Cathode, Anode };

Eigen::Vector3f contactColor(ContactState state);

struct LeadViewOptions {
    bool showGrid = true;
    int samples = 4;  ///< multisampling; clamped to the driver's maximum
    /// While the camera moves the image is drawn this many times smaller in each direction and
    /// without multisampling, then stretched; at rest it is redrawn at full quality. 1: always full.
    /// 2 keeps orbiting smooth on a software renderer (README, "Measured": frame times).
    int interactiveDivisor = 2;
    float gridHalfSizeMm = 10.0f;
    float gridSpacingMm = 1.0f;
    int gridMajorEvery = 5;  ///< a brighter line every 5 mm
};

/// What the view shows around the lead, as the simulation holds it.
struct AnatomyScene {
    std::shared_ptr<const patient::VirtualPatient> patient;  ///< null: lead only
    const patient::Evaluation* evaluation = nullptr;         ///< null: every axon quiet, no field
    int evaluationRevision = 0;  ///< changes whenever *evaluation does
};

class LeadView {
public:
    /// Compiles the shaders; needs a current OpenGL 3.3 core context. Throws std::runtime_error.
    LeadView();

    /// Builds the meshes for `lead`; all contacts start Off.
    void setLead(const device::Lead& lead);
    /// One state per lead contact, in Lead::contacts order (missing entries are Off).
    void setContactStates(std::vector<ContactState> states);
    const std::vector<ContactState>& contactStates() const { return states_; }

    /// Sizes the offscreen target (pixels). Call before handing colorTexture() to a GUI in a
    /// frame, so the texture it shows is not replaced before it is drawn.
    void resize(int widthPx, int heightPx);
    /// Renders into the offscreen target, resized to this size (pixels) if it differs. Leaves the
    /// window's framebuffer bound. `fullQuality` draws the full image even while the camera moves
    /// (screenshots).
    void render(int widthPx, int heightPx, const OrbitCamera& camera, bool fullQuality = false);
    GLuint colorTexture() const { return target_.colorTexture(); }
    /// The last render drew the coarse image of a moving camera (options.interactiveDivisor).
    bool lastRenderInteractive() const { return rendered_ && rendered_->interactive; }

    const OffscreenTarget& target() const { return target_; }
    const LeadMesh& leadMesh() const { return mesh_; }
    const std::vector<ContactAnchor>& anchors() const { return anchors_; }

    /// Where the anatomy comes from. It is read at the start of every render (and syncAnatomy), so a
    /// setting applied earlier in the frame is drawn in that same frame.
    void setAnatomySource(std::function<AnatomyScene()> source) { anatomySource_ = std::move(source); }
    bool hasAnatomySource() const { return static_cast<bool>(anatomySource_); }
    /// Rebuilds for a new patient (the slice facing `camera`'s home direction) and recolours for a
    /// new evaluation revision; cheap when neither changed.
    void syncAnatomy(const OrbitCamera& camera);
    /// True once after the anatomy was rebuilt for another patient (the GUI reframes its camera).
    bool takeAnatomyRebuilt() { return std::exchange(anatomyRebuilt_, false); }
    const AnatomyView& anatomy() const { return *anatomy_; }
    AnatomyView& anatomy() { return *anatomy_; }

    LeadViewOptions options;

private:
    void rebuildGrid();
    /// Everything in the view, into `target` (not resolved); `pixelScale` scales on-screen widths.
    void drawScene(const OrbitCamera& camera, const OffscreenTarget& target, float pixelScale);
    static bool samePose(const CameraPose& a, const CameraPose& b);
    /// The lead's parts; `hiddenContacts`: only the contacts, each with its see-through blend opacity.
    void drawSurfaces(const OrbitCamera& camera, float aspect, bool hiddenContacts = false);

    ShaderProgram surfaceShader_;
    ShaderProgram lineShader_;
    ShaderProgram backgroundShader_;
    VertexArray emptyVertexArray_;  ///< core profile needs a bound VAO even for attribute-less draws

    LeadMesh mesh_;
    GpuMesh gpuMesh_;
    GpuLines grid_;
    LeadViewOptions gridBuiltFor_;
    std::vector<ContactAnchor> anchors_;
    std::vector<ContactState> states_;
    OffscreenTarget target_;
    OffscreenTarget interactiveTarget_;  ///< the coarse image while the camera moves

    /// What the offscreen image shows; render() skips drawing when nothing of it changed.
    struct RenderedState {
        CameraPose pose;
        int widthPx = 0;
        int heightPx = 0;
        LeadViewOptions options;
        AnatomyViewOptions anatomyOptions;
        std::uint64_t contentRevision = 0;
        bool interactive = false;  ///< the coarse image of a moving camera
        bool operator==(const RenderedState& other) const;
    };
    std::optional<RenderedState> rendered_;
    std::optional<CameraPose> lastPose_;  ///< at the previous render() call, drawn or not
    std::uint64_t contentRevision_ = 0;  ///< bumped by every change of lead, contact states or anatomy

    std::unique_ptr<AnatomyView> anatomy_;
    std::function<AnatomyScene()> anatomySource_;
    int anatomyRevision_ = 0;
    bool anatomyEvaluated_ = false;
    bool anatomyRebuilt_ = false;
};

}  // namespace dbsprog::render
