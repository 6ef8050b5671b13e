// Charge, charge density, Shannon k, TEED and battery against the worked numbers in FACTS.md.
#include <gtest/gtest.h>

#include <cmath>

#include "dbsprog/device/catalog.hpp"
#include "dbsprog/device/check.hpp"
#include "dbsprog/error.hpp"

using namespace dbsprog;
using namespace dbsprog::device;

namespace {
const Catalog& catalog() {
    static const Catalog c = loadCatalog(DBSPROG_TEST_MODELS_DIR);
    return c;
}
double ring3389Cm2() { return catalog().lead("3389").contacts[1].areaCm2(); }

CheckReport check(const std::string& text, const std::string& lead, const std::string& ipg, double ohm = 1000.0) {
    return checkProgram(parseProgram(text), catalog().lead(lead), catalog().ipg(ipg), ohm);
}

bool hasWarning(const CheckReport& r, WarningKind kind) {
    for (const auto& w : r.warnings)
        if (w.kind == kind) return true;
    return false;
}
}  // namespace

TEST(ChargeDensity, Ring3389At30MatchesFacts) {
    // FACTS.md (derived): Q_max 1.795 uC; I_max 29.9 mA at 60 us, 19.9 at 90, 15.0 at 120, 8.55 at 210, 3.99 at 450.
    EXPECT_NEAR(maxChargeForDensityUc(ring3389Cm2(), 30.0), 1.795, 0.001);
    const std::pair<double, double> limits[] = {{60, 29.9}, {90, 19.9}, {120, 15.0}, {210, 8.55}, {450, 3.99}};
    for (auto [pw, imax] : limits) EXPECT_NEAR(maxCurrentForDensityMa(ring3389Cm2(), pw, 30.0), imax, 0.005 * imax) << pw;
}

TEST(ChargeDensity, SegmentAt30Is7p5mAAt60us) {
    // FACTS.md: a 90-degree segment of the 3389 ring at 30 uC/cm2: 7.5 mA at 60 us.
    EXPECT_NEAR(maxCurrentForDensityMa(ring3389Cm2() / 4.0, 60.0, 30.0), 7.5, 0.05);  // 7.48 unrounded
}

TEST(Shannon, ConservativeLimitOn3389Ring) {
    // FACTS.md: k = 1.5 on the 3389 ring allows Q_max 1.376 uC.
    EXPECT_NEAR(shannonMaxChargeUc(ring3389Cm2(), 1.5), 1.376, 0.001);
    // k is the inverse: the charge at the limit gives back k.
    EXPECT_NEAR(shannonK(shannonMaxChargeUc(ring3389Cm2(), 1.85), ring3389Cm2()), 1.85, 1e-12);
}

TEST(ChargeDensity, WarnsAbove30ButDoesNotRefuse) {
    // 19.9 mA at 90 us is just under 30 uC/cm2/phase on a 3389 ring, 20.0 mA just over.
    const auto below = check("C+ 1- 19.9mA 90us 130Hz", "3389", "percept-pc", 300.0);
    EXPECT_FALSE(hasWarning(below, WarningKind::ChargeDensity));
    const auto above = check("C+ 1- 20.0mA 90us 130Hz", "3389", "percept-pc", 300.0);
    ASSERT_TRUE(hasWarning(above, WarningKind::ChargeDensity));
    EXPECT_NEAR(above.contacts[0].chargeDensityUcPerCm2, 20.0 * 0.090 / ring3389Cm2(), 1e-9);
    EXPECT_NEAR(above.contacts[0].chargeUc, 1.8, 1e-12);
    EXPECT_NEAR(above.contacts[0].currentMa, -20.0, 1e-12);
    EXPECT_NEAR(above.caseCurrentMa, 20.0, 1e-12);
}

