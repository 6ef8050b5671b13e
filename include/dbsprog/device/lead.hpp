#pragma once
/// Lead geometry in the lead frame (DESIGN.md): millimetres, origin at the distal tip, +z along the
/// lead toward its proximal end, +x through the centre of directional segment "a".
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dbsprog::device {

enum class ContactShape {
    Ring,     ///< full 360-degree band
    Segment,  ///< directional segment: an arc of a ring
    Tip,      ///< the lead's rounded tip is itself a contact (Boston Vercise Directional contact 1)
};

struct Contact {
    std::string name;          ///< vendor's name: "0".."3" (Medtronic 3389), "1".."8", "2a"
    int level = 0;             ///< row along the lead, 0 = nearest the tip
    ContactShape shape = ContactShape::Ring;
    double zMinMm = 0.0;       ///< distal end of the conducting surface, mm from the tip
    double zMaxMm = 0.0;       ///< proximal end, mm from the tip
    double arcDeg = 360.0;     ///< angular extent (360 for rings and the tip)
    double angleDeg = 0.0;     ///< centre angle of a segment from +x, counter-clockwise about +z
    double areaMm2 = 0.0;      ///< conducting surface area, computed from the geometry

    double centreZMm() const { return 0.5 * (zMinMm + zMaxMm); }
    double lengthMm() const { return zMaxMm - zMinMm; }
    double areaCm2() const { return areaMm2 * 1e-2; }
};

struct Lead {
    std::string id;             ///< catalogue id used on the command line, e.g. "3389"
    std::string manufacturer;   ///< "Medtronic"
    std::string model;          ///< "3389"
    std::string displayName;    ///< "Medtronic 3389"
    double diameterMm = 0.0;
    double tipLengthMm = 0.0;   ///< insulating tip below the first contact (0 when the tip is a contact)
    double contactLengthMm = 0.0;
    double gapMm = 0.0;         ///< insulation between neighbouring levels
    bool directional = false;   ///< has segmented levels
    std::vector<Contact> contacts;  ///< in level order, segments a, b, c within a level
    std::vector<std::string> sources;      ///< where the geometry comes from
    std::vector<std::string> assumptions;  ///< what is assumed (e.g. segment arcs)

    double radiusMm() const { return 0.5 * diameterMm; }
    int levelCount() const;
    /// Lowest zMinMm and highest zMaxMm over all contacts, mm ({0, 0} without contacts).
    std::pair<double, double> contactSpanMm() const;
    /// Index of the contact with this name (case-insensitive), or nullopt.
    std::optional<int> contactIndex(std::string_view name) const;
    /// Names of all contacts, comma-separated, for error messages ("0, 1, 2, 3").
    std::string contactNames() const;
};

/// Loads and validates one lead file (models/leads/*.json). Throws InputError naming the file and field.
Lead loadLead(const std::string& path);
/// Builds a lead from already-parsed JSON text; `source` names it in errors.
Lead parseLead(const std::string& jsonText, const std::string& source);

}  // namespace dbsprog::device
