#pragma once
/// Triangle geometry of a lead from its catalogue description (dbsprog::device::Lead), in the lead
/// frame (mm; origin at the distal tip, +z toward the proximal end, +x through segment "a").
/// CPU only, so it is testable without a GL context.
#include <cstdint>
#include <vector>

#include "dbsprog/device/lead.hpp"
#include "render/mesh.hpp"

namespace dbsprog::render {

enum class LeadPartKind {
    Shaft,    ///< insulating body with its rounded tip
    Contact,  ///< one conducting surface: ring band, segment arc or tip cap
    Marker,   ///< orientation marker stripe of a directional lead, centred on +x
};

/// A drawable range of the mesh's index buffer.
struct LeadPart {
    LeadPartKind kind = LeadPartKind::Shaft;
    int contactIndex = -1;  ///< index into Lead::contacts for kind == Contact
    std::uint32_t firstIndex = 0;
    std::uint32_t indexCount = 0;
};

struct LeadMeshOptions {
    int segmentsAround = 96;             ///< facets around a full circle
    int capRings = 12;                   ///< latitude rings of the rounded tip
    /// Contacts sit this fraction of the radius above the shaft so they never z-fight with it
    /// (1.5 % of a 0.65 mm radius is 10 micrometres: invisible, but a clean depth order).
    float contactRaiseFraction = 0.015f;
    float shaftBeyondContactsMm = 25.0f;  ///< shaft drawn this far above the top contact
    float markerGapMm = 1.5f;             ///< marker starts this far above the top contact
    float markerLengthMm = 3.0f;
    float markerArcDeg = 36.0f;
};

struct LeadMesh {
    MeshData mesh;
    std::vector<LeadPart> parts;  ///< shaft first, then one per contact (lead order), then marker
    float radiusMm = 0.0f;
    float contactsMinZMm = 0.0f;  ///< lowest conducting surface
    float contactsMaxZMm = 0.0f;  ///< highest conducting surface
    float shaftTopZMm = 0.0f;
    bool hasMarker = false;       ///< directional leads only
    float markerZMinMm = 0.0f;
    float markerZMaxMm = 0.0f;

    /// The part of contact `contactIndex`, or nullptr.
    const LeadPart* contactPart(int contactIndex) const;
};

LeadMesh buildLeadMesh(const device::Lead& lead, const LeadMeshOptions& options = {});

/// Where a contact's name label points: the centre of its conducting surface.
struct ContactAnchor {
    int contactIndex = -1;
    Eigen::Vector3f axisPointMm{0, 0, 0};  ///< on the lead axis at the contact's centre height
    bool directional = false;              ///< segment: has a facing direction
    Eigen::Vector3f facing{1, 0, 0};       ///< segment: unit outward normal at its centre
};

std::vector<ContactAnchor> contactAnchors(const device::Lead& lead);

}  // namespace dbsprog::render
