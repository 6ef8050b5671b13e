// End to end against the reference: dbsprog's own field (homogeneous BEM, 3389, sigma 0.2, floating
// contacts) and activation model give the MRG thresholds of shared/reference within 10 %.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "dbsprog/device/catalog.hpp"
#include "dbsprog/field/homogeneous_conductor.hpp"
#include "dbsprog/tissue/activation.hpp"

using namespace dbsprog;

TEST(ReferenceAxonThresholds, Mrg5p7umAt3mmWithin10Percent) {
    const auto catalog = device::loadCatalog(DBSPROG_TEST_MODELS_DIR);
    const field::HomogeneousConductor conductor(catalog.lead("3389"));  // sigma 0.2 S/m, floating contacts
    const auto params = tissue::defaultActivationParams(DBSPROG_TEST_MODELS_DIR);
    // The reference axon: 40 mm, perpendicular to the lead through contact 1's centre plane, 3 mm from
    // the axis, a node at the closest point (it starts a whole number of internodes from it).
    const tissue::Axon axon{{Eigen::Vector3d(3, -20, 4.25), Eigen::Vector3d(3, 20, 4.25)}, 5.7};
    tissue::ActivationEngine engine(conductor, {{"reference axon", {axon}}}, params);
    Eigen::VectorXd cathodic = Eigen::VectorXd::Zero(4);
    cathodic(1) = -1.0;

    std::ifstream in(std::string(DBSPROG_TEST_DATA_DIR) + "/reference/mrg_5.7um_3mm_thresholds.csv");
    std::string line;
    std::getline(in, line);
    int rows = 0;
    while (std::getline(in, line)) {
        std::vector<std::string> cells;
        std::stringstream ss(line);
        for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
        const double pw = std::stod(cells.at(3)), reference = std::stod(cells.at(5));
        const double model = engine.thresholdAmplitudes(cathodic, pw).at(0);
        std::printf("  %3.0f us: MRG %.4f mA, dbsprog %.4f mA (%+.2f %%)\n", pw, reference, model, 100 * (model / reference - 1));
        EXPECT_NEAR(model / reference, 1.0, 0.10) << pw << " us";
        ++rows;
    }
    EXPECT_EQ(rows, 5);
}
