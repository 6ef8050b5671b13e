#include "render/lead_mesh.hpp"

#include <algorithm>
#include <cmath>

namespace dbsprog::render {
namespace {

constexpr float kPi = 3.14159265358979323846f;
float radians(float degrees) { return degrees * kPi / 180.0f; }

/// Facets for an arc, at the full circle's density, at least 2.
int facetsFor(float arcRad, int segmentsAround) {
    return std::max(2, static_cast<int>(std::ceil(arcRad / (2.0f * kPi) * static_cast<float>(segmentsAround))));
}

/// Side surface of a cylinder (or an arc of it) about the z axis, normals outward.
void addCylinder(MeshData& m, float radius, float z0, float z1, float angle0, float angle1, int segmentsAround) {
    if (z1 <= z0) return;
    const int facets = facetsFor(angle1 - angle0, segmentsAround);
    const auto base = static_cast<std::uint32_t>(m.vertices.size());
    for (int i = 0; i <= facets; ++i) {
        const float a = angle0 + (angle1 - angle0) * static_cast<float>(i) / static_cast<float>(facets);
        const Eigen::Vector3f n(std::cos(a), std::sin(a), 0.0f);
        m.addVertex({radius * n.x(), radius * n.y(), z0}, n);
        m.addVertex({radius * n.x(), radius * n.y(), z1}, n);
    }
    for (int i = 0; i < facets; ++i) {
        const std::uint32_t b0 = base + 2 * i, t0 = b0 + 1, b1 = b0 + 2, t1 = b0 + 3;
        m.addTriangle(b0, b1, t1);
        m.addTriangle(b0, t1, t0);
    }
}

/// Lower half of a sphere of `radius` centred on the axis at `centreZ`: the rounded tip.
void addTipCap(MeshData& m, float radius, float centreZ, int rings, int segmentsAround) {
    const auto base = static_cast<std::uint32_t>(m.vertices.size());
    const int columns = segmentsAround;
    for (int j = 0; j <= rings; ++j) {
        const float theta = 0.5f * kPi * static_cast<float>(j) / static_cast<float>(rings);  // 0 = pole
        for (int i = 0; i <= columns; ++i) {
            const float phi = 2.0f * kPi * static_cast<float>(i) / static_cast<float>(columns);
            const Eigen::Vector3f n(std::sin(theta) * std::cos(phi), std::sin(theta) * std::sin(phi),
                                    -std::cos(theta));
            m.addVertex(Eigen::Vector3f(0, 0, centreZ) + radius * n, n);
        }
    }
    const auto stride = static_cast<std::uint32_t>(columns + 1);
    for (int j = 0; j < rings; ++j) {
        for (int i = 0; i < columns; ++i) {
            const std::uint32_t a = base + j * stride + i, b = a + 1, c = a + stride + 1, d = a + stride;
            m.addTriangle(a, b, c);
            m.addTriangle(a, c, d);
        }
    }
}

/// Flat annulus (or arc of one) at height z between two radii; facing +z or -z.
void addAnnulus(MeshData& m, float innerRadius, float outerRadius, float z, float angle0, float angle1,
                bool facingUp, int segmentsAround) {
    const int facets = facetsFor(angle1 - angle0, segmentsAround);
    const Eigen::Vector3f n(0, 0, facingUp ? 1.0f : -1.0f);
    const auto base = static_cast<std::uint32_t>(m.vertices.size());
    for (int i = 0; i <= facets; ++i) {
        const float a = angle0 + (angle1 - angle0) * static_cast<float>(i) / static_cast<float>(facets);
        const Eigen::Vector3f dir(std::cos(a), std::sin(a), 0.0f);
        m.addVertex(innerRadius * dir + Eigen::Vector3f(0, 0, z), n);
        m.addVertex(outerRadius * dir + Eigen::Vector3f(0, 0, z), n);
    }
    for (int i = 0; i < facets; ++i) {
        const std::uint32_t i0 = base + 2 * i, o0 = i0 + 1, i1 = i0 + 2, o1 = i0 + 3;
        if (facingUp) {
            m.addTriangle(i0, o0, o1);
            m.addTriangle(i0, o1, i1);
        } else {
            m.addTriangle(i0, o1, o0);
            m.addTriangle(i0, i1, o1);
        }
    }
}

/// Radial wall closing the side of a segment at angle `a` (the raised edge of the arc).
void addSideWall(MeshData& m, float innerRadius, float outerRadius, float z0, float z1, float a, bool facingCcw) {
    const Eigen::Vector3f dir(std::cos(a), std::sin(a), 0.0f);
    const Eigen::Vector3f tangent(-std::sin(a), std::cos(a), 0.0f);
    const Eigen::Vector3f n = facingCcw ? tangent : Eigen::Vector3f(-tangent);
    const auto base = static_cast<std::uint32_t>(m.vertices.size());
    m.addVertex(innerRadius * dir + Eigen::Vector3f(0, 0, z0), n);
    m.addVertex(outerRadius * dir + Eigen::Vector3f(0, 0, z0), n);
    m.addVertex(outerRadius * dir + Eigen::Vector3f(0, 0, z1), n);
    m.addVertex(innerRadius * dir + Eigen::Vector3f(0, 0, z1), n);
    if (facingCcw) {
        m.addTriangle(base, base + 3, base + 2);
        m.addTriangle(base, base + 2, base + 1);
    } else {
        m.addTriangle(base, base + 1, base + 2);
        m.addTriangle(base, base + 2, base + 3);
    }
}

/// A raised band (full or partial) with closed edges, so it reads as a part set into the shaft.
void addBand(MeshData& m, float shaftRadius, float raisedRadius, float z0, float z1, float angle0, float angle1,
             bool fullCircle, int segmentsAround) {
    addCylinder(m, raisedRadius, z0, z1, angle0, angle1, segmentsAround);
    addAnnulus(m, shaftRadius, raisedRadius, z0, angle0, angle1, false, segmentsAround);
    addAnnulus(m, shaftRadius, raisedRadius, z1, angle0, angle1, true, segmentsAround);
    if (!fullCircle) {
        addSideWall(m, shaftRadius, raisedRadius, z0, z1, angle0, false);
        addSideWall(m, shaftRadius, raisedRadius, z0, z1, angle1, true);
    }
}

template <typename Build>
LeadPart recordPart(LeadMesh& out, LeadPartKind kind, int contactIndex, Build&& build) {
    LeadPart part;
    part.kind = kind;
    part.contactIndex = contactIndex;
    part.firstIndex = static_cast<std::uint32_t>(out.mesh.indices.size());
    build(out.mesh);
    part.indexCount = static_cast<std::uint32_t>(out.mesh.indices.size()) - part.firstIndex;
    out.parts.push_back(part);
    return part;
}

}  // namespace

const LeadPart* LeadMesh::contactPart(int contactIndex) const {
    for (const LeadPart& part : parts) {
        if (part.kind == LeadPartKind::Contact && part.contactIndex == contactIndex) return &part;
    }
    return nullptr;
}

LeadMesh buildLeadMesh(const device::Lead& lead, const LeadMeshOptions& options) {
    LeadMesh out;
    const auto radius = static_cast<float>(lead.radiusMm());
    const float raised = radius * (1.0f + options.contactRaiseFraction);
    const int around = std::max(8, options.segmentsAround);
    out.radiusMm = radius;

    float minZ = 0.0f, maxZ = 0.0f;
    if (!lead.contacts.empty()) {
        minZ = static_cast<float>(lead.contacts.front().zMinMm);
        maxZ = static_cast<float>(lead.contacts.front().zMaxMm);
        for (const device::Contact& c : lead.contacts) {
            minZ = std::min(minZ, static_cast<float>(c.zMinMm));
            maxZ = std::max(maxZ, static_cast<float>(c.zMaxMm));
        }
    }
    out.contactsMinZMm = minZ;
    out.contactsMaxZMm = maxZ;
    out.shaftTopZMm = maxZ + options.shaftBeyondContactsMm;

    // The shaft is whole (rounded tip + body + flat proximal cut); contacts sit on it.
    recordPart(out, LeadPartKind::Shaft, -1, [&](MeshData& m) {
        addTipCap(m, radius, radius, options.capRings, around);
        addCylinder(m, radius, radius, out.shaftTopZMm, 0.0f, 2.0f * kPi, around);
        addAnnulus(m, 0.0f, radius, out.shaftTopZMm, 0.0f, 2.0f * kPi, true, around);
    });

    for (std::size_t k = 0; k < lead.contacts.size(); ++k) {
        const device::Contact& c = lead.contacts[k];
        const auto z0 = static_cast<float>(c.zMinMm);
        const auto z1 = static_cast<float>(c.zMaxMm);
        recordPart(out, LeadPartKind::Contact, static_cast<int>(k), [&](MeshData& m) {
            switch (c.shape) {
                case device::ContactShape::Ring:
                    addBand(m, radius, raised, z0, z1, 0.0f, 2.0f * kPi, true, around);
                    break;
                case device::ContactShape::Segment: {
                    const float centre = radians(static_cast<float>(c.angleDeg));
                    const float half = 0.5f * radians(static_cast<float>(c.arcDeg));
                    addBand(m, radius, raised, z0, z1, centre - half, centre + half, false, around);
                    break;
                }
                case device::ContactShape::Tip:
                    // Conducting rounded tip: the hemisphere plus the cylinder up to zMax.
                    addTipCap(m, raised, radius, options.capRings, around);
                    addCylinder(m, raised, radius, std::max(radius, z1), 0.0f, 2.0f * kPi, around);
                    addAnnulus(m, radius, raised, std::max(radius, z1), 0.0f, 2.0f * kPi, true, around);
                    break;
            }
        });
    }

    if (lead.directional) {
        // Schematic orientation marker: a stripe on +x above the contacts, where a surgeon reads
        // the direction of segment "a" on fluoroscopy.
        const float z0 = maxZ + options.markerGapMm;
        const float half = 0.5f * radians(options.markerArcDeg);
        out.hasMarker = true;
        out.markerZMinMm = z0;
        out.markerZMaxMm = z0 + options.markerLengthMm;
        recordPart(out, LeadPartKind::Marker, -1, [&](MeshData& m) {
            addBand(m, radius, raised, z0, z0 + options.markerLengthMm, -half, half, false, around);
        });
    }
    return out;
}

std::vector<ContactAnchor> contactAnchors(const device::Lead& lead) {
    std::vector<ContactAnchor> anchors;
    for (std::size_t k = 0; k < lead.contacts.size(); ++k) {
        const device::Contact& c = lead.contacts[k];
        ContactAnchor anchor;
        anchor.contactIndex = static_cast<int>(k);
        anchor.axisPointMm = {0.0f, 0.0f, static_cast<float>(c.centreZMm())};
        anchor.directional = c.shape == device::ContactShape::Segment;
        const float a = radians(static_cast<float>(c.angleDeg));
        anchor.facing = {std::cos(a), std::sin(a), 0.0f};
        anchors.push_back(anchor);
    }
    return anchors;
}

}  // namespace dbsprog::render