TEST(Shannon, WarningsAgainst1p5And1p85) {
    // Q = 1.376 uC is k = 1.5 on a 3389 ring; 1.4 uC is just above it, 2.2 uC above 1.85.
    const auto conservative = check("C+ 1- 14.0mA 100us 130Hz", "3389", "percept-pc", 300.0);  // 1.4 uC
    ASSERT_TRUE(conservative.maxShannonK.has_value());
    EXPECT_NEAR(*conservative.maxShannonK, std::log10(1.4 * 1.4 / ring3389Cm2()), 1e-12);
    EXPECT_TRUE(hasWarning(conservative, WarningKind::ShannonConservative));
    EXPECT_FALSE(hasWarning(conservative, WarningKind::ShannonDamage));
    const auto damage = check("C+ 1- 22.0mA 100us 130Hz", "3389", "percept-pc", 300.0);  // 2.2 uC, k 1.91
    EXPECT_TRUE(hasWarning(damage, WarningKind::ShannonDamage));
    const auto safe = check("C+ 1- 3.0mA 60us 130Hz", "3389", "percept-pc");
    EXPECT_TRUE(safe.warnings.empty());
    EXPECT_LT(*safe.maxShannonK, 1.5);
}

TEST(Shannon, ZeroAmplitudeHasNoK) {
    const auto r = check("C+ 1- 0.0mA 60us 130Hz", "3389", "percept-pc");
    EXPECT_FALSE(r.maxShannonK.has_value());
    EXPECT_DOUBLE_EQ(r.contacts[0].chargeUc, 0.0);
}

TEST(Currents, SharesSplitTheAmplitudeAndSegmentsCarryHigherDensity) {
    const auto r = check("C+ 2a-60% 2b-40% 2.0mA 60us 130Hz", "DB-2202", "vercise-genus-p16");
    ASSERT_EQ(r.contacts.size(), 2u);
    EXPECT_NEAR(r.contacts[0].currentMa, -1.2, 1e-12);
    EXPECT_NEAR(r.contacts[1].currentMa, -0.8, 1e-12);
    EXPECT_NEAR(r.caseCurrentMa, 2.0, 1e-12);
    // Same current on a segment (a quarter of a ring's area) gives four times the density.
    const auto ring = check("C+ 1- 1.2mA 60us 130Hz", "DB-2202", "vercise-genus-p16");
    EXPECT_NEAR(r.contacts[0].chargeDensityUcPerCm2 / ring.contacts[0].chargeDensityUcPerCm2, 4.0, 1e-9);
}

TEST(Currents, VoltageModeCurrentIsVOverImpedance) {
    const auto r = check("1- 2+ 2.5V 60us 130Hz", "3389", "percept-pc", 1250.0);
    EXPECT_NEAR(r.totalCurrentMa, 2.0, 1e-12);
    EXPECT_NEAR(r.contacts[0].currentMa, -2.0, 1e-12);
    EXPECT_NEAR(r.contacts[1].currentMa, 2.0, 1e-12);
    EXPECT_DOUBLE_EQ(r.caseCurrentMa, 0.0);
    // Linearity: doubling the impedance halves every current.
    const auto r2 = check("1- 2+ 2.5V 60us 130Hz", "3389", "percept-pc", 2500.0);
    EXPECT_NEAR(r2.contacts[0].currentMa, 0.5 * r.contacts[0].currentMa, 1e-12);
}

TEST(Currents, ImpedanceWarningsAndRefusal) {
    EXPECT_TRUE(hasWarning(check("C+ 1- 1.0V 60us 130Hz", "3389", "percept-pc", 40.0), WarningKind::Impedance));
    EXPECT_TRUE(hasWarning(check("C+ 1- 1.0V 60us 130Hz", "3389", "percept-pc", 2500.0), WarningKind::Impedance));
    EXPECT_FALSE(hasWarning(check("C+ 1- 1.0V 60us 130Hz", "3389", "percept-pc", 900.0), WarningKind::Impedance));
    EXPECT_THROW(check("C+ 1- 1.0V 60us 130Hz", "3389", "percept-pc", 0.0), InputError);
    EXPECT_THROW(check("C+ 1- 1.0V 60us 130Hz", "3389", "percept-pc", std::nan("")), InputError);
}

