#include "render/lead_view.hpp"

#include <cmath>

#include "render/palette.hpp"

namespace dbsprog::render {
namespace {
// Contacts seen through firing axons: an active contact almost fully (which contact stimulates
// must be plain however dense the fibres), an unused one faintly.
constexpr float kHiddenActiveContactOpacity = 0.9f;
constexpr float kHiddenOffContactOpacity = 0.5f;
}  // namespace

Eigen::Vector3f contactColor(ContactState state) {
    switch (state) {
        case ContactState::Cathode: return palette::kCathode;
        case ContactState::Anode: return palette::kAnode;
        case ContactState::Off: break;
    }
    return palette::kContactOff;
}

LeadView::LeadView()
    : surfaceShader_(ShaderProgram::fromEmbedded("surface.vert", "surface.frag")),
      lineShader_(ShaderProgram::fromEmbedded("lines.vert", "lines.frag")),
      backgroundShader_(ShaderProgram::fromEmbedded("background.vert", "background.frag")),
      emptyVertexArray_(VertexArray::create()),
      anatomy_(std::make_unique<AnatomyView>()) {
    rebuildGrid();
}

void LeadView::syncAnatomy(const OrbitCamera& camera) {
    if (!anatomySource_) return;
    const AnatomyScene scene = anatomySource_();
    // anatomy_ holds the patient it was built for, so a new patient never shares its address.
    if (scene.patient != anatomy_->patient()) {
        anatomy_->setPatient(scene.patient, camera.home().yawDeg);
        anatomyEvaluated_ = false;
        anatomyRebuilt_ = true;
        ++contentRevision_;
    }
    if (scene.evaluation && (!anatomyEvaluated_ || scene.evaluationRevision != anatomyRevision_)) {
        anatomy_->setEvaluation(*scene.evaluation);
        anatomyRevision_ = scene.evaluationRevision;
        anatomyEvaluated_ = true;
        ++contentRevision_;
    }
}

void LeadView::setLead(const device::Lead& lead) {
    mesh_ = buildLeadMesh(lead);
    gpuMesh_ = GpuMesh(mesh_.mesh);
    anchors_ = contactAnchors(lead);
    ++contentRevision_;
    states_.assign(lead.contacts.size(), ContactState::Off);
}

void LeadView::setContactStates(std::vector<ContactState> states) {
    states.resize(anchors_.size(), ContactState::Off);
    states_ = std::move(states);
    ++contentRevision_;
}

void LeadView::rebuildGrid() {
    LineData lines;
    const float half = options.gridHalfSizeMm, step = options.gridSpacingMm;
    const int count = static_cast<int>(std::lround(half / step));
    for (int i = -count; i <= count; ++i) {
        const float at = static_cast<float>(i) * step;
        const bool major = options.gridMajorEvery > 0 && i % options.gridMajorEvery == 0;
        const Eigen::Vector4f color = major ? palette::kGridMajor : palette::kGridMinor;
        // Skip the half-lines the axes draw over.
        if (i == 0) {
            lines.addLine({-half, 0, 0}, {0, 0, 0}, color);
            lines.addLine({0, -half, 0}, {0, 0, 0}, color);
            continue;
        }
        lines.addLine({-half, at, 0}, {half, at, 0}, color);
        lines.addLine({at, -half, 0}, {at, half, 0}, color);
    }
    // +x: the direction of segment "a" and the orientation marker.
    lines.addLine({0, 0, 0}, {half, 0, 0}, palette::kAxisX);
    lines.addLine({0, 0, 0}, {0, half, 0}, palette::kAxisY);
    grid_ = GpuLines(lines);
    gridBuiltFor_ = options;
}

void LeadView::drawSurfaces(const OrbitCamera& camera, float aspect, bool hiddenContacts) {
    surfaceShader_.use();
    surfaceShader_.set("uView", camera.view());
    surfaceShader_.set("uProjection", camera.projection(aspect));
    for (const LeadPart& part : mesh_.parts) {
        if (hiddenContacts && part.kind != LeadPartKind::Contact) continue;
        Eigen::Vector3f color = palette::kShaft;
        float specular = 0.18f, shininess = 24.0f, emissive = 0.0f;
        if (part.kind == LeadPartKind::Contact) {
            const ContactState state =
                part.contactIndex >= 0 && part.contactIndex < static_cast<int>(states_.size())
                    ? states_[static_cast<std::size_t>(part.contactIndex)]
                    : ContactState::Off;
            color = contactColor(state);
            // Platinum-iridium: a bright, fairly broad highlight; coloured contacts a softer one so
            // the polarity colour is not washed out.
            specular = state == ContactState::Off ? 0.75f : 0.35f;
            shininess = 28.0f;
            emissive = state == ContactState::Off ? 0.0f : 0.18f;
            if (hiddenContacts) {
                glBlendColor(0.0f, 0.0f, 0.0f,
                             state == ContactState::Off ? kHiddenOffContactOpacity : kHiddenActiveContactOpacity);
            }
        } else if (part.kind == LeadPartKind::Marker) {
            color = palette::kMarker;
            specular = 0.3f;
            emissive = 0.15f;
        }
        surfaceShader_.set("uBaseColor", color);
        surfaceShader_.set("uSpecular", specular);
        surfaceShader_.set("uShininess", shininess);
        surfaceShader_.set("uEmissive", emissive);
        gpuMesh_.drawRange(part.firstIndex, part.indexCount);
    }
}

void LeadView::resize(int widthPx, int heightPx) { target_.resize(widthPx, heightPx, options.samples); }

bool LeadView::samePose(const CameraPose& a, const CameraPose& b) {
    return a.yawDeg == b.yawDeg && a.pitchDeg == b.pitchDeg && a.distanceMm == b.distanceMm && a.targetMm == b.targetMm;
}

bool LeadView::RenderedState::operator==(const RenderedState& o) const {
    const LeadViewOptions& l = options;
    const AnatomyViewOptions& a = anatomyOptions;
    return samePose(pose, o.pose) && interactive == o.interactive && widthPx == o.widthPx && heightPx == o.heightPx &&
           l.showGrid == o.options.showGrid && l.samples == o.options.samples && l.interactiveDivisor == o.options.interactiveDivisor &&
           l.gridHalfSizeMm == o.options.gridHalfSizeMm && l.gridSpacingMm == o.options.gridSpacingMm &&
           l.gridMajorEvery == o.options.gridMajorEvery && a.showStructures == o.anatomyOptions.showStructures &&
           a.showFibres == o.anatomyOptions.showFibres && a.showField == o.anatomyOptions.showField && a.showVta == o.anatomyOptions.showVta &&
           a.pixelScale == o.anatomyOptions.pixelScale && contentRevision == o.contentRevision;
}

void LeadView::render(int widthPx, int heightPx, const OrbitCamera& camera, bool fullQuality) {
    syncAnatomy(camera);
    resize(widthPx, heightPx);
    // The GUI draws a frame at least 30 times a second; the 3D image only changes with the camera,
    // the size, the options or the content. Software renderers in particular gain from skipping.
    RenderedState state{camera.pose(), target_.widthPx(), target_.heightPx(), options, anatomy_->options,
                        contentRevision_};
    // While the camera moves (it moved since the previous call), a coarser image keeps the view
    // responsive; the first call with the camera at rest draws it at full quality.
    const bool cameraMoving = lastPose_ && !samePose(*lastPose_, camera.pose());
    lastPose_ = camera.pose();
    state.interactive = cameraMoving && !fullQuality && options.interactiveDivisor > 1;
    if (rendered_ && *rendered_ == state) return;
    rendered_ = state;
    if (options.gridHalfSizeMm != gridBuiltFor_.gridHalfSizeMm || options.gridSpacingMm != gridBuiltFor_.gridSpacingMm ||
        options.gridMajorEvery != gridBuiltFor_.gridMajorEvery) {
        rebuildGrid();
    }
    if (!state.interactive) {
        drawScene(camera, target_, 1.0f);
        target_.resolve();
        return;
    }
    const int divisor = options.interactiveDivisor;
    interactiveTarget_.resize((target_.widthPx() + divisor - 1) / divisor, (target_.heightPx() + divisor - 1) / divisor, 0);
    drawScene(camera, interactiveTarget_, 1.0f / static_cast<float>(divisor));
    interactiveTarget_.resolve();
    interactiveTarget_.stretchInto(target_);
}

void LeadView::drawScene(const OrbitCamera& camera, const OffscreenTarget& target, float pixelScale) {
    target.bindForDrawing();
    const float aspect = static_cast<float>(target.widthPx()) / static_cast<float>(target.heightPx());
    // Widths given in screen pixels (fibres, contour) shrink with the image.
    const float screenPixelScale = anatomy_->options.pixelScale;
    anatomy_->options.pixelScale = screenPixelScale * pixelScale;
    glDisable(GL_SCISSOR_TEST);
    glDisable(GL_CULL_FACE);
    glDisable(GL_BLEND);
    glClearColor(palette::kBackgroundBottom.x(), palette::kBackgroundBottom.y(), palette::kBackgroundBottom.z(), 1.0f);
    glClearDepth(1.0);
    glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);

