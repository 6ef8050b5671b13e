// The programmer's lead diagram: the editing rules on ring and directional leads with single- and
// multiple-source generators, the widget driven through ImGui with a simulated mouse (no window
// is needed: ImGui runs on the CPU), and the keyboard shortcut map.
#include "gui/lead_diagram.hpp"

#include <gtest/gtest.h>
#include <imgui.h>

#include <cmath>
#include <random>
#include <set>
#include <string>

#include "dbsprog/device/check.hpp"
#include "dbsprog/error.hpp"

namespace dbsprog::gui {
namespace {

using device::ControlMode;
using device::Polarity;
using device::Program;

constexpr double kShareTolerance = 1e-9;  // shares are whole steps stored to 1e-9

device::Lead lead(const std::string& id) { return device::loadLead(std::string(DBSPROG_TEST_MODELS_DIR) + "/leads/" + id + ".json"); }
device::Ipg ipg(const std::string& id) { return device::loadIpg(std::string(DBSPROG_TEST_MODELS_DIR) + "/ipgs/" + id + ".json"); }

double share(const Program& p, const std::string& name) {
    for (const auto& c : p.contacts)
        if (c.name == name) return c.sharePercent;
    ADD_FAILURE() << name << " is not active in " << p.toString();
    return 0.0;
}

/// Each polarity's shares are positive and sum to 100; where the generator takes shares, each is a
/// whole number of share steps.
void expectSharesConsistent(const Program& p, const device::Ipg& generator) {
    for (const Polarity polarity : {Polarity::Cathode, Polarity::Anode}) {
        double sum = 0.0;
        int count = 0;
        for (const auto& c : p.contacts) {
            if (c.polarity != polarity) continue;
            ++count;
            sum += c.sharePercent;
            EXPECT_GT(c.sharePercent, 0.0) << p.toString();
            if (sharesEditable(generator, p.mode)) {
                const double steps = c.sharePercent / generator.shareStepPercent;
                EXPECT_NEAR(steps, std::round(steps), kShareTolerance) << c.name << " in " << p.toString();
            }
        }
        if (count > 0) {
            EXPECT_NEAR(sum, 100.0, kShareTolerance) << p.toString();
        }
    }
}

/// Case first, then lead contacts from the tip up, each once: the order programmers write.
void expectLeadOrder(const Program& p, const device::Lead& l) {
    int previous = -1;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < p.contacts.size(); ++i) {
        const auto& c = p.contacts[i];
        EXPECT_TRUE(seen.insert(c.name).second) << "duplicate " << c.name << " in " << p.toString();
        if (c.isCase()) {
            EXPECT_EQ(i, 0u) << p.toString();
            continue;
        }
        const auto index = l.contactIndex(c.name);
        ASSERT_TRUE(index) << c.name;
        EXPECT_GT(*index, previous) << p.toString();
        previous = *index;
    }
}

// ---- cycle order and the case, rings (3389) on a single-source generator (Activa PC) ----

TEST(LeadDiagramRules, RingContactCyclesOffCathodeAnodeOff) {
    const auto l = lead("3389");
    const auto g = ipg("activa-pc");
    const Program start = device::parseProgram("C+ 1- 3.0mA 60us 130Hz");

    const Program cathode = cycleContact(start, l, g, "2");
    EXPECT_EQ(cathode.toString(), "C+ 1- 2- 3.0mA 60us 130Hz");
    EXPECT_EQ(contactState(cathode, "2"), TileState::Cathode);
    EXPECT_DOUBLE_EQ(share(cathode, "1"), 50.0);
    EXPECT_DOUBLE_EQ(share(cathode, "2"), 50.0);
    EXPECT_NO_THROW(device::validateProgram(cathode, l, g));

    const Program anode = cycleContact(cathode, l, g, "2");
    EXPECT_EQ(anode.toString(), "C+ 1- 2+ 3.0mA 60us 130Hz");
    EXPECT_DOUBLE_EQ(share(anode, "1"), 100.0);
    EXPECT_DOUBLE_EQ(share(anode, "C"), 50.0);
    EXPECT_DOUBLE_EQ(share(anode, "2"), 50.0);
    EXPECT_NO_THROW(device::validateProgram(anode, l, g));

    const Program off = cycleContact(anode, l, g, "2");
    EXPECT_EQ(off, start);
}

TEST(LeadDiagramRules, NewContactsGoInLeadOrder) {
    const auto l = lead("3389");
    const auto g = ipg("activa-pc");
    Program p = device::parseProgram("C+ 2- 3.0mA 60us 130Hz");
    p = cycleContact(p, l, g, "3");
    p = cycleContact(p, l, g, "0");
    EXPECT_EQ(p.toString(), "C+ 0- 2- 3- 3.0mA 60us 130Hz");
    for (const auto& c : p.contacts) {
        if (c.polarity == Polarity::Cathode) {
            EXPECT_NEAR(c.sharePercent, 100.0 / 3.0, kShareTolerance);
        }
    }
}

TEST(LeadDiagramRules, CaseTogglesBetweenAnodeAndOff) {
    const auto l = lead("3389");
    const auto g = ipg("activa-pc");
    EXPECT_EQ(nextState(TileState::Off, true), TileState::Anode);
    EXPECT_EQ(nextState(TileState::Anode, true), TileState::Off);
    EXPECT_EQ(nextState(TileState::Cathode, true), TileState::Off);  // "C-" typed in text

    const Program monopolar = device::parseProgram("C+ 1- 3.0mA 60us 130Hz");
    const Program caseOff = cycleContact(monopolar, l, g, "C");
    EXPECT_EQ(caseOff.toString(), "1- 3.0mA 60us 130Hz");
    ASSERT_TRUE(missingPole(caseOff));
    EXPECT_NE(missingPole(caseOff)->find("No anode"), std::string::npos);

    // Bipolar: a lead anode instead of the case.
    const Program bipolar = setContact(caseOff, l, g, "2", TileState::Anode);
    EXPECT_EQ(bipolar.toString(), "1- 2+ 3.0mA 60us 130Hz");
    EXPECT_FALSE(missingPole(bipolar));
    EXPECT_NO_THROW(device::validateProgram(bipolar, l, g));
    EXPECT_FALSE(bipolar.monopolar());

    // Back on (lower-case name accepted), first in the text.
    const Program again = cycleContact(bipolar, l, g, "c");
    EXPECT_EQ(again.toString(), "C+ 1- 2+ 3.0mA 60us 130Hz");
    EXPECT_TRUE(again.monopolar());
    EXPECT_DOUBLE_EQ(share(again, "C"), 50.0);
}

TEST(LeadDiagramRules, RemovingTheLastCathodeReturnsTheProgramForTheCallerToRefuse) {
    const auto l = lead("3389");
    const auto g = ipg("activa-pc");
    const Program p = cycleContact(device::parseProgram("C+ 1- 3.0mA 60us 130Hz"), l, g, "1");
    EXPECT_EQ(p.toString(), "C+ 1+ 3.0mA 60us 130Hz");
    ASSERT_TRUE(missingPole(p));
    EXPECT_NE(missingPole(p)->find("No cathode"), std::string::npos);
    const Program empty = cycleContact(cycleContact(p, l, g, "1"), l, g, "C");
    EXPECT_TRUE(empty.contacts.empty());
    EXPECT_TRUE(missingPole(empty));
}

TEST(LeadDiagramRules, UnknownContactOrLevelIsRefused) {
    const auto l = lead("3389");
    const auto g = ipg("activa-pc");
    const Program p = device::parseProgram("C+ 1- 3.0mA 60us 130Hz");
    EXPECT_THROW(cycleContact(p, l, g, "9"), InputError);
    EXPECT_THROW(cycleContact(p, l, g, "2a"), InputError);
    EXPECT_THROW(setLevel(p, l, g, 4, TileState::Cathode), InputError);
    EXPECT_THROW(setLevel(p, l, g, -1, TileState::Cathode), InputError);
}

TEST(LeadDiagramRules, VoltageModeSplitsEquallyWithoutShares) {
    const auto l = lead("3389");
    const auto g = ipg("activa-pc");
    const Program p = cycleContact(device::parseProgram("C+ 1- 2.5V 60us 130Hz"), l, g, "2");
    EXPECT_EQ(p.toString(), "C+ 1- 2- 2.5V 60us 130Hz");
    EXPECT_NO_THROW(device::validateProgram(p, l, g));
    EXPECT_EQ(stepShare(p, g, "1", 1), p);
}

// ---- directional levels ----

TEST(LeadDiagramRules, LevelLabelsAsVendorsWriteThem) {
    const auto sensight = lead("b33005");
    EXPECT_EQ(levelLabel(sensight, 0), "0");
    EXPECT_EQ(levelLabel(sensight, 1), "1");
    EXPECT_EQ(levelLabel(sensight, 2), "2");
    EXPECT_EQ(levelLabel(sensight, 3), "3");
    const auto vercise = lead("db-2202");
    EXPECT_EQ(levelLabel(vercise, 0), "1");
    EXPECT_EQ(levelLabel(vercise, 1), "2");
    EXPECT_EQ(levelLabel(vercise, 3), "4");
}

TEST(LeadDiagramRules, LevelLabelSetsAllThreeSegmentsOnSingleSource) {
    const auto l = lead("b33005");
    const auto g = ipg("activa-pc");
    const Program start = device::parseProgram("C+ 0- 3.0mA 60us 130Hz");

    const Program ring = cycleLevel(start, l, g, 1);
    EXPECT_EQ(ring.toString(), "C+ 0- 1a- 1b- 1c- 3.0mA 60us 130Hz");
    EXPECT_EQ(levelState(ring, l, 1), TileState::Cathode);
    for (const char* name : {"0", "1a", "1b", "1c"}) EXPECT_DOUBLE_EQ(share(ring, name), 25.0);
    EXPECT_NO_THROW(device::validateProgram(ring, l, g));

    const Program anodes = cycleLevel(ring, l, g, 1);
    EXPECT_EQ(anodes.toString(), "C+ 0- 1a+ 1b+ 1c+ 3.0mA 60us 130Hz");
    EXPECT_DOUBLE_EQ(share(anodes, "C"), 25.0);
    EXPECT_NO_THROW(device::validateProgram(anodes, l, g));
    EXPECT_EQ(cycleLevel(anodes, l, g, 1), start);

    // A mixed level becomes all cathode; a single source takes no shares, so stepping does nothing.
    const Program mixed = setContact(setContact(start, l, g, "2b", TileState::Anode), l, g, "2a", TileState::Cathode);
    EXPECT_FALSE(levelState(mixed, l, 2));
    const Program whole = cycleLevel(mixed, l, g, 2);
    EXPECT_EQ(whole.toString(), "C+ 0- 2a- 2b- 2c- 3.0mA 60us 130Hz");
    EXPECT_EQ(stepShare(whole, g, "2a", 1), whole);
    EXPECT_NO_THROW(device::validateProgram(whole, l, g));
}

// ---- shares on a multiple-source generator (Vercise Genus, 1 % steps) ----

TEST(LeadDiagramRules, AutomaticSplitStaysOnTheShareStep) {
    const auto l = lead("db-2202");
    const auto g = ipg("vercise-genus-p16");
    ASSERT_TRUE(g.multipleSources);
    const Program start = device::parseProgram("C+ 1- 3.0mA 60us 130Hz");

    const Program four = cycleLevel(start, l, g, 1);
    EXPECT_EQ(four.toString(), "C+ 1- 2a- 2b- 2c- 3.0mA 60us 130Hz");  // 25 % each needs no shares written
    expectSharesConsistent(four, g);

    // Three cathodes cannot be 33.3 % on a 1 % step: 34/33/33, written out.
    const Program three = cycleContact(four, l, g, "1");
    EXPECT_EQ(three.toString(), "C+ 1+ 2a-34% 2b-33% 2c-33% 3.0mA 60us 130Hz");
    expectSharesConsistent(three, g);
    EXPECT_NO_THROW(device::validateProgram(three, l, g));
    // The text reads back as the same program.
    EXPECT_EQ(device::parseProgram(three.toString()), three);
}

TEST(LeadDiagramRules, StepShareMovesOneContactAndTheOthersMakeRoom) {
    const auto l = lead("db-2202");
    const auto g = ipg("vercise-genus-p16");
    // Parsed without shares: 33.33 % each, brought onto the step by the first edit.
    const Program start = device::parseProgram("C+ 2a- 2b- 2c- 3.0mA 60us 130Hz");

    const Program up = stepShare(start, g, "2a", 1);
    EXPECT_EQ(up.toString(), "C+ 2a-35% 2b-33% 2c-32% 3.0mA 60us 130Hz");
    expectSharesConsistent(up, g);
    EXPECT_NO_THROW(device::validateProgram(up, l, g));

    const Program floor = stepShare(up, g, "2a", -1000);  // clamped: never below one step
    EXPECT_EQ(floor.toString(), "C+ 2a-1% 2b-50% 2c-49% 3.0mA 60us 130Hz");
    expectSharesConsistent(floor, g);
    EXPECT_EQ(stepShare(floor, g, "2a", -1), floor);

    const Program ceiling = stepShare(up, g, "2b", 1000);  // leaves one step for each other contact
    EXPECT_DOUBLE_EQ(share(ceiling, "2b"), 98.0);
    EXPECT_DOUBLE_EQ(share(ceiling, "2a"), 1.0);
    EXPECT_DOUBLE_EQ(share(ceiling, "2c"), 1.0);
    EXPECT_NO_THROW(device::validateProgram(ceiling, l, g));

    // A contact alone in its polarity, an inactive one, or a single-source generator: unchanged.
    EXPECT_EQ(stepShare(up, g, "C", 1), up);
    EXPECT_EQ(stepShare(up, g, "4", 1), up);
    EXPECT_EQ(stepShare(up, ipg("activa-pc"), "2a", 1), up);
    EXPECT_FALSE(sharesEditable(g, ControlMode::Voltage));
}

TEST(LeadDiagramRules, SharesTheUserSetKeepTheirProportions) {
    const auto l = lead("db-2202");
    const auto g = ipg("vercise-genus-p16");
    const Program start = device::parseProgram("C+ 2a-60% 2b-40% 2.0mA 60us 130Hz");

    // 2c joins with a third; 2a and 2b share the rest 60:40.
    const Program joined = cycleContact(start, l, g, "2c");
    EXPECT_EQ(joined.toString(), "C+ 2a-40% 2b-27% 2c-33% 2.0mA 60us 130Hz");
    expectSharesConsistent(joined, g);

    // 2c moves to the anodes: 2a and 2b are back to 60:40; the case and 2c split the anode 50:50.
    const Program left = cycleContact(joined, l, g, "2c");
    EXPECT_EQ(left.toString(), "C+ 2a-60% 2b-40% 2c+ 2.0mA 60us 130Hz");
    EXPECT_DOUBLE_EQ(share(left, "2c"), 50.0);
    EXPECT_NO_THROW(device::validateProgram(left, l, g));

    // Stepped to an even split the shares are no longer the user's: a newcomer re-splits equally.
    const Program even = stepShare(left, g, "2a", -10);
    EXPECT_EQ(even.toString(), "C+ 2a- 2b- 2c+ 2.0mA 60us 130Hz");
    const Program added = cycleContact(even, l, g, "1");
    EXPECT_EQ(added.toString(), "C+ 1-34% 2a-33% 2b-33% 2c+ 2.0mA 60us 130Hz");
    expectSharesConsistent(added, g);
    EXPECT_NO_THROW(device::validateProgram(added, l, g));
}

TEST(LeadDiagramRules, SharesOnMultipleSourcesWithTheSenSightLead) {
    const auto l = lead("b33005");
    const auto g = ipg("vercise-genus-r16");
    Program p = cycleLevel(device::parseProgram("C+ 0- 2.0mA 60us 130Hz"), l, g, 2);
    p = cycleContact(p, l, g, "0");  // 0 to anode: three segment cathodes
    EXPECT_EQ(p.toString(), "C+ 0+ 2a-34% 2b-33% 2c-33% 2.0mA 60us 130Hz");
    p = stepShare(p, g, "C", 5);
    EXPECT_EQ(p.toString(), "C+55% 0+45% 2a-34% 2b-33% 2c-33% 2.0mA 60us 130Hz");
    expectSharesConsistent(p, g);
    EXPECT_NO_THROW(device::validateProgram(p, l, g));
}

/// Many edits in a fixed pseudo-random order: the invariants hold after every one.
void randomEdits(const std::string& leadId, const std::string& ipgId, const char* startText, unsigned seed) {
    const auto l = lead(leadId);
    const auto g = ipg(ipgId);
    std::mt19937 random(seed);
    Program p = device::parseProgram(startText);
    std::vector<std::string> names{"C"};
    for (const auto& c : l.contacts) names.push_back(c.name);
    constexpr int kEdits = 400;
    for (int i = 0; i < kEdits; ++i) {
        const int kind = static_cast<int>(random() % 3);
        if (kind == 0) {
            p = cycleContact(p, l, g, names[random() % names.size()]);
        } else if (kind == 1) {
            p = cycleLevel(p, l, g, static_cast<int>(random() % static_cast<unsigned>(l.levelCount())));
        } else if (!p.contacts.empty()) {
            const int steps = static_cast<int>(random() % 11) - 5;
            p = stepShare(p, g, p.contacts[random() % p.contacts.size()].name, steps);
        }
        SCOPED_TRACE("edit " + std::to_string(i) + ": " + p.toString());
        expectSharesConsistent(p, g);
        expectLeadOrder(p, l);
        if (!missingPole(p)) {
            EXPECT_NO_THROW(device::validateProgram(p, l, g));
        }
        if (::testing::Test::HasFailure()) return;
    }
}

TEST(LeadDiagramRules, InvariantsHoldOverManyEdits) {
    randomEdits("db-2202", "vercise-genus-p16", "C+ 1- 2.0mA 60us 130Hz", 20240501u);
    randomEdits("b33005", "vercise-genus-p16", "C+ 0- 2.0mA 60us 130Hz", 7u);
    randomEdits("b33005", "activa-pc", "C+ 0- 3.0mA 60us 130Hz", 11u);
    randomEdits("3389", "activa-pc", "C+ 1- 3.0V 60us 130Hz", 3u);
}

TEST(LeadDiagramRules, ContactCurrentsInLeadOrder) {
    const auto l = lead("3389");
    const auto report = device::checkProgram(device::parseProgram("C+ 2- 1- 3.0mA 60us 130Hz"), l, ipg("activa-pc"));
    const auto currents = contactCurrentsFor(l, report);
    ASSERT_EQ(currents.size(), 4u);
    EXPECT_DOUBLE_EQ(currents[0], 0.0);
    EXPECT_NEAR(currents[1], -1.5, 1e-12);
    EXPECT_NEAR(currents[2], -1.5, 1e-12);
    EXPECT_DOUBLE_EQ(currents[3], 0.0);
}

// ---- keyboard ----

TEST(LeadDiagramShortcuts, KeysMapToAdjustments) {
    ShortcutKeys keys;
    EXPECT_FALSE(programmerShortcut(keys));

    keys.up = true;
    auto action = programmerShortcut(keys);
    ASSERT_TRUE(action);
    EXPECT_EQ(action->kind, ShortcutKind::Adjust);
    EXPECT_EQ(action->setting, Setting::Amplitude);
    EXPECT_EQ(action->steps, 1);

    keys = {};
    keys.down = keys.shift = true;
    action = programmerShortcut(keys);
    ASSERT_TRUE(action);
    EXPECT_EQ(action->setting, Setting::PulseWidth);
    EXPECT_EQ(action->steps, -1);

    keys = {};
    keys.pageDown = true;
    action = programmerShortcut(keys);
    ASSERT_TRUE(action);
    EXPECT_EQ(action->setting, Setting::Frequency);
    EXPECT_EQ(action->steps, -1);

    keys = {};
    keys.space = true;
    action = programmerShortcut(keys);
    ASSERT_TRUE(action);
    EXPECT_EQ(action->kind, ShortcutKind::ToggleStimulation);
}

TEST(LeadDiagramShortcuts, NothingWhileTypingOrWithModifiers) {
    ShortcutKeys keys;
    keys.up = true;
    keys.textInput = true;
    EXPECT_FALSE(programmerShortcut(keys));
    keys.textInput = false;
    keys.itemActive = true;
    EXPECT_FALSE(programmerShortcut(keys));
    keys.itemActive = false;
    keys.ctrl = true;
    EXPECT_FALSE(programmerShortcut(keys));
    keys.ctrl = false;
    keys.down = true;  // up and down together cancel
    EXPECT_FALSE(programmerShortcut(keys));
}

// ---- the widget, driven with a simulated mouse ----

/// An ImGui context with a built font atlas; frames are run without rendering.
class DiagramHarness {
public:
    DiagramHarness() {
        context_ = ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.DisplaySize = ImVec2(kWidthPx, kHeightPx);
        io.DeltaTime = kFrameS;
        unsigned char* pixels = nullptr;
        int width = 0, height = 0;
        io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
    }
    ~DiagramHarness() { ImGui::DestroyContext(context_); }
    DiagramHarness(const DiagramHarness&) = delete;
    DiagramHarness& operator=(const DiagramHarness&) = delete;

