#pragma once
/// The 3D lead view: renders a lead with contacts coloured by polarity, a millimetre ground
/// grid at the tip and the +x (segment "a") axis, into an offscreen texture.
#include <vector>

#include "dbsprog/device/lead.hpp"
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
    float gridHalfSizeMm = 10.0f;
    float gridSpacingMm = 1.0f;
    int gridMajorEvery = 5;  ///< a brighter line every 5 mm
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
    /// window's framebuffer bound.
    void render(int widthPx, int heightPx, const OrbitCamera& camera);
    GLuint colorTexture() const { return target_.colorTexture(); }

    const OffscreenTarget& target() const { return target_; }
    const LeadMesh& leadMesh() const { return mesh_; }
    const std::vector<ContactAnchor>& anchors() const { return anchors_; }

    LeadViewOptions options;

private:
    void rebuildGrid();
    void drawSurfaces(const OrbitCamera& camera, float aspect);

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
};

}  // namespace dbsprog::render
