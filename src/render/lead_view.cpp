#include "render/lead_view.hpp"

#include <cmath>

#include "render/palette.hpp"

namespace dbsprog::render {

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
      emptyVertexArray_(VertexArray::create()) {
    rebuildGrid();
}

void LeadView::setLead(const device::Lead& lead) {
    mesh_ = buildLeadMesh(lead);
    gpuMesh_ = GpuMesh(mesh_.mesh);
    anchors_ = contactAnchors(lead);
    states_.assign(lead.contacts.size(), ContactState::Off);
}

void LeadView::setContactStates(std::vector<ContactState> states) {
    states.resize(anchors_.size(), ContactState::Off);
    states_ = std::move(states);
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

void LeadView::drawSurfaces(const OrbitCamera& camera, float aspect) {
    surfaceShader_.use();
    surfaceShader_.set("uView", camera.view());
    surfaceShader_.set("uProjection", camera.projection(aspect));
    for (const LeadPart& part : mesh_.parts) {
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

void LeadView::render(int widthPx, int heightPx, const OrbitCamera& camera) {
    resize(widthPx, heightPx);
    if (options.gridHalfSizeMm != gridBuiltFor_.gridHalfSizeMm || options.gridSpacingMm != gridBuiltFor_.gridSpacingMm ||
        options.gridMajorEvery != gridBuiltFor_.gridMajorEvery) {
        rebuildGrid();
    }
    target_.bindForDrawing();
    const float aspect = static_cast<float>(target_.widthPx()) / static_cast<float>(target_.heightPx());

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

    // Translucent grid after the lead, depth-tested so the lead hides what is behind it.
    if (options.showGrid) {
        glEnable(GL_BLEND);
        glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
        glDepthMask(GL_FALSE);
        lineShader_.use();
        lineShader_.set("uViewProjection", Eigen::Matrix4f(camera.projection(aspect) * camera.view()));
        grid_.draw();
        glDepthMask(GL_TRUE);
        glDisable(GL_BLEND);
    }

    glDisable(GL_DEPTH_TEST);
    glUseProgram(0);
    target_.resolve();
}

}  // namespace dbsprog::render