TEST(Currents, ComplianceWarningInCurrentMode) {
    // 12 mA into 1000 ohm needs 12 V; the assumed compliance of Vercise Genus is 12 V, Percept 10.5 V.
    EXPECT_FALSE(hasWarning(check("C+ 1- 12.0mA 60us 130Hz", "3389", "vercise-genus-p16"), WarningKind::Compliance));
    EXPECT_TRUE(hasWarning(check("C+ 1- 12.0mA 60us 130Hz", "3389", "percept-pc"), WarningKind::Compliance));
}

TEST(Teed, KossWorkedExamples) {
    // FACTS.md (derived): 3 V, 130 Hz, 60 us, 1000 ohm -> 70.2 uJ/s; 90 us -> 105.3; 3 V, 60 Hz, 450 us -> 243.
    EXPECT_NEAR(teedVoltageUjPerS(3.0, 130.0, 60.0, 1000.0), 70.2, 1e-9);
    EXPECT_NEAR(teedVoltageUjPerS(3.0, 130.0, 90.0, 1000.0), 105.3, 1e-9);
    EXPECT_NEAR(teedVoltageUjPerS(3.0, 60.0, 450.0, 1000.0), 243.0, 1e-9);
    // Current mode at I = V / R is the same energy.
    EXPECT_NEAR(teedCurrentUjPerS(3.0, 130.0, 60.0, 1000.0), 70.2, 1e-9);
    EXPECT_NEAR(check("C+ 1- 3.0V 60us 130Hz", "3389", "percept-pc").energy.teedUjPerS, 70.2, 1e-9);
    EXPECT_NEAR(check("C+ 1- 3.0mA 90us 130Hz", "3389", "percept-pc").energy.teedUjPerS, 105.3, 1e-9);
}

TEST(Battery, PrimaryLifeFallsWithEnergyAndRechargeableReportsAnInterval) {
    const auto low = check("C+ 1- 2.0V 60us 130Hz", "3389", "activa-pc");
    const auto high = check("C+ 1- 4.0V 120us 130Hz", "3389", "activa-pc");
    ASSERT_TRUE(low.energy.batteryLifeMonths && high.energy.batteryLifeMonths);
    EXPECT_GT(*low.energy.batteryLifeMonths, *high.energy.batteryLifeMonths);
    EXPECT_FALSE(low.energy.rechargeIntervalDays);
    const auto rc = check("C+ 1- 2.0V 60us 130Hz", "3389", "activa-rc");
    EXPECT_FALSE(rc.energy.batteryLifeMonths);
    ASSERT_TRUE(rc.energy.rechargeIntervalDays);
    // Drain = overhead + TEED / (efficiency * cell voltage): check the arithmetic once by hand.
    const Ipg& g = catalog().ipg("activa-rc");
    const double drainUa = g.battery.overheadCurrentUa + rc.energy.teedUjPerS / (g.battery.outputEfficiency * g.battery.cellVoltageV);
    EXPECT_NEAR(rc.energy.batteryCurrentUa, drainUa, 1e-9);
    EXPECT_NEAR(*rc.energy.rechargeIntervalDays, g.battery.capacityMah * 1e3 / drainUa / 24.0, 1e-9);
}

TEST(Battery, BilateralDystoniaSettingsFollowIsaias2009) {
    // The assumed battery parameters were chosen for this figure (stated in the generator file):
    // Isaias 2009, generators at 130 Hz replaced about every 24 months, none at 60 Hz within 48.
    // Bilateral 3.5 V, 120 us, 1000 ohm on a dual-channel primary generator.
    const Ipg& g = catalog().ipg("activa-pc");
    const double teed130 = teedVoltageUjPerS(3.5, 130.0, 120.0, 1000.0);
    const double teed60 = teedVoltageUjPerS(3.5, 60.0, 120.0, 1000.0);
    const double life130 = *estimateEnergy(g, {teed130, teed130}).batteryLifeMonths;
    const double life60 = *estimateEnergy(g, {teed60, teed60}).batteryLifeMonths;
    EXPECT_NEAR(life130, 24.0, 3.0);
    EXPECT_GT(life60, 48.0);
}
