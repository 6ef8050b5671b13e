// The adjusters' arithmetic and the polarity colouring, without a window.
#include <gtest/gtest.h>

#include "dbsprog/device/catalog.hpp"
#include "dbsprog/device/check.hpp"
#include "dbsprog/device/program.hpp"
#include "gui/program_editing.hpp"

namespace dbsprog::gui {
namespace {

device::SteppedRange range(double min, double max, double step) {
    device::SteppedRange r;
    r.min = min;
    r.max = max;
    r.step = step;
    return r;
}

TEST(SteppedValue, MovesByWholeStepsAndStaysOnTheGrid) {
    const auto mA = range(0.0, 25.5, 0.1);
    EXPECT_NEAR(steppedValue(mA, 3.0, +1), 3.1, 1e-12);
    EXPECT_NEAR(steppedValue(mA, 3.0, -1), 2.9, 1e-12);
    // Thirty presses of + from 0 land exactly on 3.0, not on 2.9999999999999996.
    double value = 0.0;
    for (int i = 0; i < 30; ++i) value = steppedValue(mA, value, +1);
    EXPECT_NEAR(value, 3.0, 1e-12);
    EXPECT_TRUE(mA.onStep(value));
    EXPECT_NEAR(steppedValue(mA, 25.5, +1), 25.5, 1e-12);  // clamped at the top
    EXPECT_NEAR(steppedValue(mA, 0.0, -1), 0.0, 1e-12);    // and the bottom
}

TEST(SteppedValue, GridStartsAtTheMinimum) {
    const auto us = range(20.0, 450.0, 10.0);
    EXPECT_NEAR(steppedValue(us, 60.0, +1), 70.0, 1e-12);
    const auto hz = range(2.0, 250.0, 5.0);  // 2, 7, 12, ... 247
    EXPECT_NEAR(steppedValue(hz, 127.0, +1), 132.0, 1e-12);
    EXPECT_NEAR(steppedValue(hz, 247.0, +1), 247.0, 1e-12);  // 252 is past the top
}

TEST(SnappedToStep, RoundsToTheNearestValueInRange) {
    const auto volts = range(0.0, 10.5, 0.05);
    EXPECT_NEAR(snappedToStep(volts, 2.5123), 2.5, 1e-12);
    EXPECT_NEAR(snappedToStep(volts, 2.5251), 2.55, 1e-12);
    EXPECT_NEAR(snappedToStep(volts, 99.0), 10.5, 1e-12);
    EXPECT_NEAR(snappedToStep(volts, -3.0), 0.0, 1e-12);
}

TEST(DecimalsForStep, ShowsEveryGridValue) {
    EXPECT_EQ(decimalsForStep(0.1), 1);
    EXPECT_EQ(decimalsForStep(0.05), 2);
    EXPECT_EQ(decimalsForStep(10.0), 0);
    EXPECT_EQ(decimalsForStep(1.0), 0);
    EXPECT_EQ(decimalsForStep(0.25), 2);
}

TEST(WithSetting, ChangesOnlyThatSetting) {
    const device::Program p = device::parseProgram("C+ 1- 3.0mA 60us 130Hz");
    const device::Program q = withSetting(p, Setting::PulseWidth, 90.0);
    EXPECT_EQ(q.pulseWidthUs, 90.0);
    EXPECT_EQ(q.amplitude, p.amplitude);
    EXPECT_EQ(q.frequencyHz, p.frequencyHz);
    EXPECT_TRUE(q.contacts == p.contacts);
    EXPECT_EQ(settingValue(q, Setting::PulseWidth), 90.0);
    EXPECT_EQ(settingUnit(device::ControlMode::Voltage, Setting::Amplitude), "V");
    EXPECT_EQ(settingUnit(device::ControlMode::Current, Setting::Amplitude), "mA");
}

TEST(ContactStates, FollowTheValidatedProgram) {
    const device::Catalog catalog = device::loadCatalog(DBSPROG_TEST_MODELS_DIR);
    const device::Lead& lead = catalog.lead("3389");
    for (const device::Ipg& ipg : catalog.ipgs) {
        if (!ipg.currentMode) continue;
        SCOPED_TRACE(ipg.id);
        const auto report = device::checkProgram(device::parseProgram("1- 2+ 1.0mA 60us 130Hz"), lead, ipg);
        const auto states = contactStatesFor(lead, report);
        ASSERT_EQ(states.size(), lead.contacts.size());
        EXPECT_EQ(states[static_cast<std::size_t>(*lead.contactIndex("0"))], render::ContactState::Off);
        EXPECT_EQ(states[static_cast<std::size_t>(*lead.contactIndex("1"))], render::ContactState::Cathode);
        EXPECT_EQ(states[static_cast<std::size_t>(*lead.contactIndex("2"))], render::ContactState::Anode);
        EXPECT_EQ(states[static_cast<std::size_t>(*lead.contactIndex("3"))], render::ContactState::Off);
        return;
    }
    GTEST_SKIP() << "no current-mode generator in the catalogue";
}

}  // namespace
}  // namespace dbsprog::gui