    // Background gradient, behind everything.
    glDisable(GL_DEPTH_TEST);
    glDepthMask(GL_FALSE);
    backgroundShader_.use();
    backgroundShader_.set("uTopColor", palette::kBackgroundTop);
    backgroundShader_.set("uBottomColor", palette::kBackgroundBottom);
    glBindVertexArray(emptyVertexArray_.id());
    glDrawArrays(GL_TRIANGLES, 0, 3);
    glBindVertexArray(0);

    // Opaque lead.
    glEnable(GL_DEPTH_TEST);
    glDepthFunc(GL_LESS);
    glDepthMask(GL_TRUE);
    drawSurfaces(camera, aspect);
    const Eigen::Vector2f viewportPx(static_cast<float>(target.widthPx()), static_cast<float>(target.heightPx()));
    anatomy_->drawOpaque(camera, aspect, viewportPx);

    // Translucent layers after everything opaque, without depth writes (anatomy_view.cpp orders them).
    anatomy_->drawTranslucent(camera, aspect, viewportPx);

    // Contacts hidden behind firing axons show through (active ones almost fully): where the cathode
    // is must stay readable however dense the fibres. Only where something opaque is in front (depth
    // greater), front faces only, so a contact never shows its own far side.
    glDepthFunc(GL_GREATER);
    glDepthMask(GL_FALSE);
    glEnable(GL_CULL_FACE);
    glCullFace(GL_BACK);
    glEnable(GL_BLEND);
    glBlendFuncSeparate(GL_CONSTANT_ALPHA, GL_ONE_MINUS_CONSTANT_ALPHA, GL_ZERO, GL_ONE);
    drawSurfaces(camera, aspect, true);
    glDisable(GL_BLEND);
    glDisable(GL_CULL_FACE);
    glDepthMask(GL_TRUE);
    glDepthFunc(GL_LESS);

    // Translucent grid after the lead, depth-tested so the lead hides what is behind it.
    if (options.showGrid) {
        glEnable(GL_BLEND);
        glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ZERO, GL_ONE);  // the image stays opaque
        glDepthMask(GL_FALSE);
        lineShader_.use();
        lineShader_.set("uViewProjection", Eigen::Matrix4f(camera.projection(aspect) * camera.view()));
        grid_.draw();
        glDepthMask(GL_TRUE);
        glDisable(GL_BLEND);
    }

    glDisable(GL_DEPTH_TEST);
    glUseProgram(0);
    anatomy_->options.pixelScale = screenPixelScale;
}

}  // namespace dbsprog::render
