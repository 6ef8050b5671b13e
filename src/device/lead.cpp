#include "dbsprog/device/lead.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "dbsprog/error.hpp"
#include "dbsprog/io/paths.hpp"
#include "io/json_reader.hpp"

namespace dbsprog::device {

namespace {

constexpr double kPi = 3.14159265358979323846;
// Bounds that only catch typing errors; real leads sit well inside them.
constexpr double kMaxDiameterMm = 5.0;
constexpr double kMaxLengthMm = 20.0;

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

int Lead::levelCount() const { return contacts.empty() ? 0 : contacts.back().level + 1; }

std::pair<double, double> Lead::contactSpanMm() const {
    if (contacts.empty()) return {0.0, 0.0};
    std::pair<double, double> span{contacts.front().zMinMm, contacts.front().zMaxMm};
    for (const Contact& c : contacts) span = {std::min(span.first, c.zMinMm), std::max(span.second, c.zMaxMm)};
    return span;
}

std::optional<int> Lead::contactIndex(std::string_view name) const {
    for (size_t i = 0; i < contacts.size(); ++i)
        if (equalsIgnoreCase(contacts[i].name, name)) return static_cast<int>(i);
    return std::nullopt;
}

std::string Lead::contactNames() const {
    std::string s;
    for (const auto& c : contacts) s += (s.empty() ? "" : ", ") + c.name;
    return s;
}

Lead parseLead(const std::string& jsonText, const std::string& source) {
    const auto doc = io::JsonReader::parse(jsonText, source);
    Lead lead;
    lead.id = doc.string("id");
    lead.manufacturer = doc.string("manufacturer");
    lead.model = doc.string("model");
    lead.displayName = doc.stringOr("name", lead.manufacturer + " " + lead.model);
    lead.diameterMm = doc.positive("diameter_mm", kMaxDiameterMm);
    lead.tipLengthMm = doc.number("tip_length_mm", 0.0, kMaxLengthMm);
    lead.contactLengthMm = doc.positive("contact_length_mm", kMaxLengthMm);
    lead.gapMm = doc.positive("gap_mm", kMaxLengthMm);
    lead.sources = doc.stringList("sources", 1);
    lead.assumptions = doc.stringListOr("assumptions");

    const auto levels = doc.array("levels", 1);
    const bool anySegmented = std::any_of(levels.begin(), levels.end(), [](const io::JsonReader& l) {
        return l.has("type") && l.node().at("type") == "segmented";
    });
    const double segmentArcDeg = anySegmented ? doc.number("segment_arc_deg", 1.0, 359.0) : 360.0;

    const double radiusMm = 0.5 * lead.diameterMm;
    const double sideAreaPerMm = kPi * lead.diameterMm;  // ring area = pi * d * h (FACTS.md)
    std::set<std::string> seen;
    double zMm = lead.tipLengthMm;
    for (size_t level = 0; level < levels.size(); ++level) {
        const auto& lv = levels[level];
        const std::string type = lv.choice("type", {"ring", "segmented", "tip"});
        const auto names = lv.stringList("contacts", 1);
        for (const auto& n : names) {
            std::string lower;
            for (char ch : n) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            if (lower == "c" || !seen.insert(lower).second)
                throw InputError(source, lv.fieldPath("contacts"), "\"" + n + "\"",
                                 "unique contact names other than \"C\" (the generator case)");
        }
        if (level > 0) zMm += lead.gapMm;
        const double zMin = zMm, zMax = zMm + lead.contactLengthMm;
        zMm = zMax;

        if (type == "tip") {
            // The rounded tip conducts: a hemisphere of the lead's radius capped onto a cylinder.
            // Area 2*pi*r^2 + 2*pi*r*(h - r) = 2*pi*r*h, the same as a ring of equal length.
            if (level != 0) lv.fail("type", "\"tip\" only for the first level (nearest the tip)");
            if (lead.tipLengthMm != 0.0)
                throw InputError(source, "tip_length_mm", std::to_string(lead.tipLengthMm),
                                 "0 when the tip itself is a contact");
            if (names.size() != 1) lv.fail("contacts", "exactly one name for a tip contact");
            if (lead.contactLengthMm < radiusMm)
                throw InputError(source, "contact_length_mm", std::to_string(lead.contactLengthMm),
                                 "at least the lead radius for a tip contact");
            lead.contacts.push_back({names[0], static_cast<int>(level), ContactShape::Tip, zMin, zMax, 360.0, 0.0,
                                     sideAreaPerMm * lead.contactLengthMm});
        } else if (type == "ring") {
            if (names.size() != 1) lv.fail("contacts", "exactly one name for a ring");
            lead.contacts.push_back({names[0], static_cast<int>(level), ContactShape::Ring, zMin, zMax, 360.0, 0.0,
                                     sideAreaPerMm * lead.contactLengthMm});
        } else {
            if (names.size() < 2) lv.fail("contacts", "two or more segment names");
            const auto angles = lv.numberList("angles_deg", 0.0, 360.0);
            if (angles.size() != names.size())
                lv.fail("angles_deg", "one angle per segment (" + std::to_string(names.size()) + ")");
            for (size_t i = 0; i < angles.size(); ++i)
                for (size_t j = i + 1; j < angles.size(); ++j) {
                    const double d = std::fmod(std::fabs(angles[i] - angles[j]), 360.0);
                    if (std::min(d, 360.0 - d) < segmentArcDeg - 1e-9)
                        lv.fail("angles_deg", "segment centres at least segment_arc_deg (" +
                                                  std::to_string(segmentArcDeg) + ") apart, so segments do not overlap");
                }
            for (size_t s = 0; s < names.size(); ++s)
                lead.contacts.push_back({names[s], static_cast<int>(level), ContactShape::Segment, zMin, zMax,
                                         segmentArcDeg, angles[s],
                                         sideAreaPerMm * lead.contactLengthMm * segmentArcDeg / 360.0});
            lead.directional = true;
        }
    }
    return lead;
}

Lead loadLead(const std::string& path) { return parseLead(io::readFile(path), path); }

}  // namespace dbsprog::device
