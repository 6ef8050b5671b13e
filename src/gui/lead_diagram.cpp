#include "gui/lead_diagram.hpp"

#include <imgui.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "dbsprog/error.hpp"
#include "gui/text_format.hpp"
#include "gui/theme.hpp"
#include "render/palette.hpp"

namespace dbsprog::gui {

using device::Polarity;
using device::Program;
using device::ProgramContact;

// ============================================================================================
// Editing rules
// ============================================================================================

namespace {

constexpr const char* kErrorSource = "lead diagram";
constexpr double kFullSharePercent = 100.0;
// Shares are whole multiples of the step; this absorbs binary rounding of step * units.
constexpr double kShareTolerancePercent = 1e-6;
// Shares are stored rounded to this so 1 % steps give 34, not 34.000000000000007.
constexpr double kShareRounding = 1e9;

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool sameName(std::string_view a, std::string_view b) { return lower(a) == lower(b); }
bool isCaseName(std::string_view name) { return sameName(name, device::kCaseName); }

TileState stateOf(const ProgramContact& contact) {
    return contact.polarity == Polarity::Cathode ? TileState::Cathode : TileState::Anode;
}

std::optional<std::size_t> findActive(const Program& program, std::string_view name) {
    for (std::size_t i = 0; i < program.contacts.size(); ++i)
        if (sameName(program.contacts[i].name, name)) return i;
    return std::nullopt;
}

/// The name as the program should carry it: "C" for the case, the vendor's spelling for a lead
/// contact ("2A" -> "2a"); throws for anything else.
std::string resolveName(const device::Lead& lead, std::string_view name) {
    if (isCaseName(name)) return std::string(device::kCaseName);
    if (const auto index = lead.contactIndex(name)) return lead.contacts[static_cast<std::size_t>(*index)].name;
    throw InputError(kErrorSource, "contact", "\"" + std::string(name) + "\"",
                     "contacts of the " + lead.displayName + ": " + lead.contactNames() + ", or C (case)");
}

/// Where a newly active contact goes so the text reads in lead order: the case first, a lead
/// contact before the first active lead contact further from the tip.
std::size_t insertionIndex(const Program& program, const device::Lead& lead, const std::string& name) {
    if (name == device::kCaseName) return 0;
    const int own = *lead.contactIndex(name);
    for (std::size_t i = 0; i < program.contacts.size(); ++i) {
        const ProgramContact& c = program.contacts[i];
        if (c.isCase()) continue;
        const auto other = lead.contactIndex(c.name);
        if (other && *other > own) return i;
    }
    return program.contacts.size();
}

std::vector<std::size_t> membersOf(const Program& program, Polarity polarity) {
    std::vector<std::size_t> members;
    for (std::size_t i = 0; i < program.contacts.size(); ++i)
        if (program.contacts[i].polarity == polarity) members.push_back(i);
    return members;
}

/// Share steps that make up 100 %, or nullopt when the step does not divide 100 (no on-step split
/// can then sum to 100, so shares are left equal and unwritten).
std::optional<long> unitsInFull(double stepPercent) {
    if (!(stepPercent > 0.0)) return std::nullopt;
    const long units = std::lround(kFullSharePercent / stepPercent);
    if (units < 1 || std::fabs(static_cast<double>(units) * stepPercent - kFullSharePercent) > kShareTolerancePercent)
        return std::nullopt;
    return units;
}

/// The automatic split of `total` steps over `count` contacts: equal, the steps left over going
/// one each to the first contacts (3 at 1 %: 34, 33, 33), as multiple-source programmers split.
std::vector<long> automaticUnits(std::size_t count, long total) {
    const long n = static_cast<long>(count);
    std::vector<long> units(count, total / n);
    for (long i = 0; i < total % n; ++i) ++units[static_cast<std::size_t>(i)];
    return units;
}

/// `weights` (all > 0) apportioned to `total` steps, each at least one step (a share is never 0):
/// largest remainders first, ties to the earlier contact, so the result is deterministic.
std::vector<long> apportion(const std::vector<double>& weights, long total) {
    const std::size_t n = weights.size();
    double sum = 0.0;
    for (double w : weights) sum += w;
    std::vector<double> exact(n);
    std::vector<long> units(n);
    long assigned = 0;
    for (std::size_t i = 0; i < n; ++i) {
        exact[i] = sum > 0.0 ? weights[i] / sum * static_cast<double>(total) : static_cast<double>(total) / static_cast<double>(n);
        units[i] = std::max(1L, static_cast<long>(std::floor(exact[i])));
        assigned += units[i];
    }
    while (assigned < total) {
        std::size_t best = 0;
        for (std::size_t i = 1; i < n; ++i)
            if (exact[i] - static_cast<double>(units[i]) > exact[best] - static_cast<double>(units[best])) best = i;
        ++units[best];
        ++assigned;
    }
    // Only when the one-step minimum pushed the sum over: take from the most over-served contact.
    while (assigned > total) {
        std::optional<std::size_t> worst;
        for (std::size_t i = 0; i < n; ++i)
            if (units[i] > 1 && (!worst || exact[i] - static_cast<double>(units[i]) <= exact[*worst] - static_cast<double>(units[*worst])))
                worst = i;
        if (!worst) break;  // more contacts than steps: cannot happen with the catalogue's steps
        --units[*worst];
        --assigned;
    }
    return units;
}

double unitsToPercent(long units, double stepPercent) {
    return std::round(static_cast<double>(units) * stepPercent * kShareRounding) / kShareRounding;
}

/// Writes `units` onto the group; shares that are all equal are left unwritten ("1- 2-" rather
/// than "1-50% 2-50%"), which parses back to the same split.
void assignUnits(Program& program, const std::vector<std::size_t>& members, const std::vector<long>& units, double stepPercent) {
    const bool uniform = std::all_of(units.begin(), units.end(), [&](long u) { return u == units.front(); });
    for (std::size_t k = 0; k < members.size(); ++k) {
        ProgramContact& c = program.contacts[members[k]];
        c.sharePercent = unitsToPercent(units[k], stepPercent);
        c.shareGiven = !uniform;
    }
}

void splitEqually(Program& program, const std::vector<std::size_t>& members) {
    for (std::size_t i : members) {
        program.contacts[i].sharePercent = kFullSharePercent / static_cast<double>(members.size());
        program.contacts[i].shareGiven = false;
    }
}

/// The user set this polarity's shares: some are written and they are not the automatic split.
bool userSetShares(const Program& program, Polarity polarity, const device::Ipg& ipg) {
    if (!sharesEditable(ipg, program.mode)) return false;
    const auto members = membersOf(program, polarity);
    const bool anyGiven = std::any_of(members.begin(), members.end(), [&](std::size_t i) { return program.contacts[i].shareGiven; });
    if (!anyGiven) return false;
    const auto total = unitsInFull(ipg.shareStepPercent);
    if (!total || static_cast<long>(members.size()) > *total) return true;
    const auto automatic = automaticUnits(members.size(), *total);
    for (std::size_t k = 0; k < members.size(); ++k)
        if (std::fabs(program.contacts[members[k]].sharePercent - unitsToPercent(automatic[k], ipg.shareStepPercent)) > kShareTolerancePercent)
            return true;
    return false;
}

/// Re-splits one polarity after contacts joined or left it (see setContact for the rules).
/// `before` is the program before the edit, `userSet` whether its user had set these shares.
void resplit(Program& program, Polarity polarity, const device::Ipg& ipg, const Program& before, bool userSet) {
    const auto members = membersOf(program, polarity);
    if (members.empty()) return;
    const auto total = unitsInFull(ipg.shareStepPercent);
    if (!sharesEditable(ipg, program.mode) || !total || static_cast<long>(members.size()) > *total) {
        splitEqually(program, members);
        return;
    }
    if (!userSet) {
        assignUnits(program, members, automaticUnits(members.size(), *total), ipg.shareStepPercent);
        return;
    }
    // Stayers keep their proportions; each newcomer takes 1/n of the whole.
    std::vector<std::optional<double>> previous(members.size());
    double stayingSum = 0.0;
    std::size_t newcomers = 0;
    for (std::size_t k = 0; k < members.size(); ++k) {
        const ProgramContact& c = program.contacts[members[k]];
        const auto old = findActive(before, c.name);
        if (old && before.contacts[*old].polarity == polarity) {
            previous[k] = before.contacts[*old].sharePercent;
            stayingSum += *previous[k];
        } else {
            ++newcomers;
        }
    }
    const double n = static_cast<double>(members.size());
    const double newcomerShare = kFullSharePercent / n;
    const double stayersTotal = kFullSharePercent - newcomerShare * static_cast<double>(newcomers);
    std::vector<double> weights(members.size());
    for (std::size_t k = 0; k < members.size(); ++k)
        weights[k] = previous[k] && stayingSum > 0.0 ? *previous[k] / stayingSum * stayersTotal : newcomerShare;
    assignUnits(program, members, apportion(weights, *total), ipg.shareStepPercent);
}

struct Change {
    std::string name;  ///< already resolved to the program's spelling
    TileState state;
};

Program applyChanges(const Program& program, const device::Lead& lead, const device::Ipg& ipg,
                     const std::vector<Change>& changes) {
    const bool cathodesUserSet = userSetShares(program, Polarity::Cathode, ipg);
    const bool anodesUserSet = userSetShares(program, Polarity::Anode, ipg);
    Program edited = program;
    for (const Change& change : changes) {
        const auto index = findActive(edited, change.name);
        if (change.state == TileState::Off) {
            if (index) edited.contacts.erase(edited.contacts.begin() + static_cast<std::ptrdiff_t>(*index));
            continue;
        }
        const Polarity polarity = change.state == TileState::Cathode ? Polarity::Cathode : Polarity::Anode;
        if (index) {
            ProgramContact& c = edited.contacts[*index];
            if (c.polarity != polarity) c.shareGiven = false;  // a share belongs to the polarity it was set in
            c.name = change.name;
            c.polarity = polarity;
            continue;
        }
        ProgramContact added;
        added.name = change.name;
        added.polarity = polarity;
        edited.contacts.insert(edited.contacts.begin() + static_cast<std::ptrdiff_t>(insertionIndex(edited, lead, change.name)), added);
    }
    resplit(edited, Polarity::Cathode, ipg, program, cathodesUserSet);
    resplit(edited, Polarity::Anode, ipg, program, anodesUserSet);
    return edited;
}

std::vector<std::size_t> levelContacts(const device::Lead& lead, int level) {
    std::vector<std::size_t> indices;
    for (std::size_t i = 0; i < lead.contacts.size(); ++i)
        if (lead.contacts[i].level == level) indices.push_back(i);
    return indices;
}

}  // namespace

TileState contactState(const Program& program, std::string_view contactName) {
    const auto index = findActive(program, contactName);
    return index ? stateOf(program.contacts[*index]) : TileState::Off;
}

TileState nextState(TileState state, bool isCase) {
    if (isCase) return state == TileState::Off ? TileState::Anode : TileState::Off;
    switch (state) {
        case TileState::Off: return TileState::Cathode;
        case TileState::Cathode: return TileState::Anode;
        case TileState::Anode: break;
    }
    return TileState::Off;
}

bool sharesEditable(const device::Ipg& ipg, device::ControlMode mode) {
    // Voltage mode holds every active contact at one voltage, so there is nothing to share out.
    return ipg.multipleSources && mode == device::ControlMode::Current;
}

Program setContact(const Program& program, const device::Lead& lead, const device::Ipg& ipg,
                   const std::string& contactName, TileState state) {
    return applyChanges(program, lead, ipg, {{resolveName(lead, contactName), state}});
}

Program cycleContact(const Program& program, const device::Lead& lead, const device::Ipg& ipg,
                     const std::string& contactName) {
    const std::string name = resolveName(lead, contactName);
    return applyChanges(program, lead, ipg, {{name, nextState(contactState(program, name), name == device::kCaseName)}});
}

Program setLevel(const Program& program, const device::Lead& lead, const device::Ipg& ipg, int level, TileState state) {
    const auto indices = levelContacts(lead, level);
    if (indices.empty())
        throw InputError(kErrorSource, "level", std::to_string(level),
                         "0 to " + std::to_string(lead.levelCount() - 1) + " on the " + lead.displayName);
    std::vector<Change> changes;
    for (std::size_t i : indices) changes.push_back({lead.contacts[i].name, state});
    return applyChanges(program, lead, ipg, changes);
}

std::optional<TileState> levelState(const Program& program, const device::Lead& lead, int level) {
    std::optional<TileState> shared;
    for (std::size_t i : levelContacts(lead, level)) {
        const TileState state = contactState(program, lead.contacts[i].name);
        if (shared && *shared != state) return std::nullopt;
        shared = state;
    }
    return shared;
}

Program cycleLevel(const Program& program, const device::Lead& lead, const device::Ipg& ipg, int level) {
    const auto state = levelState(program, lead, level);
    return setLevel(program, lead, ipg, level, state ? nextState(*state, false) : TileState::Cathode);
}

Program stepShare(const Program& program, const device::Ipg& ipg, const std::string& contact, int steps) {
    const auto total = unitsInFull(ipg.shareStepPercent);
    const auto index = findActive(program, contact);
    if (!sharesEditable(ipg, program.mode) || !total || !index || steps == 0) return program;
    const Polarity polarity = program.contacts[*index].polarity;
    const auto members = membersOf(program, polarity);
    const long n = static_cast<long>(members.size());
    if (n < 2 || n > *total) return program;

    // The group on the step first: a split parsed without shares may be 33.33 %.
    std::vector<long> units;
    if (userSetShares(program, polarity, ipg)) {
        std::vector<double> weights;
        for (std::size_t i : members) weights.push_back(program.contacts[i].sharePercent);
        units = apportion(weights, *total);
    } else {
        units = automaticUnits(members.size(), *total);
    }
    const std::size_t own = static_cast<std::size_t>(std::find(members.begin(), members.end(), *index) - members.begin());
    const long target = std::clamp(units[own] + static_cast<long>(steps), 1L, *total - (n - 1));
    if (target == units[own]) return program;

    std::vector<double> otherWeights;
    for (std::size_t k = 0; k < members.size(); ++k)
        if (k != own) otherWeights.push_back(static_cast<double>(units[k]));
    const auto others = apportion(otherWeights, *total - target);
    for (std::size_t k = 0, o = 0; k < members.size(); ++k) units[k] = k == own ? target : others[o++];

    Program edited = program;
    assignUnits(edited, members, units, ipg.shareStepPercent);
    return edited;
}

std::optional<std::string> missingPole(const Program& program) {
    const auto has = [&](Polarity polarity) {
        return std::any_of(program.contacts.begin(), program.contacts.end(), [&](const ProgramContact& c) { return c.polarity == polarity; });
    };
    if (!has(Polarity::Cathode)) return std::string("No cathode: set at least one lead contact to cathode (-).");
    if (!has(Polarity::Anode))
        return std::string("No anode: turn the case on (C+, monopolar) or set a lead contact to anode (+).");
    return std::nullopt;
}

std::string levelLabel(const device::Lead& lead, int level) {
    const auto indices = levelContacts(lead, level);
    if (indices.empty()) return {};
    const std::string& first = lead.contacts[indices.front()].name;
    if (indices.size() == 1) return first;
    std::string label = first;
    while (!label.empty() && std::isalpha(static_cast<unsigned char>(label.back()))) label.pop_back();
    return label.empty() ? first : label;
}

std::vector<double> contactCurrentsFor(const device::Lead& lead, const device::CheckReport& report) {
    std::vector<double> currents(lead.contacts.size(), 0.0);
    for (const device::ContactLoad& load : report.contacts)
        if (const auto index = lead.contactIndex(load.name)) currents[static_cast<std::size_t>(*index)] = load.currentMa;
    return currents;
}

// ============================================================================================
// Widget
// ============================================================================================

namespace {

// Layout, in pixels at scale 1. Tiles are sized for a "-12.70 mA" label and a "-  34%  +" strip.
constexpr float kTileWidthPx = 78.0f;
constexpr float kTileHeightPx = 48.0f;
constexpr float kSegmentGapPx = 3.0f;      // between segments a, b, c of one level
constexpr float kShaftPaddingPx = 5.0f;    // insulating shaft visible around the tiles
constexpr float kLabelColumnPx = 30.0f;    // level labels left of the lead
constexpr float kLabelGapPx = 6.0f;
constexpr float kCaseWidthPx = 104.0f;
constexpr float kCaseHeightPx = 44.0f;
constexpr float kWirePx = 18.0f;           // extension wire from the case to the lead
constexpr float kProximalStubPx = 14.0f;   // shaft above the top contact, toward the connector
constexpr float kMinLevelGapPx = 5.0f;
constexpr float kMaxLevelGapPx = 36.0f;
constexpr float kMinTipPx = 8.0f;
constexpr float kMaxTipPx = 30.0f;
constexpr float kTileRoundingPx = 4.0f;
constexpr float kTipRoundingPx = 18.0f;    // the rounded distal end of the lead
constexpr float kCaseRoundingPx = 12.0f;   // a generator's rounded can
constexpr float kTextPadPx = 5.0f;
constexpr float kBadgeRadiusPx = 7.5f;     // polarity badge in a tile's corner
constexpr float kBadgeStrokePx = 2.0f;
constexpr float kShareButtonPx = 16.0f;    // the -/+ boxes of the share strip
constexpr float kShareButtonInsetPx = 2.0f;
constexpr float kShareButtonRoundingPx = 3.0f;
constexpr float kShareSignStrokePx = 1.6f;
constexpr float kSignToBox = 0.28f;        // half-length of a box's sign, as a fraction of the box
// The strip added below the tile text on multiple-source generators holds one row of boxes.
constexpr float kShareStripPx = kShareButtonPx + 2.0f * kShareButtonInsetPx;
constexpr float kBorderPx = 1.5f;
constexpr float kWarningBorderPx = 2.5f;
constexpr float kSwatchPx = 11.0f;
constexpr float kLegendGapPx = 8.0f;
constexpr float kWireThicknessPx = 3.0f;
constexpr float kHairlinePx = 1.0f;        // the shaft's outline
constexpr float kBracketPx = 1.5f;         // the line joining a level label to its segments
constexpr float kSwatchRoundingPx = 2.0f;
constexpr float kSwatchTextGapPx = 4.0f;
constexpr float kLegendItemGapPx = 12.0f;

// Colours: polarity from the 3D view's palette so the two always agree; the rest from the theme.
ImVec4 fromPalette(const Eigen::Vector3f& rgb, float alpha = 1.0f) { return {rgb.x(), rgb.y(), rgb.z(), alpha}; }
const ImVec4 kCathodeFill = fromPalette(render::palette::kCathode);
const ImVec4 kAnodeFill = fromPalette(render::palette::kAnode);
// The platinum-iridium silver of the 3D view, a little darker so it does not glare on the dark panel.
const ImVec4 kOffFill{0.62f, 0.64f, 0.68f, 1.0f};
const ImVec4 kShaftFill = fromPalette(render::palette::kShaft);
const ImVec4 kShaftEdge{0.40f, 0.44f, 0.49f, 1.0f};
const ImVec4 kCaseOffFill{0.24f, 0.26f, 0.30f, 1.0f};  // the can, dark titanium, when it is not a pole
const ImVec4 kTextOnColour{1.0f, 1.0f, 1.0f, 1.0f};
const ImVec4 kTextOnMetal{0.10f, 0.11f, 0.13f, 1.0f};
const ImVec4 kStripShade{0.0f, 0.0f, 0.0f, 0.28f};
const ImVec4 kHoverTint{1.0f, 1.0f, 1.0f, 0.14f};
const ImVec4 kHoverBorder{1.0f, 1.0f, 1.0f, 0.85f};
const ImVec4 kWire{0.36f, 0.40f, 0.45f, 1.0f};
constexpr float kMixedLevelAlpha = 0.45f;  // a level label whose segments differ
constexpr float kCaptionAlpha = 0.75f;     // "case" beside the C, quieter than the name
// Share boxes: faint when the step is not possible, brighter under the pointer.
constexpr float kBoxAlpha = 0.28f;
constexpr float kBoxAlphaHover = 0.55f;
constexpr float kBoxAlphaDisabled = 0.12f;
constexpr float kSignAlphaDisabled = 0.35f;

struct Rect {
    ImVec2 min, max;
    float width() const { return max.x - min.x; }
    float height() const { return max.y - min.y; }
    ImVec2 centre() const { return {0.5f * (min.x + max.x), 0.5f * (min.y + max.y)}; }
    bool contains(const ImVec2& p) const { return p.x >= min.x && p.x < max.x && p.y >= min.y && p.y < max.y; }
};

ImU32 col(const ImVec4& c) { return ImGui::GetColorU32(c); }  // applies the disabled alpha

ImVec4 fillFor(TileState state) {
    switch (state) {
        case TileState::Cathode: return kCathodeFill;
        case TileState::Anode: return kAnodeFill;
        case TileState::Off: break;
    }
    return kOffFill;
}

/// Glyphs the current font may lack fall back to ASCII, as the panels do.
struct Glyphs {
    const char* minus = "-";
    const char* arrow = "->";
    const char* micro = "u";
    const char* squared = "2";
    const char* degree = " deg";
    const char* approx = "~";
};

Glyphs glyphsFor(ImFont* font) {
    Glyphs g;
    if (font->FindGlyphNoFallback(0x2212)) g.minus = "\xE2\x88\x92";
    if (font->FindGlyphNoFallback(0x2192)) g.arrow = "\xE2\x86\x92";
    if (font->FindGlyphNoFallback(0x00B5)) g.micro = "\xC2\xB5";
    if (font->FindGlyphNoFallback(0x00B2)) g.squared = "\xC2\xB2";
    if (font->FindGlyphNoFallback(0x00B0)) g.degree = "\xC2\xB0";
    if (font->FindGlyphNoFallback(0x2248)) g.approx = "\xE2\x89\x88";
    return g;
}

/// `estimated`: a voltage-mode current, from the tissue's impedance rather than set by the device.
std::string formatCurrent(double currentMa, const Glyphs& g, bool withUnit, bool estimated) {
    // Two decimals below 10 mA shows a share's current (0.68 mA); one above keeps the tile narrow.
    constexpr double kTwoDecimalsBelowMa = 10.0;
    const double magnitude = std::fabs(currentMa);
    const char* sign = currentMa < 0.0 ? g.minus : currentMa > 0.0 ? "+" : "";
    std::string text = magnitude < kTwoDecimalsBelowMa ? strf("%s%.2f", sign, magnitude) : strf("%s%.1f", sign, magnitude);
    if (estimated) text = g.approx + text;
    return withUnit ? text + " mA" : text;
}

std::string formatShare(double sharePercent) {
    // A share parsed as an equal split (33.33 %) shows a decimal; whole steps show none.
    constexpr double kWholePercentTolerance = 0.05;
    return std::fabs(sharePercent - std::round(sharePercent)) < kWholePercentTolerance ? strf("%.0f%%", sharePercent) : strf("%.1f%%", sharePercent);
}

void textAt(ImDrawList* dl, ImFont* font, const ImVec2& pos, const ImVec4& colour, const std::string& text) {
    dl->AddText(font, font->FontSize, pos, col(colour), text.c_str());
}

ImVec2 textSize(ImFont* font, const std::string& text) {
    return font->CalcTextSizeA(font->FontSize, 1e9f, 0.0f, text.c_str());
}

/// A minus or plus drawn with strokes, crisp in any font.
void drawSign(ImDrawList* dl, const ImVec2& centre, float halfLength, float thickness, bool plus, ImU32 colour) {
    dl->AddLine({centre.x - halfLength, centre.y}, {centre.x + halfLength, centre.y}, colour, thickness);
    if (plus) dl->AddLine({centre.x, centre.y - halfLength}, {centre.x, centre.y + halfLength}, colour, thickness);
}

/// The polarity badge in a tile's top-right corner: a white disc with the sign in the tile's colour.
void drawBadge(ImDrawList* dl, const Rect& tile, TileState state, float scale) {
    if (state == TileState::Off) return;
    const float r = kBadgeRadiusPx * scale;
    const ImVec2 centre{tile.max.x - kTextPadPx * scale - r, tile.min.y + kTextPadPx * scale + r};
    dl->AddCircleFilled(centre, r, col(kTextOnColour));
    drawSign(dl, centre, r * 0.55f, kBadgeStrokePx * scale, state == TileState::Anode, col(fillFor(state)));
}

/// What one tile shows, gathered before drawing.
struct TileView {
    std::string name;
    std::string caption;              // "case" under C; empty for contacts
    TileState state = TileState::Off;
    std::optional<double> currentMa;  // shown when the caller gave currents and the contact is active
    bool currentEstimated = false;    // voltage mode: the current follows from the impedance
    std::optional<double> sharePercent;
    bool shareStrip = false;          // draw the share strip
    bool shareButtons = false;        // -/+ in the strip: the contact shares its polarity with others
    bool canLower = false, canRaise = false;
    bool densityWarning = false;
    bool tipRounding = false;         // the lead's tip is this contact (Boston contact 1)
    bool isCase = false;
};

struct TileHits {
    bool clicked = false;   // cycle
    bool lower = false;     // share -
    bool raise = false;     // share +
    bool hovered = false;
    bool overMinus = false; // the pointer is on a share box: its tooltip, not the tile's
    bool overPlus = false;
};

/// The strip's -/+ boxes inside a tile.
Rect minusBox(const Rect& tile, float scale) {
    const float s = kShareButtonPx * scale, pad = kShareButtonInsetPx * scale;
    return {{tile.min.x + pad, tile.max.y - s - pad}, {tile.min.x + pad + s, tile.max.y - pad}};
}
Rect plusBox(const Rect& tile, float scale) {
    const float s = kShareButtonPx * scale, pad = kShareButtonInsetPx * scale;
    return {{tile.max.x - pad - s, tile.max.y - s - pad}, {tile.max.x - pad, tile.max.y - pad}};
}

/// One clickable tile: an InvisibleButton whose press position decides between cycling and the
/// share boxes, so the boxes need no overlapping widgets.
TileHits drawTile(ImDrawList* dl, const char* buttonId, const Rect& tile, const TileView& view, float scale,
                  ImFont* regular, ImFont* bold, const Glyphs& g) {
    TileHits hits;
    ImGui::SetCursorScreenPos(tile.min);
    const bool pressed = ImGui::InvisibleButton(buttonId, {tile.width(), tile.height()});
    hits.hovered = ImGui::IsItemHovered();
    const bool focused = ImGui::IsItemFocused() && ImGui::GetIO().NavVisible;
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const bool overMinus = view.shareButtons && hits.hovered && minusBox(tile, scale).contains(mouse);
    const bool overPlus = view.shareButtons && hits.hovered && plusBox(tile, scale).contains(mouse);
    hits.overMinus = overMinus;
    hits.overPlus = overPlus;
    if (pressed) {
        // A mouse press decides by where it went down; keyboard activation (Enter/Space) cycles.
        const ImVec2 down = ImGui::GetIO().MouseClickedPos[0];
        const bool byMouse = ImGui::IsMouseReleased(ImGuiMouseButton_Left);
        if (byMouse && view.shareButtons && minusBox(tile, scale).contains(down)) hits.lower = view.canLower;
        else if (byMouse && view.shareButtons && plusBox(tile, scale).contains(down)) hits.raise = view.canRaise;
        else hits.clicked = true;
    }

    const float rounding = (view.isCase ? kCaseRoundingPx : kTileRoundingPx) * scale;
    const ImVec4 fill = view.isCase && view.state == TileState::Off ? kCaseOffFill : fillFor(view.state);
    if (view.tipRounding) {
        // Square top, the lead's round end below.
        dl->AddRectFilled(tile.min, tile.max, col(fill), kTipRoundingPx * scale, ImDrawFlags_RoundCornersBottom);
    } else {
        dl->AddRectFilled(tile.min, tile.max, col(fill), rounding);
    }
    const bool metal = view.state == TileState::Off && !view.isCase;
    const ImVec4 ink = metal ? kTextOnMetal : kTextOnColour;

    // Name (bold), caption or current, badge.
    const ImVec2 namePos{tile.min.x + kTextPadPx * scale, tile.min.y + kTextPadPx * scale};
    textAt(dl, bold, namePos, ink, view.name);
    if (!view.caption.empty()) {
        const ImVec2 nameSize = textSize(bold, view.name);
        ImVec4 captionInk = ink;
        captionInk.w *= kCaptionAlpha;
        textAt(dl, regular, {namePos.x + nameSize.x + kTextPadPx * scale, namePos.y + (bold->FontSize - regular->FontSize)}, captionInk, view.caption);
    }
    drawBadge(dl, tile, view.state, scale);

    const float textBottom = (view.shareStrip ? tile.max.y - kShareStripPx * scale : tile.max.y) - kTextPadPx * scale;
    if (view.currentMa) {
        const float room = tile.width() - 2.0f * kTextPadPx * scale;
        std::string text = formatCurrent(*view.currentMa, g, true, view.currentEstimated);
        if (textSize(regular, text).x > room) text = formatCurrent(*view.currentMa, g, false, view.currentEstimated);
        const ImVec2 size = textSize(regular, text);
        textAt(dl, regular, {tile.centre().x - 0.5f * size.x, textBottom - size.y}, ink, text);
    }

    if (view.shareStrip) {
        const Rect strip{{tile.min.x, tile.max.y - kShareStripPx * scale}, tile.max};
        dl->AddRectFilled(strip.min, strip.max, col(kStripShade), rounding, ImDrawFlags_RoundCornersBottom);
        const auto drawBox = [&](const Rect& box, bool plus, bool enabledBox, bool hover) {
            ImVec4 boxFill = kTextOnColour;
            boxFill.w = !enabledBox ? kBoxAlphaDisabled : hover ? kBoxAlphaHover : kBoxAlpha;
            dl->AddRectFilled(box.min, box.max, col(boxFill), kShareButtonRoundingPx * scale);
            ImVec4 signInk = kTextOnColour;
            signInk.w = enabledBox ? 1.0f : kSignAlphaDisabled;
            drawSign(dl, box.centre(), box.width() * kSignToBox, kShareSignStrokePx * scale, plus, col(signInk));
        };
        if (view.shareButtons) {
            drawBox(minusBox(tile, scale), false, view.canLower, overMinus);
            drawBox(plusBox(tile, scale), true, view.canRaise, overPlus);
        }
        if (view.sharePercent) {
            const std::string text = formatShare(*view.sharePercent);
            const ImVec2 size = textSize(bold, text);
            textAt(dl, bold, {strip.centre().x - 0.5f * size.x, strip.centre().y - 0.5f * size.y}, kTextOnColour, text);
        }
    }

    if (view.densityWarning)
        dl->AddRect(tile.min, tile.max, col(colors::kCaution), rounding, 0, kWarningBorderPx * scale);
    if (hits.hovered && !overMinus && !overPlus) {
        dl->AddRectFilled(tile.min, tile.max, col(kHoverTint), rounding);
        dl->AddRect(tile.min, tile.max, col(kHoverBorder), rounding, 0, kBorderPx * scale);
    } else if (focused) {
        dl->AddRect(tile.min, tile.max, col(colors::kAccent), rounding, 0, kBorderPx * scale);
    }
    return hits;
}

const char* stateWord(TileState state) {
    switch (state) {
        case TileState::Cathode: return "cathode";
        case TileState::Anode: return "anode";
        case TileState::Off: break;
    }
    return "off";
}

std::string contactKind(const device::Contact& contact, const Glyphs& g) {
    switch (contact.shape) {
        case device::ContactShape::Ring: return "ring";
        case device::ContactShape::Tip: return "tip contact";
        case device::ContactShape::Segment: break;
    }
    return strf("segment %c, %.0f%s from the orientation marker", contact.name.back(), contact.angleDeg, g.degree);
}

}  // namespace

LeadDiagramResult drawLeadDiagram(const char* id, const device::Lead& lead, const device::Ipg& ipg,
                                  const Program& current, const std::vector<double>& contactCurrentsMa,
                                  float scale, bool enabled, ImFont* boldFont) {
    LeadDiagramResult result;
    ImGui::PushID(id);
    ImGui::BeginDisabled(!enabled);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImFont* regular = ImGui::GetFont();
    ImFont* bold = boldFont ? boldFont : regular;
    const Glyphs g = glyphsFor(regular);
    const bool shares = sharesEditable(ipg, current.mode);
    // A program without both poles cannot run, so whatever currents came with it mean nothing.
    const auto problem = missingPole(current);
    const bool haveCurrents = contactCurrentsMa.size() == lead.contacts.size() && !problem;

    // ---- geometry: case on top, then the lead from its proximal end down to the tip ----
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float tileW = kTileWidthPx * scale;
    const float tileH = (kTileHeightPx + (shares ? kShareStripPx : 0.0f)) * scale;
    const float segmentGap = kSegmentGapPx * scale;
    const float pad = kShaftPaddingPx * scale;
    const float leadInnerW = 3.0f * tileW + 2.0f * segmentGap;
    // Ring-only leads have no level labels, so no column for them.
    const float shaftX0 = origin.x + (lead.directional ? (kLabelColumnPx + kLabelGapPx) * scale : 0.0f);
    const float shaftX1 = shaftX0 + leadInnerW + 2.0f * pad;
    const float shaftCentreX = 0.5f * (shaftX0 + shaftX1);
    // Spacing follows the lead's real proportions (3387's 1.5 mm gaps look wider than 3389's 0.5 mm).
    const double contactMm = lead.contactLengthMm > 0.0 ? lead.contactLengthMm : 1.5;
    const float levelGap = std::clamp(static_cast<float>(lead.gapMm / contactMm) * tileH, kMinLevelGapPx * scale, kMaxLevelGapPx * scale);
    const float tipH = lead.tipLengthMm > 0.0
                           ? std::clamp(static_cast<float>(lead.tipLengthMm / contactMm) * tileH, kMinTipPx * scale, kMaxTipPx * scale)
                           : pad;

    const Rect caseTile{{shaftCentreX - 0.5f * kCaseWidthPx * scale, origin.y},
                        {shaftCentreX + 0.5f * kCaseWidthPx * scale, origin.y + (kCaseHeightPx + (shares ? kShareStripPx : 0.0f)) * scale}};
    const float shaftTop = caseTile.max.y + kWirePx * scale;
    const int levels = lead.levelCount();
    const float firstTileY = shaftTop + kProximalStubPx * scale;
    const auto levelTop = [&](int level) { return firstTileY + static_cast<float>(levels - 1 - level) * (tileH + levelGap); };
    const float shaftBottom = levelTop(0) + tileH + tipH;

    // ---- the lead body and the wire to the case ----
    dl->AddLine({shaftCentreX, caseTile.max.y}, {shaftCentreX, shaftTop}, col(kWire), kWireThicknessPx * scale);
    dl->AddRectFilled({shaftX0, shaftTop}, {shaftX1, shaftBottom}, col(kShaftFill), kTipRoundingPx * scale, ImDrawFlags_RoundCornersBottom);
    dl->AddRect({shaftX0, shaftTop}, {shaftX1, shaftBottom}, col(kShaftEdge), kTipRoundingPx * scale, ImDrawFlags_RoundCornersBottom, kHairlinePx * scale);

    // ---- per-contact view data ----
    const auto activeShare = [&](const std::string& name) -> std::optional<double> {
        const auto index = findActive(current, name);
        if (!index) return std::nullopt;
        return current.contacts[*index].sharePercent;
    };
    const auto groupSize = [&](TileState state) {
        const Polarity polarity = state == TileState::Cathode ? Polarity::Cathode : Polarity::Anode;
        return static_cast<long>(membersOf(current, polarity).size());
    };
    const double stepPercent = ipg.shareStepPercent;
    const auto shareLimits = [&](TileView& view) {
        if (!shares || view.state == TileState::Off || !view.sharePercent) return;
        view.shareStrip = true;
        const long n = groupSize(view.state);
        view.shareButtons = n > 1;
        view.canLower = n > 1 && *view.sharePercent > stepPercent + kShareTolerancePercent;
        view.canRaise = n > 1 && *view.sharePercent < kFullSharePercent - static_cast<double>(n - 1) * stepPercent - kShareTolerancePercent;
    };
    const auto chargeDensity = [&](double currentMa, double areaCm2) {
        // Q [uC] = I [mA] * PW [us] * 1e-3 (as device::checkProgram computes it)
        return std::fabs(currentMa) * current.pulseWidthUs * 1e-3 / areaCm2;
    };

    const auto shareTooltip = [&](const TileHits& hits, const TileView& view) {
        if (!hits.overMinus && !hits.overPlus) return false;
        const bool raise = hits.overPlus;
        ImGui::BeginTooltip();
        if (raise ? view.canRaise : view.canLower) {
            const double next = *view.sharePercent + (raise ? stepPercent : -stepPercent);
            ImGui::Text("%s share of %s: %s %s %s", raise ? "Raise" : "Lower", view.name.c_str(), formatShare(*view.sharePercent).c_str(),
                        g.arrow, formatShare(next).c_str());
            ImGui::TextColored(colors::kMuted, "The other %ss %s in proportion, keeping 100%%.", stateWord(view.state),
                               raise ? "give way" : "take it up");
        } else if (raise) {
            ImGui::Text("Highest share: every other %s keeps one step.", stateWord(view.state));
        } else {
            ImGui::Text("Lowest share: one step (%s).", formatShare(stepPercent).c_str());
        }
        ImGui::EndTooltip();
        return true;
    };

    std::optional<Program> edited;
    const auto applyHits = [&](const TileHits& hits, const std::string& name) {
        if (hits.clicked) edited = cycleContact(current, lead, ipg, name);
        else if (hits.lower) edited = stepShare(current, ipg, name, -1);
        else if (hits.raise) edited = stepShare(current, ipg, name, +1);
    };

    // ---- contact tiles ----
    for (std::size_t i = 0; i < lead.contacts.size(); ++i) {
        const device::Contact& contact = lead.contacts[i];
        const float top = levelTop(contact.level);
        Rect tile;
        if (contact.shape == device::ContactShape::Segment) {
            const auto siblings = levelContacts(lead, contact.level);
            const auto slot = static_cast<float>(std::find(siblings.begin(), siblings.end(), i) - siblings.begin());
            const float x = shaftX0 + pad + slot * (tileW + segmentGap);
            tile = {{x, top}, {x + tileW, top + tileH}};
        } else {
            tile = {{shaftX0 + pad, top}, {shaftX1 - pad, top + tileH}};
        }
        TileView view;
        view.name = contact.name;
        view.state = contactState(current, contact.name);
        view.sharePercent = activeShare(contact.name);
        view.tipRounding = contact.shape == device::ContactShape::Tip;
        if (haveCurrents && view.state != TileState::Off) {
            view.currentMa = contactCurrentsMa[i];
            view.currentEstimated = current.mode == device::ControlMode::Voltage;
            view.densityWarning = chargeDensity(contactCurrentsMa[i], contact.areaCm2()) > device::kChargeDensityWarningUcPerCm2;
        }
        shareLimits(view);
        const TileHits hits = drawTile(dl, contact.name.c_str(), tile, view, scale, regular, bold, g);
        applyHits(hits, contact.name);
        result.hitBoxes.push_back({contact.name, -1, tile.min.x, tile.min.y, tile.max.x, tile.max.y});
        if (hits.hovered && !shareTooltip(hits, view)) {
            ImGui::BeginTooltip();
            ImGui::PushFont(bold);
            ImGui::Text("Contact %s", contact.name.c_str());
            ImGui::PopFont();
            ImGui::TextColored(colors::kLabel, "%s, level %d", contactKind(contact, g).c_str(), contact.level);
            ImGui::Text("Area %.2f mm%s", contact.areaMm2, g.squared);
            ImGui::Text("State: %s", stateWord(view.state));
            if (view.shareStrip) ImGui::Text("Share %s of the %s current", formatShare(*view.sharePercent).c_str(), stateWord(view.state));
            if (view.currentMa) {
                const double density = chargeDensity(*view.currentMa, contact.areaCm2());
                ImGui::Text("Current %s%s", formatCurrent(*view.currentMa, g, true, view.currentEstimated).c_str(),
                            view.currentEstimated ? " (voltage mode: estimated from the impedance)" : "");
                ImGui::Text("Charge %.3f %sC/phase", std::fabs(*view.currentMa) * current.pulseWidthUs * 1e-3, g.micro);
                ImGui::TextColored(density > device::kChargeDensityWarningUcPerCm2 ? colors::kCaution : ImGui::GetStyleColorVec4(ImGuiCol_Text),
                                   "Charge density %.1f %sC/cm%s/phase (limit %.0f)", density, g.micro, g.squared,
                                   device::kChargeDensityWarningUcPerCm2);
            }
            ImGui::TextColored(colors::kMuted, "Click: off %s %s %s + %s off", g.arrow, g.minus, g.arrow, g.arrow);
            ImGui::EndTooltip();
        }
    }

    // ---- level labels (ring mode) for directional levels ----
    for (int level = 0; level < levels; ++level) {
        if (levelContacts(lead, level).size() < 2) continue;
        const float top = levelTop(level);
        const Rect label{{origin.x, top}, {origin.x + kLabelColumnPx * scale, top + tileH}};
        ImGui::SetCursorScreenPos(label.min);
        const std::string buttonId = "level" + std::to_string(level);
        if (ImGui::InvisibleButton(buttonId.c_str(), {label.width(), label.height()})) edited = cycleLevel(current, lead, ipg, level);
        const bool hovered = ImGui::IsItemHovered();
        result.hitBoxes.push_back({"", level, label.min.x, label.min.y, label.max.x, label.max.y});
        const auto state = levelState(current, lead, level);
        // A uniform active level wears its polarity; a mixed one a faint outline.
        ImVec4 fill = state && *state != TileState::Off ? fillFor(*state) : ImGui::GetStyleColorVec4(hovered ? ImGuiCol_ButtonHovered : ImGuiCol_Button);
        if (!state) fill.w *= kMixedLevelAlpha;
        dl->AddRectFilled(label.min, label.max, col(fill), kTileRoundingPx * scale);
        if (hovered) dl->AddRect(label.min, label.max, col(kHoverBorder), kTileRoundingPx * scale, 0, kBorderPx * scale);
        const std::string text = levelLabel(lead, level);
        const ImVec2 size = textSize(bold, text);
        textAt(dl, bold, {label.centre().x - 0.5f * size.x, label.centre().y - 0.5f * size.y}, kTextOnColour, text);
        // A bracket joins the label to its three segments.
        dl->AddLine({label.max.x, label.centre().y}, {shaftX0, label.centre().y}, col(kWire), kBracketPx * scale);
        if (hovered) {
            ImGui::BeginTooltip();
            ImGui::Text("Level %s: all three segments together (ring mode)", text.c_str());
            ImGui::TextColored(colors::kMuted, "Click: off %s %s %s + %s off; a mixed level becomes %s", g.arrow, g.minus, g.arrow, g.arrow, g.minus);
            ImGui::EndTooltip();
        }
    }

    // ---- the case ----
    {
        TileView view;
        view.name = "C";
        view.caption = "case";
        view.isCase = true;
        view.state = contactState(current, device::kCaseName);
        view.sharePercent = activeShare(std::string(device::kCaseName));
        if (haveCurrents && view.state != TileState::Off) {
            // Kirchhoff: what leaves the lead's contacts returns through the case.
            double leadSum = 0.0;
            for (double c : contactCurrentsMa) leadSum += c;
            view.currentMa = -leadSum;
            view.currentEstimated = current.mode == device::ControlMode::Voltage;
        }
        shareLimits(view);
        const TileHits hits = drawTile(dl, "case", caseTile, view, scale, regular, bold, g);
        applyHits(hits, std::string(device::kCaseName));
        result.hitBoxes.push_back({view.name, -1, caseTile.min.x, caseTile.min.y, caseTile.max.x, caseTile.max.y});
        if (hits.hovered && !shareTooltip(hits, view)) {
            ImGui::BeginTooltip();
            ImGui::PushFont(bold);
            ImGui::Text("Generator case (C)");
            ImGui::PopFont();
            ImGui::TextUnformatted(view.state == TileState::Off ? "Off: bipolar, the lead carries both poles" : "Anode: monopolar stimulation");
            if (view.currentMa) ImGui::Text("Current %s", formatCurrent(*view.currentMa, g, true, view.currentEstimated).c_str());
            ImGui::TextColored(colors::kMuted, "Click: anode %s off", g.arrow);
            ImGui::EndTooltip();
        }
    }

    // ---- legend and the refusal when a pole is missing ----
    ImGui::SetCursorScreenPos({origin.x, shaftBottom + kLegendGapPx * scale});
    const auto swatch = [&](const ImVec4& fill, const char* text, std::optional<bool> plus) {
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float s = kSwatchPx * scale;
        const float y = p.y + 0.5f * (ImGui::GetTextLineHeight() - s);
        dl->AddRectFilled({p.x, y}, {p.x + s, y + s}, col(fill), kSwatchRoundingPx * scale);
        if (plus) drawSign(dl, {p.x + 0.5f * s, y + 0.5f * s}, kSignToBox * s, kShareSignStrokePx * scale, *plus, col(kTextOnColour));
        ImGui::Dummy({s, ImGui::GetTextLineHeight()});
        ImGui::SameLine(0.0f, kSwatchTextGapPx * scale);
        ImGui::TextUnformatted(text);
        ImGui::SameLine(0.0f, kLegendItemGapPx * scale);
    };
    swatch(kCathodeFill, "cathode", false);
    swatch(kAnodeFill, "anode", true);
    swatch(kOffFill, "off", std::nullopt);
    ImGui::NewLine();
    ImGui::PushTextWrapPos(shaftX1 - ImGui::GetWindowPos().x + ImGui::GetScrollX());
    ImGui::PushStyleColor(ImGuiCol_Text, colors::kMuted);
    ImGui::TextUnformatted(lead.directional ? "Click a contact to cycle it; a level number sets its whole level."
                                            : "Click a contact to cycle it.");
    ImGui::PopStyleColor();
    if (problem) ImGui::TextColored(colors::kDanger, "%s", problem->c_str());
    ImGui::PopTextWrapPos();

    ImGui::EndDisabled();
    ImGui::PopID();
    if (enabled) result.edited = std::move(edited);
    return result;
}

// ============================================================================================
// Keyboard
// ============================================================================================

std::optional<ShortcutAction> programmerShortcut(const ShortcutKeys& keys) {
    if (keys.textInput || keys.itemActive || keys.ctrl || keys.alt || keys.super) return std::nullopt;
    if (keys.space) return ShortcutAction{ShortcutKind::ToggleStimulation, Setting::Amplitude, 0};
    const int vertical = (keys.up ? 1 : 0) - (keys.down ? 1 : 0);
    if (vertical != 0) return ShortcutAction{ShortcutKind::Adjust, keys.shift ? Setting::PulseWidth : Setting::Amplitude, vertical};
    const int page = (keys.pageUp ? 1 : 0) - (keys.pageDown ? 1 : 0);
    if (page != 0) return ShortcutAction{ShortcutKind::Adjust, Setting::Frequency, page};
    return std::nullopt;
}

std::optional<ShortcutAction> readProgrammerShortcuts() {
    const ImGuiIO& io = ImGui::GetIO();
    const auto pressed = [](ImGuiKey key, bool repeat) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(key), repeat); };
    ShortcutKeys keys;
    keys.up = pressed(ImGuiKey_UpArrow, true);  // held arrows keep stepping, as a programmer's rocker does
    keys.down = pressed(ImGuiKey_DownArrow, true);
    keys.pageUp = pressed(ImGuiKey_PageUp, true);
    keys.pageDown = pressed(ImGuiKey_PageDown, true);
    keys.space = pressed(ImGuiKey_Space, false);  // a held Space must not flicker stimulation on and off
    keys.shift = io.KeyShift;
    keys.ctrl = io.KeyCtrl;
    keys.alt = io.KeyAlt;
    keys.super = io.KeySuper;
    keys.textInput = io.WantTextInput;
    keys.itemActive = ImGui::IsAnyItemActive();
    return programmerShortcut(keys);
}

}  // namespace dbsprog::gui
