#pragma once
/// The clinician programmer's lead diagram (issue 5 "Programmer panel"): every lead contact and the
/// generator case "C" as a tile. A click cycles a lead contact off -> cathode (-) -> anode (+) -> off
/// and toggles the case between anode (monopolar) and off (bipolar); a directional level's label
/// sets its three segments together (ring mode). On generators with independent current sources
/// each active contact's share can be stepped on the generator's share step.
///
/// The editing rules are pure functions (no ImGui) so tests call them directly; drawLeadDiagram is
/// the widget, and readProgrammerShortcuts maps keys to adjustments the caller applies.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dbsprog/device/check.hpp"
#include "dbsprog/device/ipg.hpp"
#include "dbsprog/device/lead.hpp"
#include "dbsprog/device/program.hpp"
#include "gui/program_editing.hpp"

struct ImFont;

namespace dbsprog::gui {

// ---- editing rules (pure) ----

/// A contact's role in a program, as its tile shows it.
enum class TileState { Off, Cathode, Anode };

/// State of `contactName` ("C" for the case; names are case-insensitive) in `program`.
TileState contactState(const device::Program& program, std::string_view contactName);

/// The state a click moves to: lead contacts off -> cathode -> anode -> off; the case only
/// off <-> anode (a DBS generator's case is never the cathode; a "C-" from text goes to off).
TileState nextState(TileState state, bool isCase);

/// The program with `contactName` set to `state`. Shares of both polarities are then re-split:
///  - without editable shares (single source, or voltage mode): equally, none written;
///  - with them, if the user had not set a polarity's shares (none written, or the automatic
///    split): the automatic split on the share step (3 contacts at 1 %: 34/33/33);
///  - if the user had set them: contacts that stay keep their proportions, a contact that joins
///    gets an equal part (1/n), rounded to the share step.
/// Each polarity's shares sum to 100. Removing the last cathode or anode is allowed: the caller
/// shows the refusal (see missingPole). Throws InputError for a name neither the lead nor "C".
device::Program setContact(const device::Program& program, const device::Lead& lead, const device::Ipg& ipg,
                           const std::string& contactName, TileState state);

/// One click on a contact's tile: setContact with nextState.
device::Program cycleContact(const device::Program& program, const device::Lead& lead, const device::Ipg& ipg,
                             const std::string& contactName);

/// Every contact of `level` (0 = nearest the tip) set to `state` in one edit, so shares are
/// re-split once for the whole level. Throws InputError for a level the lead does not have.
device::Program setLevel(const device::Program& program, const device::Lead& lead, const device::Ipg& ipg,
                         int level, TileState state);

/// The state shared by all contacts of `level`, or nullopt when they differ.
std::optional<TileState> levelState(const device::Program& program, const device::Lead& lead, int level);

/// One click on a level's label (ring mode): a uniform level moves to its next state; a mixed
/// level becomes all cathode, as if it were off.
device::Program cycleLevel(const device::Program& program, const device::Lead& lead, const device::Ipg& ipg,
                           int level);

/// True when the generator lets the user set current shares in this control mode.
bool sharesEditable(const device::Ipg& ipg, device::ControlMode mode);

/// `contact`'s share moved by `steps` share steps (negative: down), kept between one step and
/// what leaves one step for each other contact of its polarity; those others take up the
/// difference in proportion to their shares, on the step. Unchanged when shares are not editable,
/// the contact is not active or is alone in its polarity.
device::Program stepShare(const device::Program& program, const device::Ipg& ipg, const std::string& contact,
                          int steps);

/// How the programmer refuses a program without a cathode or without an anode (parseProgram
/// refuses them; validateProgram does not check poles), or nullopt when both are there.
std::optional<std::string> missingPole(const device::Program& program);

/// A level's label as programmers write it: a ring's own name ("3"), a directional level's number
/// without the segment letter ("2" for 2a-2c).
std::string levelLabel(const device::Lead& lead, int level);

/// Signed current per lead contact (cathodic negative) in Lead::contacts order, 0 for inactive
/// contacts: the `contactCurrentsMa` drawLeadDiagram takes.
std::vector<double> contactCurrentsFor(const device::Lead& lead, const device::CheckReport& report);

// ---- widget ----

/// Where one clickable part of the diagram was drawn this frame, in screen pixels.
struct DiagramHitBox {
    std::string contact;  ///< a lead contact's name, "C" for the case; empty for a level label
    int level = -1;       ///< the level a label sets; -1 for a contact tile
    float minX = 0, minY = 0, maxX = 0, maxY = 0;
};

struct LeadDiagramResult {
    std::optional<device::Program> edited;  ///< the program after this frame's click, if any
    std::vector<DiagramHitBox> hitBoxes;    ///< every tile and level label: for GUI tests and tutorial highlights
};

/// Draws the diagram at the cursor of the current ImGui window: the case tile above the lead,
/// levels from the proximal end (top) to the tip (bottom), directional segments a, b, c side by
/// side, share -/+ on multiple-source generators, a legend, and the refusal when a pole is missing.
/// `contactCurrentsMa`: per lead contact in Lead::contacts order (see contactCurrentsFor), or
/// empty to show no currents; with it tooltips add charge and charge density at the program's
/// pulse width. `scale`: the UI scale the fonts were loaded at. `enabled` false: the disabled
/// look and no edits, for when there is no program to edit (an empty contact list is a program
/// being edited, so it cannot mean that). `boldFont`: for contact names; the current font if null.
LeadDiagramResult drawLeadDiagram(const char* id, const device::Lead& lead, const device::Ipg& ipg,
                                  const device::Program& current, const std::vector<double>& contactCurrentsMa,
                                  float scale, bool enabled = true, ImFont* boldFont = nullptr);

// ---- keyboard ----

enum class ShortcutKind {
    Adjust,             ///< move `setting` by `steps` of the generator's step
    ToggleStimulation,  ///< stimulation on/off
};

struct ShortcutAction {
    ShortcutKind kind = ShortcutKind::Adjust;
    Setting setting = Setting::Amplitude;
    int steps = 0;  ///< signed; 0 for ToggleStimulation
};

/// Keys as one frame saw them; "pressed" counts key repeats so holding a key keeps stepping.
struct ShortcutKeys {
    bool up = false, down = false, pageUp = false, pageDown = false, space = false;
    bool shift = false, ctrl = false, alt = false, super = false;
    bool textInput = false;  ///< a text field has the keyboard (ImGuiIO::WantTextInput)
    bool itemActive = false; ///< a widget is being dragged or edited (a slider held by the mouse)
};

/// Up/Down: amplitude +/- one step; Shift+Up/Down: pulse width; PageUp/PageDown: frequency;
/// Space: stimulation on/off. Nothing while typing, while a widget is active, or with Ctrl, Alt
/// or Super held (those belong to other shortcuts).
std::optional<ShortcutAction> programmerShortcut(const ShortcutKeys& keys);

/// programmerShortcut for this frame's ImGui keyboard state (1.86 KeysDown/KeyMap).
std::optional<ShortcutAction> readProgrammerShortcuts();

}  // namespace dbsprog::gui
