// Program -> contact currents, in particular voltage mode through the resistance matrix.
#include <gtest/gtest.h>

#include "dbsprog/device/catalog.hpp"
#include "dbsprog/field/homogeneous_conductor.hpp"
#include "dbsprog/field/stimulus.hpp"

using namespace dbsprog;

namespace {
const field::HomogeneousConductor& conductor() {
    static const auto cat = device::loadCatalog(DBSPROG_TEST_MODELS_DIR);
    static const field::HomogeneousConductor c(cat.lead("3389"));
    return c;
}
}  // namespace

TEST(Stimulus, CurrentModeSplitsTheAmplitudeByShares) {
    const Eigen::VectorXd i = field::contactCurrentsMa(device::parseProgram("C+ 1-60% 2-40% 3.0mA 60us 130Hz"), conductor());
    EXPECT_DOUBLE_EQ(i(1), -1.8);
    EXPECT_DOUBLE_EQ(i(2), -1.2);
    EXPECT_DOUBLE_EQ(i(0), 0.0);
}

TEST(Stimulus, MonopolarVoltageDrivesTissuePlusInterface) {
    const Eigen::MatrixXd r = conductor().contactPotentialsVPerMa();  // kilo-ohm
    const Eigen::VectorXd i = field::contactCurrentsMa(device::parseProgram("C+ 1- 2.0V 60us 130Hz"), conductor(), 400.0);
    EXPECT_NEAR(i(1), -2.0 / (r(1, 1) + 0.4), 1e-12);  // I = V / (R_tissue + R_interface)
    EXPECT_EQ(i(0), 0.0);
    // Linear in the voltage.
    const Eigen::VectorXd i2 = field::contactCurrentsMa(device::parseProgram("C+ 1- 4.0V 60us 130Hz"), conductor(), 400.0);
    EXPECT_NEAR(i2(1), 2.0 * i(1), 1e-12);
}

TEST(Stimulus, BipolarVoltageHasNoNetCurrentAndTwoContactsShareTheVoltage) {
    const Eigen::MatrixXd r = conductor().contactPotentialsVPerMa();
    const Eigen::VectorXd i = field::contactCurrentsMa(device::parseProgram("1- 2+ 3.0V 60us 130Hz"), conductor(), 400.0);
    EXPECT_NEAR(i.sum(), 0.0, 1e-12);  // nothing through the case
    EXPECT_LT(i(1), 0.0);
    // The potential difference between anode and cathode (tissue + both interfaces) is the amplitude.
    const double v1 = r(1, 1) * i(1) + r(1, 2) * i(2) + 0.4 * i(1), v2 = r(2, 1) * i(1) + r(2, 2) * i(2) + 0.4 * i(2);
    EXPECT_NEAR(v2 - v1, 3.0, 1e-9);
    // Bipolar impedance is about twice a monopolar one less the coupling: less current than monopolar.
    const Eigen::VectorXd mono = field::contactCurrentsMa(device::parseProgram("C+ 1- 3.0V 60us 130Hz"), conductor(), 400.0);
    EXPECT_LT(std::abs(i(1)), std::abs(mono(1)));
}

TEST(Stimulus, MonopolarImpedanceIsTheDiagonalPlusTheInterface) {
    const Eigen::VectorXd z = field::monopolarImpedancesOhm(conductor(), 400.0);
    EXPECT_NEAR(z(1), conductor().contactPotentialsVPerMa()(1, 1) * 1e3 + 400.0, 1e-9);
    EXPECT_NEAR(z(1), 556.4 + 400.0, 0.05 * 556.4);  // reference tissue resistance 556 ohm
}
