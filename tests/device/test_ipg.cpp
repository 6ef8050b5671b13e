// Pulse generator catalogue: every shipped file, the three families, malformed files.
#include <gtest/gtest.h>

#include <filesystem>

#include "dbsprog/device/catalog.hpp"
#include "dbsprog/error.hpp"

using namespace dbsprog;
using namespace dbsprog::device;

namespace {
const Catalog& catalog() {
    static const Catalog c = loadCatalog(DBSPROG_TEST_MODELS_DIR);
    return c;
}

const char* kValid = R"({"id":"g","manufacturer":"M","model":"m","control_modes":["current"],
  "amplitude_mA":{"min":0,"max":20,"step":0.1},"pulse_width_us":{"min":10,"max":450,"step":10},
  "frequency_Hz":{"min":2,"max":255,"step":1},"max_contact_current_mA":12.7,"max_total_current_mA":20,
  "multiple_current_sources":true,"share_step_percent":1,"channels":2,"ramp_s":4,
  "battery":{"kind":"primary","capacity_mAh":4000,"cell_voltage_V":3.2,"output_efficiency":0.5,"overhead_current_uA":15},
  "sources":["t"]})";

std::string ipgError(const std::string& json) {
    try {
        parseIpg(json, "bad_ipg.json");
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
    const auto pos = s.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    return s.replace(pos, from.size(), to);
}
}  // namespace

TEST(IpgCatalog, EveryShippedFileLoadsAndStatesItsAssumptions) {
    size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(std::string(DBSPROG_TEST_MODELS_DIR) + "/ipgs")) {
        const Ipg g = loadIpg(entry.path().string());
        EXPECT_FALSE(g.sources.empty()) << entry.path();
        EXPECT_FALSE(g.assumptions.empty()) << entry.path() << ": battery capacities are assumed and must say so";
        EXPECT_TRUE(g.currentMode || g.voltageMode);
        ++files;
    }
    EXPECT_EQ(files, catalog().ipgs.size());
}

TEST(IpgCatalog, HasOneOfEachFamily) {
    const Ipg& medtronic = catalog().ipg("percept-pc");
    EXPECT_TRUE(medtronic.currentMode && medtronic.voltageMode);
    EXPECT_FALSE(medtronic.multipleSources);
    EXPECT_DOUBLE_EQ(medtronic.pulseWidthUs.min, 20.0);  // FACTS.md: Percept down to 20 us

    const Ipg& boston = catalog().ipg("vercise-genus-p16");
    EXPECT_TRUE(boston.currentMode && !boston.voltageMode);
    EXPECT_TRUE(boston.multipleSources);
    EXPECT_DOUBLE_EQ(boston.maxContactCurrentMa, 12.7);  // Vercise manual via FACTS.md
    EXPECT_DOUBLE_EQ(boston.maxTotalCurrentMa, 20.0);
    EXPECT_DOUBLE_EQ(boston.frequencyHz.max, 255.0);
    EXPECT_DOUBLE_EQ(boston.pulseWidthUs.min, 10.0);

    const Ipg& abbott = catalog().ipg("infinity-7");
    EXPECT_TRUE(abbott.currentMode && !abbott.voltageMode);
    EXPECT_FALSE(abbott.multipleSources);

    EXPECT_EQ(catalog().ipg("activa-rc").battery.kind, BatteryKind::Rechargeable);
    EXPECT_EQ(catalog().ipg("vercise-genus-r16").battery.kind, BatteryKind::Rechargeable);
    EXPECT_EQ(catalog().ipg("activa-pc").battery.kind, BatteryKind::Primary);
}

TEST(IpgFiles, MalformedFilesNameTheFileAndTheField) {
    struct Case { std::string json, field; };
    const std::vector<Case> cases = {
        {replaced(kValid, R"("control_modes":["current"])", R"("control_modes":["magic"])"), "control_modes"},
        {replaced(kValid, R"("max":20,)", R"("max":-20,)"), "amplitude_mA.max"},
        {replaced(kValid, R"("max":450,)", R"("max":455,)"), "pulse_width_us.max"},  // off the 10 us grid
        {replaced(kValid, R"("step":1},)", R"("step":0},)"), "frequency_Hz.step"},
        {replaced(kValid, R"("max_contact_current_mA":12.7,)", ""), "max_contact_current_mA"},
        {replaced(kValid, R"("kind":"primary")", R"("kind":"nuclear")"), "battery.kind"},
        {replaced(kValid, R"("capacity_mAh":4000)", R"("capacity_mAh":"big")"), "battery.capacity_mAh"},
        {replaced(kValid, R"("channels":2)", R"("channels":2.5)"), "channels"},
        {replaced(kValid, R"("ramp_s":4)", R"("ramp_s":-1)"), "ramp_s"},
        {replaced(kValid, R"("ramp_s":4,)", ""), "ramp_s"},
        {replaced(kValid, R"("control_modes":["current"])", R"("control_modes":["voltage"])"), "amplitude_V"},
    };
    for (const auto& c : cases) {
        const std::string msg = ipgError(c.json);
        EXPECT_NE(msg.find("bad_ipg.json"), std::string::npos) << msg;
        EXPECT_NE(msg.find(c.field), std::string::npos) << "expected field " << c.field << " in: " << msg;
    }
    EXPECT_EQ(ipgError(kValid), "");
}

TEST(SteppedRange, StepsAreCountedFromTheMinimumWithDecimalTolerance) {
    const SteppedRange volts{0.0, 10.5, 0.05};
    EXPECT_TRUE(volts.onStep(2.55));
    EXPECT_TRUE(volts.onStep(0.1 + 0.2));  // binary rounding of a decimal value
    EXPECT_FALSE(volts.onStep(2.56));
    EXPECT_TRUE(volts.contains(10.5));
    EXPECT_FALSE(volts.contains(10.55));
    const SteppedRange freq{2.0, 255.0, 1.0};
    EXPECT_TRUE(freq.onStep(130.0));
    EXPECT_FALSE(freq.onStep(130.5));
}