    LeadDiagramResult frame(const device::Lead& l, const device::Ipg& g, const Program& p, ImVec2 mouse, bool down,
                            bool enabled = true, const std::vector<double>& currents = {}) {
        ImGuiIO& io = ImGui::GetIO();
        io.MousePos = mouse;
        io.MouseDown[0] = down;
        ImGui::NewFrame();
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(io.DisplaySize);
        ImGui::Begin("diagram", nullptr, ImGuiWindowFlags_NoDecoration);
        LeadDiagramResult result = drawLeadDiagram("lead", l, g, p, currents, 1.0f, enabled);
        ImGui::End();
        ImGui::Render();
        return result;
    }

    /// Hover, press, release at `point`; the result of the release frame.
    LeadDiagramResult click(const device::Lead& l, const device::Ipg& g, const Program& p, ImVec2 point, bool enabled = true) {
        frame(l, g, p, point, false, enabled);
        frame(l, g, p, point, true, enabled);
        return frame(l, g, p, point, false, enabled);
    }

    static constexpr float kWidthPx = 600.0f;
    static constexpr float kHeightPx = 900.0f;
    static constexpr float kFrameS = 1.0f / 60.0f;

private:
    ImGuiContext* context_ = nullptr;
};

const DiagramHitBox* findBox(const LeadDiagramResult& result, const std::string& contact, int level = -1) {
    for (const auto& box : result.hitBoxes)
        if (box.contact == contact && box.level == level) return &box;
    return nullptr;
}

ImVec2 centreOf(const DiagramHitBox& box) { return {0.5f * (box.minX + box.maxX), 0.5f * (box.minY + box.maxY)}; }

TEST(LeadDiagramWidget, EveryContactTheCaseAndEachDirectionalLevelIsClickable) {
    DiagramHarness harness;
    const auto l = lead("db-2202");
    const auto g = ipg("vercise-genus-p16");
    const auto result = harness.frame(l, g, device::parseProgram("C+ 1- 2.0mA 60us 130Hz"), {-1, -1}, false);
    for (const auto& c : l.contacts) EXPECT_TRUE(findBox(result, c.name)) << c.name;
    EXPECT_TRUE(findBox(result, "C"));
    EXPECT_TRUE(findBox(result, "", 1));
    EXPECT_TRUE(findBox(result, "", 2));
    EXPECT_FALSE(findBox(result, "", 0));  // the tip contact is its own level: no label
    // Proximal levels above distal ones, segments a, b, c left to right.
    EXPECT_LT(findBox(result, "4")->maxY, findBox(result, "3a")->minY);
    EXPECT_LT(findBox(result, "2a")->maxY, findBox(result, "1")->minY);
    EXPECT_LT(findBox(result, "2a")->maxX, findBox(result, "2b")->minX);
    EXPECT_LT(findBox(result, "2b")->maxX, findBox(result, "2c")->minX);
    EXPECT_LT(findBox(result, "C")->maxY, findBox(result, "4")->minY);
}

TEST(LeadDiagramWidget, ClicksCycleContactsLevelsAndTheCase) {
    DiagramHarness harness;
    const auto l = lead("3389");
    const auto g = ipg("activa-pc");
    const Program p = device::parseProgram("C+ 1- 3.0mA 60us 130Hz");
    const auto boxes = harness.frame(l, g, p, {-1, -1}, false);

    const auto onTwo = harness.click(l, g, p, centreOf(*findBox(boxes, "2")));
    ASSERT_TRUE(onTwo.edited);
    EXPECT_EQ(onTwo.edited->toString(), "C+ 1- 2- 3.0mA 60us 130Hz");

    const auto onCase = harness.click(l, g, p, centreOf(*findBox(boxes, "C")));
    ASSERT_TRUE(onCase.edited);
    EXPECT_EQ(onCase.edited->toString(), "1- 3.0mA 60us 130Hz");

    // Hovering alone edits nothing; a disabled diagram edits nothing.
    EXPECT_FALSE(harness.frame(l, g, p, centreOf(*findBox(boxes, "2")), false).edited);
    EXPECT_FALSE(harness.click(l, g, p, centreOf(*findBox(boxes, "2")), false).edited);

    const auto directional = lead("b33005");
    const Program q = device::parseProgram("C+ 0- 3.0mA 60us 130Hz");
    const auto levelBoxes = harness.frame(directional, g, q, {-1, -1}, false);
    const auto onLevel = harness.click(directional, g, q, centreOf(*findBox(levelBoxes, "", 2)));
    ASSERT_TRUE(onLevel.edited);
    EXPECT_EQ(onLevel.edited->toString(), "C+ 0- 2a- 2b- 2c- 3.0mA 60us 130Hz");
}

TEST(LeadDiagramWidget, ShareButtonsStepOnMultipleSources) {
    DiagramHarness harness;
    const auto l = lead("db-2202");
    const auto g = ipg("vercise-genus-p16");
    const Program p = device::parseProgram("C+ 2a-34% 2b-33% 2c-33% 2.0mA 60us 130Hz");
    const auto boxes = harness.frame(l, g, p, {-1, -1}, false);
    const DiagramHitBox& tile = *findBox(boxes, "2b");
    constexpr float kInsetPx = 8.0f;  // inside the 18 px -/+ boxes at the tile's bottom corners

    const auto raised = harness.click(l, g, p, {tile.maxX - kInsetPx, tile.maxY - kInsetPx});
    ASSERT_TRUE(raised.edited);
    EXPECT_EQ(raised.edited->toString(), "C+ 2a-33% 2b-34% 2c-33% 2.0mA 60us 130Hz");

    const auto lowered = harness.click(l, g, p, {tile.minX + kInsetPx, tile.maxY - kInsetPx});
    ASSERT_TRUE(lowered.edited);
    EXPECT_EQ(lowered.edited->toString(), "C+ 2a-35% 2b-32% 2c-33% 2.0mA 60us 130Hz");

    // The rest of the tile still cycles it.
    const auto cycled = harness.click(l, g, p, {0.5f * (tile.minX + tile.maxX), tile.minY + kInsetPx});
    ASSERT_TRUE(cycled.edited);
    EXPECT_EQ(contactState(*cycled.edited, "2b"), TileState::Anode);
}

}  // namespace
}  // namespace dbsprog::gui
