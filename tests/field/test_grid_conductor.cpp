// The grid conductor (heterogeneous tissue, nested finite-volume grids): accuracy against the
// finite-element reference and the boundary-element model, far field, two-region and encapsulation
// checks against closed forms, linearity, reciprocity, solver convergence, cache and threads, tissue files.
//
// Convergence study behind the default discretisation (3389, contact 1, sigma 0.2 S/m, floating
// inactive contacts; errors against the reference CSV on rays at 0/30/45/71 deg in the plane of
// contact 1, and against the boundary-element model at 3000 random points 1.5-10 mm from the axis):
//   fine spacing   margin cells   unknowns   impedance   |E| 1.5-10 mm (rays)   |E| at 1 mm   |E| vs BEM max / p99
//   0.10 mm        8              228k       +0.90%      1.1%                   1.5%          2.0% / 1.3%
//   0.10 mm        6              153k       +0.90%      1.1%                   1.5%          2.1% / 1.4%
//   0.05 mm        8              665k       +0.71%      1.5%                   1.1%          -
//   0.05 mm        6              530k       +0.70%      1.8%                   1.1%          2.1% / 1.3%
// The patch interfaces, not the fine spacing, set the |E| error away from the lead, so ring leads
// use 0.1 mm. On a directional lead (6172) 0.1 mm leaves up to 10% |E| error (p99 4%) next to the
// segments at 120/240 deg whose edges cross the grid obliquely, 0.05 mm 4% (p99 2%): directional
// leads use 0.05 mm. (Segment "a", aligned with the grid: 2% either way.)
#include <gtest/gtest.h>

#include <stdlib.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "dbsprog/device/catalog.hpp"
#include "dbsprog/error.hpp"
#include "dbsprog/field/grid_conductor.hpp"
#include "dbsprog/field/homogeneous_conductor.hpp"
#include "dbsprog/field/tissue_model.hpp"
#include "../tissue/radial_reference_conductor.hpp"

using namespace dbsprog;
using namespace dbsprog::field;

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kSigma = 0.2;  // S/m, the reference solution's tissue

const device::Catalog& catalog() {
    static const device::Catalog c = device::loadCatalog(DBSPROG_TEST_MODELS_DIR);
    return c;
}

const device::Lead& lead3389() { return catalog().lead("3389"); }

GridSettings homogeneousSettings(double sigma = kSigma) {
    GridSettings s;
    s.tissue = TissueModel::homogeneous(sigma);
    s.useCache = false;
    s.threads = 2;
    return s;
}

/// A coarse grid for property tests (linearity, threads, cache): same code paths, ~30x cheaper.
GridDiscretisation coarseGrid() {
    GridDiscretisation d;
    d.fineSpacingMm = 0.2;
    d.fineMarginMm = 0.4;
    d.levelMarginCells = 4;
    d.domainHalfWidthMm = 20.0;
    return d;
}

/// The reference setup solved once per test process.
const GridConductor& reference3389() {
    static const GridConductor g(lead3389(), homogeneousSettings());
    return g;
}

double norm3(const UnitFields& f, Eigen::Index i, int c) {
    return std::sqrt(std::pow(f.gradientVPerMmPerMa[0](i, c), 2) + std::pow(f.gradientVPerMmPerMa[1](i, c), 2) +
                     std::pow(f.gradientVPerMmPerMa[2](i, c), 2));
}

std::filesystem::path freshTempDir(const std::string& stem) {
    std::string tmpl = (std::filesystem::temp_directory_path() / (stem + "-XXXXXX")).string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    return tmpl;
}

}  // namespace

// ---- tissue model files -------------------------------------------------------------------------

TEST(TissueModel, ShippedFilesLoad) {
    namespace fs = std::filesystem;
    int files = 0;
    for (const auto& e : fs::directory_iterator(fs::path(DBSPROG_TEST_MODELS_DIR) / "tissue")) {
        if (e.path().extension() != ".json") continue;
        const TissueModel m = loadTissueModel(e.path().string());
        EXPECT_FALSE(m.name.empty()) << e.path();
        EXPECT_GT(m.backgroundConductivitySPerM, 0.0) << e.path();
        ++files;
    }
    EXPECT_GE(files, 2);
    const TissueModel d = findTissueModel(DBSPROG_TEST_MODELS_DIR, "default");
    EXPECT_DOUBLE_EQ(d.encapsulation.thicknessMm, 0.2);  // OSS-DBS default (FACTS.md)
    EXPECT_DOUBLE_EQ(d.backgroundConductivitySPerM, 0.2);
    const TissueModel g = findTissueModel(DBSPROG_TEST_MODELS_DIR, "gpi-schematic");
    ASSERT_EQ(g.regions.size(), 4u);
    EXPECT_DOUBLE_EQ(g.regionConductivityAt({0.5, 0.0, 4.0}), 0.33);   // inside "GPi"
    EXPECT_DOUBLE_EQ(g.regionConductivityAt({-30.0, 0.0, 4.0}), 2.0);  // CSF half-space
    EXPECT_DOUBLE_EQ(g.regionConductivityAt({-5.0, 0.0, 4.0}), 0.14);  // background white matter
    EXPECT_THROW(findTissueModel(DBSPROG_TEST_MODELS_DIR, "no-such-model"), InputError);
}

TEST(TissueModel, PrimitivesAndOverlapOrder) {
    TissueModel m = TissueModel::homogeneous(0.2);
    TissueRegion sphere;
    sphere.shape = RegionShape::Sphere;
    sphere.centreMm = {1, 2, 3};
    sphere.semiAxesMm = Eigen::Vector3d::Constant(2.0);
    sphere.conductivitySPerM = 2.0;
    TissueRegion box;
    box.shape = RegionShape::Box;
    box.minMm = {0, 0, 0};
    box.maxMm = {1, 1, 10};
    box.conductivitySPerM = 0.14;
    m.regions = {sphere, box};
    EXPECT_DOUBLE_EQ(m.regionConductivityAt({1, 2, 4.9}), 2.0);
    EXPECT_DOUBLE_EQ(m.regionConductivityAt({1, 2, 5.1}), 0.2);
    EXPECT_DOUBLE_EQ(m.regionConductivityAt({0.5, 0.5, 3}), 0.14);  // in both: the later region wins
    TissueRegion ell;
    ell.shape = RegionShape::Ellipsoid;
    ell.centreMm = {0, 0, 0};
    ell.semiAxesMm = {1, 2, 3};
    EXPECT_TRUE(ell.contains({0, 1.9, 0}));
    EXPECT_FALSE(ell.contains({1.1, 0, 0}));
    TissueRegion half;
    half.shape = RegionShape::HalfSpace;
    half.centreMm = {3, 0, 0};
    half.normal = {1, 0, 0};
    EXPECT_TRUE(half.contains({3.01, -5, 7}));
    EXPECT_FALSE(half.contains({2.99, 0, 0}));
}

TEST(TissueModel, ErrorsNameFileFieldValueAndAllowed) {
    const std::string valid = R"({"name":"t","background":{"tissue":"bulk","conductivity_S_per_m":0.2},
      "regions":[{"name":"r","tissue":"csf","conductivity_S_per_m":2.0,"shape":"sphere","centre_mm":[0,0,0],
      "radius_mm":1}],"sources":["test"]})";
    EXPECT_NO_THROW(parseTissueModel(valid, "t.json", "t"));
    auto error = [&](const std::string& from, const std::string& to) -> std::string {
        std::string text = valid;
        const auto pos = text.find(from);
        EXPECT_NE(pos, std::string::npos) << from;
        text.replace(pos, from.size(), to);
        try {
            parseTissueModel(text, "bad_tissue.json", "bad");
        } catch (const InputError& e) {
            return e.what();
        }
        return "";
    };
    const std::string negative = error(R"("conductivity_S_per_m":2.0)", R"("conductivity_S_per_m":-2)");
    EXPECT_NE(negative.find("bad_tissue.json"), std::string::npos) << negative;
    EXPECT_NE(negative.find("regions[0].conductivity_S_per_m"), std::string::npos) << negative;
    EXPECT_NE(negative.find("-2"), std::string::npos) << negative;
    EXPECT_NE(negative.find("allowed: a number > 0"), std::string::npos) << negative;
    EXPECT_NE(error(R"("shape":"sphere")", R"("shape":"cone")").find("one of \"sphere\""), std::string::npos);
    EXPECT_NE(error(R"("tissue":"csf")", R"("tissue":"bone")").find("regions[0].tissue"), std::string::npos);
    EXPECT_NE(error(R"("radius_mm":1)", R"("radius_mm":1,"radius":2)").find("regions[0].radius"), std::string::npos);
    EXPECT_NE(error(R"("centre_mm":[0,0,0])", R"("centre_mm":[0,0])").find("three numbers"), std::string::npos);
    EXPECT_NE(error(R"("sources":["test"])",
                    R"("encapsulation":{"thickness_mm":5,"conductivity_S_per_m":0.1},"sources":["test"])")
                  .find("encapsulation.thickness_mm"),
              std::string::npos);
    EXPECT_NE(error(R"("conductivity_S_per_m":0.2})", R"("conductivity_S_per_m":0.2,"conductivty":1})")
                  .find("background.conductivty"),
              std::string::npos);
    EXPECT_NE(error(R"({"name":"t",)", R"({)").find("name"), std::string::npos);
    EXPECT_NE(error(R"("shape":"sphere","centre_mm":[0,0,0],
      "radius_mm":1)",
                    R"("shape":"box","min_mm":[0,0,0],"max_mm":[1,-1,1])")
                  .find("max_mm"),
              std::string::npos);
}

TEST(GridConductor, SettingsAreValidated) {
    GridSettings s = homogeneousSettings();
    s.discretisation = coarseGrid();
    s.discretisation->fineSpacingMm = 0.0;
    try {
        GridConductor g(lead3389(), s);
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("fineSpacingMm"), std::string::npos) << e.what();
    }
    s = homogeneousSettings();
    s.threads = -1;
    EXPECT_THROW(GridConductor(lead3389(), s), InputError);
    EXPECT_THROW(TissueModel::homogeneous(0.0), InputError);
}

TEST(GridConductor, FailureToConvergeThrows) {
    GridSettings s = homogeneousSettings();
    s.discretisation = coarseGrid();
    s.solver.maxIterations = 2;  // the tolerance needs ~9
    try {
        GridConductor g(lead3389(), s);
        FAIL() << "no error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("did not converge"), std::string::npos) << e.what();
    }
}

TEST(GridConductor, DefaultCacheDirectoryFollowsXdg) {
    const char* old = std::getenv("XDG_CACHE_HOME");
    const std::string saved = old ? old : "";
    setenv("XDG_CACHE_HOME", "/tmp/xdg-test", 1);
    EXPECT_EQ(defaultGridCacheDir(), "/tmp/xdg-test/dbsprog");
    unsetenv("XDG_CACHE_HOME");
    if (const char* home = std::getenv("HOME"); home && *home) {
        EXPECT_EQ(defaultGridCacheDir(), std::string(home) + "/.cache/dbsprog");
    }
    if (old) setenv("XDG_CACHE_HOME", saved.c_str(), 1);
}

// ---- accuracy ---------------------------------------------------------------------------------------

// The reference: 3389, homogeneous 0.2 S/m, no encapsulation, +1 mA on contact 1, others floating.
// The CSV is for -1 mA (cathodic), i.e. minus the unit solution.
TEST(GridConductor, MatchesFiniteElementReferenceOn3389) {
    const GridConductor& g = reference3389();
    const auto reference = testref::RadialProfile::load(std::string(DBSPROG_TEST_DATA_DIR) +
                                                        "/reference/fem_3389_c1_monopolar_radial.csv");
    struct Row {
        double r, potential, field;  // mm, V (infinite domain, -1 mA), V/mm
    };
    std::vector<Row> rows;
    for (size_t i = 0; i < reference.rMm.size(); ++i)
        rows.push_back({reference.rMm[i], reference.potentialV[i], reference.fieldVPerMm[i]});
    ASSERT_EQ(rows.size(), 10u);
    std::printf("grid conductor vs finite-element reference (3389, contact 1, sigma 0.2, floating):\n");
    std::printf("   r mm   angle   potential err   |E| err\n");
    for (const double angleDeg : {0.0, 30.0, 45.0, 71.0}) {
        Eigen::Matrix3Xd points(3, rows.size());
        const double a = angleDeg * kPi / 180.0;
        for (size_t i = 0; i < rows.size(); ++i)
            points.col(i) = Eigen::Vector3d(rows[i].r * std::cos(a), rows[i].r * std::sin(a), 4.25);
        const UnitFields f = g.unitFields(points);
        for (size_t i = 0; i < rows.size(); ++i) {
            const double v = -f.potentialVPerMa(i, 1), e = norm3(f, i, 1);
            const double ev = (v - rows[i].potential) / std::fabs(rows[i].potential);
            const double ee = (e - rows[i].field) / rows[i].field;
            if (angleDeg == 0.0 || std::fabs(ee) > 0.01)
                std::printf("  %5.1f   %5.0f   %+7.2f%%        %+6.2f%%\n", rows[i].r, angleDeg, 100 * ev, 100 * ee);
            // Measured: potential within 0.4%, |E| within 1.5% (1.5 at 1 mm); the issue asks 3% from 1.5
            // to 10 mm and 5% at 1 mm.
            const double tolE = rows[i].r < 1.25 ? 0.03 : 0.02;
            EXPECT_LT(std::fabs(ev), 0.01) << "r " << rows[i].r << " angle " << angleDeg;
            EXPECT_LT(std::fabs(ee), tolE) << "r " << rows[i].r << " angle " << angleDeg;
        }
    }
    // Contact 1's tissue resistance: 0.5564 V at 1 mA (reference README); measured +0.9%.
    const double z = g.contactPotentialsVPerMa()(1, 1);
    std::printf("contact 1 potential %.4f V/mA (reference 0.5564, %+.2f%%)\n", z, 100 * (z / 0.5564 - 1));
    EXPECT_NEAR(z, 0.5564, 0.02 * 0.5564);
}

TEST(GridConductor, FarFieldIsAPointSource) {
    // V = I / (4 pi sigma r) beyond 10 mm (issue 3: within 1%), r from contact 1's centre.
    const GridConductor& g = reference3389();
    const Eigen::Vector3d centre(0.0, 0.0, 4.25);
    std::vector<Eigen::Vector3d> dirs{{1, 0, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}, {1, 1, 1}, {-1, 2, -1}};
    double worstV = 0.0, worstE = 0.0;
    for (const double r : {10.0, 12.0, 15.0, 20.0, 25.0, 30.0})
        for (const auto& d : dirs) {
            Eigen::Matrix3Xd p(3, 1);
            p.col(0) = centre + r * d.normalized();
            const UnitFields f = g.unitFields(p);
            const double v = f.potentialVPerMa(0, 1), e = norm3(f, 0, 1);
            const double v0 = 1.0 / (4 * kPi * kSigma * r), e0 = v0 / r;
            worstV = std::max(worstV, std::fabs(v / v0 - 1));
            worstE = std::max(worstE, std::fabs(e / e0 - 1));
        }
    std::printf("far field 10-30 mm: potential within %.2f%%, |E| within %.2f%% of the point source\n", 100 * worstV,
                100 * worstE);
    EXPECT_LT(worstV, 0.01);
    EXPECT_LT(worstE, 0.02);
    // Beyond the grid (a monopole continued from its edge): still the point source.
    Eigen::Matrix3Xd far(3, 1);
    far.col(0) = centre + Eigen::Vector3d(200.0, 0.0, 0.0);
    EXPECT_NEAR(g.unitFields(far).potentialVPerMa(0, 1), 1.0 / (4 * kPi * kSigma * 200.0),
                0.01 / (4 * kPi * kSigma * 200.0));
}

TEST(GridConductor, AgreesWithBoundaryElementModelAroundThe3389) {
    const GridConductor& g = reference3389();
    const HomogeneousConductor b(lead3389(), HomogeneousSettings{kSigma, InactiveContacts::Floating, std::nullopt});
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const int n = 1500;
    Eigen::Matrix3Xd p(3, n);
    for (int i = 0; i < n; ++i) {
        const double r = 1.5 + 8.5 * u(rng), a = 2 * kPi * u(rng), z = -2.0 + 14.0 * u(rng);
        p.col(i) = Eigen::Vector3d(r * std::cos(a), r * std::sin(a), z);
    }
    const UnitFields fg = g.unitFields(p), fb = b.unitFields(p);
    for (int c = 0; c < g.contactCount(); ++c) {
        std::vector<double> ev, ee;
        for (int i = 0; i < n; ++i) {
            ev.push_back(std::fabs(fg.potentialVPerMa(i, c) / fb.potentialVPerMa(i, c) - 1));
            ee.push_back(std::fabs(norm3(fg, i, c) / norm3(fb, i, c) - 1));
        }
        std::sort(ev.begin(), ev.end());
        std::sort(ee.begin(), ee.end());
        std::printf(
            "contact %d vs BEM, 1.5-10 mm from the axis: potential max %.2f%%, |E| median %.2f%% p99 %.2f%% max "
            "%.2f%%\n",
            c, 100 * ev.back(), 100 * ee[n / 2], 100 * ee[n * 99 / 100], 100 * ee.back());
        // Measured: potential <= 0.4%, |E| p99 1.4%, max 2.1% (at patch edges).
        EXPECT_LT(ev.back(), 0.01) << "contact " << c;
        EXPECT_LT(ee[n * 99 / 100], 0.02) << "contact " << c;
        EXPECT_LT(ee.back(), 0.03) << "contact " << c;
    }
    const Eigen::MatrixXd zg = g.contactPotentialsVPerMa(), zb = b.contactPotentialsVPerMa();
    for (int i = 0; i < 4; ++i)
        for (int k = 0; k < 4; ++k) EXPECT_NEAR(zg(i, k), zb(i, k), 0.02 * zb(i, k)) << i << "," << k;
}

TEST(GridConductor, SolverConvergesAndContactMatrixIsReciprocal) {
    const GridConductor& g = reference3389();
    const GridStats& s = g.stats();
    ASSERT_EQ(s.solves.size(), 4u);
    std::printf("grid: %ld unknowns on %zu levels (%.3g to %.3g mm); setup %.2f s, unit solutions %.2f s\n", s.unknowns,
                s.levels.size(), s.levels.back().spacingMm, s.levels.front().spacingMm, s.setupSeconds, s.solveSeconds);
    for (size_t c = 0; c < s.solves.size(); ++c) {
        std::printf("  contact %zu: %d CG iterations, relative residual %.2e, %.2f s\n", c, s.solves[c].iterations,
                    s.solves[c].relativeResidual, s.solves[c].seconds);
        EXPECT_LE(s.solves[c].relativeResidual, 1e-8 * 10);  // final residual recomputed from x
        EXPECT_GT(s.solves[c].iterations, 0);
        EXPECT_LE(s.solves[c].iterations, 25);  // measured 9: the V-cycle keeps the rate grid-independent
    }
    const Eigen::MatrixXd z = g.contactPotentialsVPerMa();
    // Reciprocity: the discrete operator is symmetric, so only the solver tolerance separates z(i,k)
    // from z(k,i).
    for (int i = 0; i < 4; ++i)
        for (int k = 0; k < 4; ++k) {
            EXPECT_NEAR(z(i, k), z(k, i), 1e-6 * z(i, i));
            if (i != k) {
                EXPECT_LT(z(i, k), z(i, i));
            }
        }
    EXPECT_NE(g.description().find("grid"), std::string::npos);
}

TEST(GridConductor, TwoHalfSpacesMatchTheMethodOfImages) {
    // sigma1 = 0.2 S/m on the lead's side (x < 3 mm), sigma2 = 1.0 beyond. A point source I at s in
    // medium 1 at distance D from the plane (method of images, e.g. Nunez & Srinivasan, "Electric
    // Fields of the Brain", 2006, ch. 4): phi1 = I/(4 pi sigma1) (1/|x-s| + k/|x-s'|), k = (s1-s2)/(s1+s2),
    // s' the mirror image of s; phi2 = I / (2 pi (sigma1 + sigma2) |x - s|). The lead is no point
    // source: compare at least 5 mm from contact 1 (where the homogeneous solution is within 0.3% of
    // a point source).
    const double s1 = 0.2, s2 = 1.0, x0 = 3.0;
    GridSettings settings = homogeneousSettings(s1);
    TissueRegion half;
    half.name = "high conductivity half-space";
    half.tissue = "other";
    half.shape = RegionShape::HalfSpace;
    half.centreMm = {x0, 0.0, 0.0};
    half.normal = {1.0, 0.0, 0.0};
    half.conductivitySPerM = s2;
    settings.tissue.regions.push_back(half);
    const GridConductor g(lead3389(), settings);
    const Eigen::Vector3d src(0.0, 0.0, 4.25), image(2 * x0, 0.0, 4.25);
    const double k = (s1 - s2) / (s1 + s2);
    std::vector<Eigen::Vector3d> pts{{-5, 0, 4.25}, {-7, 3, 6},   {-4, -4, 0}, {0, 6, 4.25}, {0, -5, 10},
                                     {0, 0, -3},    {6, 0, 4.25}, {8, 3, 4},   {5, -5, 7},   {10, 0, 0}};
    double worst = 0.0;
    for (const auto& q : pts) {
        Eigen::Matrix3Xd p(3, 1);
        p.col(0) = q;
        const double v = g.unitFields(p, false).potentialVPerMa(0, 1);
        const double expected = q.x() < x0 ? (1.0 / (q - src).norm() + k / (q - image).norm()) / (4 * kPi * s1)
                                           : 1.0 / (2 * kPi * (s1 + s2) * (q - src).norm());
        worst = std::max(worst, std::fabs(v / expected - 1));
        std::printf("  (%5.1f %5.1f %5.1f) side %d: %.5f V, images %.5f V (%+.2f%%)\n", q.x(), q.y(), q.z(),
                    q.x() < x0 ? 1 : 2, v, expected, 100 * (v / expected - 1));
    }
    // Measured: within 0.75% (conductances of faces cut by the plane are slices in series, each the
    // mean of its cross-section; a cell-wise harmonic mean gave 1.9%).
    EXPECT_LT(worst, 0.015);
}

TEST(GridConductor, EncapsulationAddsTheShellResistance) {
    // A thin shell of conductivity sigma_e replacing tissue of sigma_b over a contact of radius a and
    // length h adds about ln((a + t)/a) / (2 pi h) (1/sigma_e - 1/sigma_b) (radial current through a
    // cylindrical shell). Current crowding at the contact edges raises it (for a fixed total current,
    // a non-uniform density dissipates more in the shell).
    GridSettings settings = homogeneousSettings(kSigma);
    settings.tissue.encapsulation = {0.2, 0.1};
    const GridConductor g(lead3389(), settings);
    const double bare = reference3389().contactPotentialsVPerMa()(1, 1);
    const double wrapped = g.contactPotentialsVPerMa()(1, 1);
    const double a = lead3389().radiusMm(), h = lead3389().contactLengthMm, t = 0.2;
    const double shell = std::log((a + t) / a) / (2 * kPi * h) * (1 / 0.1 - 1 / kSigma);
    std::printf("encapsulation 0.2 mm at 0.1 S/m: contact 1 %.1f -> %.1f ohm (+%.1f, shell estimate +%.1f)\n",
                1000 * bare, 1000 * wrapped, 1000 * (wrapped - bare), 1000 * shell);
    // Measured +154.2 ohm against +145.3 (ratio 1.06).
    EXPECT_GT(wrapped - bare, 1.0 * shell);
    EXPECT_LT(wrapped - bare, 1.15 * shell);
    // A more conductive layer lowers it, in the expected direction.
    settings.tissue.encapsulation = {0.2, 0.4};
    settings.discretisation = coarseGrid();
    const GridConductor lower(lead3389(), settings);
    settings.tissue.encapsulation = {0.0, 0.1};
    const GridConductor none(lead3389(), settings);
    EXPECT_LT(lower.contactPotentialsVPerMa()(1, 1), none.contactPotentialsVPerMa()(1, 1));
}

// ---- properties -------------------------------------------------------------------------------------

TEST(GridConductor, IsLinearInCurrentAndInResistivity) {
    GridSettings settings = homogeneousSettings();
    settings.discretisation = coarseGrid();
    const GridConductor g(lead3389(), settings);
    Eigen::Matrix3Xd p(3, 5);
    p << 2, -3, 0, 1.5, 7,  //
        0, 1, 4, -1.5, 2,   //
        4.25, 2, 8, 6, -1;
    const UnitFields u = g.unitFields(p);
    // Bipolar 1-/2+ at 1.5 mA, solved directly, equals the superposition of unit solutions.
    Eigen::VectorXd currents = Eigen::VectorXd::Zero(4);
    currents << 0.0, -1.5, 1.5, 0.0;
    const GridDirectSolution d = g.solveDirect(currents, p);
    const double scale = u.potentialVPerMa.cwiseAbs().maxCoeff();
    for (int i = 0; i < p.cols(); ++i) {
        EXPECT_NEAR(d.fields.potentialVPerMa(i, 0), -1.5 * u.potentialVPerMa(i, 1) + 1.5 * u.potentialVPerMa(i, 2),
                    1e-6 * scale);
        for (int a = 0; a < 3; ++a)
            EXPECT_NEAR(d.fields.gradientVPerMmPerMa[a](i, 0),
                        -1.5 * u.gradientVPerMmPerMa[a](i, 1) + 1.5 * u.gradientVPerMmPerMa[a](i, 2), 1e-6 * scale);
    }
    const Eigen::VectorXd expected = g.contactPotentialsVPerMa() * currents;
    for (int c = 0; c < 4; ++c) EXPECT_NEAR(d.contactPotentialsV[c], expected[c], 1e-6 * scale);
    // Doubling every conductivity halves every potential.
    settings.tissue = TissueModel::homogeneous(2 * kSigma);
    const GridConductor g2(lead3389(), settings);
    const UnitFields u2 = g2.unitFields(p);
    for (int i = 0; i < p.cols(); ++i)
        for (int c = 0; c < 4; ++c) EXPECT_NEAR(u2.potentialVPerMa(i, c), 0.5 * u.potentialVPerMa(i, c), 1e-6 * scale);
}

TEST(GridConductor, InsulatingInactiveContactsRaiseTheImpedance) {
    // Treating inactive contacts as insulators removes conducting paths, so each contact's own
    // resistance can only rise (Rayleigh's monotonicity); the boundary-element model gives the same.
    GridSettings settings = homogeneousSettings();
    settings.inactiveContacts = InactiveContacts::Insulating;
    const GridConductor ins(lead3389(), settings);
    const HomogeneousConductor bem(lead3389(), HomogeneousSettings{kSigma, InactiveContacts::Insulating, std::nullopt});
    const Eigen::MatrixXd zi = ins.contactPotentialsVPerMa(), zf = reference3389().contactPotentialsVPerMa();
    const Eigen::MatrixXd zb = bem.contactPotentialsVPerMa();
    for (int c = 0; c < 4; ++c) {
        EXPECT_GT(zi(c, c), zf(c, c)) << c;
        EXPECT_NEAR(zi(c, c), zb(c, c), 0.02 * zb(c, c)) << c;
        for (int k = 0; k < 4; ++k)
            if (k != c) {
                EXPECT_NEAR(zi(k, c), zb(k, c), 0.05 * zb(k, c)) << k << "," << c;  // mean surface potential
            }
    }
    std::printf("insulating inactive contacts: contact 1 %.1f ohm (floating %.1f, BEM %.1f)\n", 1000 * zi(1, 1),
                1000 * zf(1, 1), 1000 * zb(1, 1));
    EXPECT_NE(ins.description().find("insulating"), std::string::npos);
}

TEST(GridConductor, PointsInsideTheLeadAreNaN) {
    const GridConductor& g = reference3389();
    Eigen::Matrix3Xd p(3, 3);
    p << 0.0, 0.3, 0.0,  //
        0.0, 0.0, 0.0,   //
        4.25, 20.0, 0.2;
    const UnitFields f = g.unitFields(p);
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(g.insideLead(p.col(i)));
        EXPECT_TRUE(std::isnan(f.potentialVPerMa(i, 0)));
        EXPECT_TRUE(std::isnan(f.gradientVPerMmPerMa[2](i, 0)));
    }
    EXPECT_FALSE(g.insideLead(Eigen::Vector3d(0.0, 0.0, -0.01)));  // below the rounded tip
    EXPECT_FALSE(g.insideLead(Eigen::Vector3d(0.65, 0.0, 4.25)));
}

TEST(GridConductor, ResultsDoNotDependOnTheThreadCount) {
    GridSettings settings = homogeneousSettings();
    settings.discretisation = coarseGrid();
    settings.threads = 1;
    const GridConductor one(lead3389(), settings);
    settings.threads = 2;
    const GridConductor two(lead3389(), settings);
    settings.threads = 3;  // more threads than cores, fewer than contacts
    const GridConductor three(lead3389(), settings);
    EXPECT_TRUE((one.contactPotentialsVPerMa().array() == two.contactPotentialsVPerMa().array()).all());
    EXPECT_TRUE((one.contactPotentialsVPerMa().array() == three.contactPotentialsVPerMa().array()).all());
    Eigen::Matrix3Xd p = Eigen::Matrix3Xd::Random(3, 200) * 8.0;
    p.row(2).array() += 4.0;
    const UnitFields a = one.unitFields(p, true, 1), b = two.unitFields(p, true, 2), c = three.unitFields(p, true, 3);
    auto same = [](const Eigen::MatrixXd& x, const Eigen::MatrixXd& y) {
        return ((x.array() == y.array()) || (x.array().isNaN() && y.array().isNaN())).all();
    };
    EXPECT_TRUE(same(a.potentialVPerMa, b.potentialVPerMa));
    EXPECT_TRUE(same(a.potentialVPerMa, c.potentialVPerMa));
    for (int d = 0; d < 3; ++d) EXPECT_TRUE(same(a.gradientVPerMmPerMa[d], c.gradientVPerMmPerMa[d]));
}

TEST(GridConductor, CacheRoundTripIsBitIdenticalAndCorruptFilesAreRecomputed) {
    const auto dir = freshTempDir("dbsprog-grid-cache");
    GridSettings settings = homogeneousSettings();
    settings.discretisation = coarseGrid();
    settings.useCache = true;
    settings.cacheDir = dir.string();
    Eigen::Matrix3Xd p = Eigen::Matrix3Xd::Random(3, 100) * 6.0;
    p.row(2).array() += 4.0;

    const GridConductor first(lead3389(), settings);
    EXPECT_FALSE(first.stats().fromCache);
    ASSERT_TRUE(std::filesystem::exists(first.stats().cacheFile)) << first.stats().cacheNote;
    const UnitFields f1 = first.unitFields(p);

    auto identical = [&](const GridConductor& g) {
        const UnitFields f = g.unitFields(p);
        bool same = (g.contactPotentialsVPerMa().array() == first.contactPotentialsVPerMa().array()).all();
        same = same && ((f.potentialVPerMa.array() == f1.potentialVPerMa.array()) ||
                        (f.potentialVPerMa.array().isNaN() && f1.potentialVPerMa.array().isNaN()))
                           .all();
        for (int d = 0; d < 3; ++d)
            same = same && ((f.gradientVPerMmPerMa[d].array() == f1.gradientVPerMmPerMa[d].array()) ||
                            (f.gradientVPerMmPerMa[d].array().isNaN() && f1.gradientVPerMmPerMa[d].array().isNaN()))
                               .all();
        return same;
    };

    const GridConductor second(lead3389(), settings);
    EXPECT_TRUE(second.stats().fromCache);
    EXPECT_TRUE(identical(second));
    EXPECT_EQ(second.stats().solves.size(), 4u);
    std::printf("cache: computed in %.2f s, opened in %.3f s (%s)\n", first.stats().totalSeconds,
                second.stats().totalSeconds, first.stats().cacheFile.c_str());

    // A different tissue is a different file.
    GridSettings other = settings;
    other.tissue = TissueModel::homogeneous(0.3);
    EXPECT_NE(GridConductor(lead3389(), other).stats().cacheFile, first.stats().cacheFile);

    // One flipped byte in the payload: detected by the checksum, recomputed, rewritten.
    const std::string path = first.stats().cacheFile;
    {
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        f.seekg(0, std::ios::end);
        const auto size = static_cast<long>(f.tellg());
        f.seekp(size - 1000);
        char c = 0;
        f.seekg(size - 1000);
        f.read(&c, 1);
        c = static_cast<char>(c ^ 0x10);
        f.seekp(size - 1000);
        f.write(&c, 1);
    }
    const GridConductor flipped(lead3389(), settings);
    EXPECT_FALSE(flipped.stats().fromCache);
    EXPECT_NE(flipped.stats().cacheNote.find("checksum"), std::string::npos) << flipped.stats().cacheNote;
    EXPECT_TRUE(identical(flipped));
    EXPECT_TRUE(GridConductor(lead3389(), settings).stats().fromCache);  // rewritten

    // Truncated, and garbage: recomputed, never a crash.
    std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
    const GridConductor truncated(lead3389(), settings);
    EXPECT_FALSE(truncated.stats().fromCache);
    EXPECT_TRUE(identical(truncated));
    std::ofstream(path, std::ios::binary | std::ios::trunc) << "not a cache file";
    const GridConductor garbage(lead3389(), settings);
    EXPECT_FALSE(garbage.stats().fromCache);
    EXPECT_TRUE(identical(garbage));

    // An unwritable cache directory only costs the cache.
    settings.cacheDir = "/proc/dbsprog-no-such-dir";
    const GridConductor unwritable(lead3389(), settings);
    EXPECT_FALSE(unwritable.stats().fromCache);
    EXPECT_FALSE(unwritable.stats().cacheNote.empty());
    EXPECT_TRUE(identical(unwritable));
    std::filesystem::remove_all(dir);
}

TEST(GridConductor, SolvesEveryCatalogueLead) {
    // Coarse grid, all lead types (rings, segments, a conducting tip): converges, reciprocal, every
    // contact drives current into tissue.
    for (const auto& lead : catalog().leads) {
        GridSettings settings = homogeneousSettings();
        settings.discretisation = coarseGrid();
        const GridConductor g(lead, settings);
        const Eigen::MatrixXd z = g.contactPotentialsVPerMa();
        ASSERT_EQ(z.rows(), static_cast<Eigen::Index>(lead.contacts.size())) << lead.id;
        for (int c = 0; c < z.rows(); ++c) {
            // A ring or segment of area A on a lead: between the ring's ~0.55 kOhm and a few kOhm.
            EXPECT_GT(z(c, c), 0.3) << lead.id << " " << c;
            EXPECT_LT(z(c, c), 3.0) << lead.id << " " << c;
            for (int k = 0; k < z.cols(); ++k) EXPECT_NEAR(z(c, k), z(k, c), 1e-6 * z(c, c)) << lead.id;
        }
        int worst = 0;
        for (const auto& s : g.stats().solves) worst = std::max(worst, s.iterations);
        std::printf("  %-7s %2zu contacts: %7ld unknowns, <= %d iterations, %.2f s\n", lead.id.c_str(),
                    lead.contacts.size(), g.stats().unknowns, worst, g.stats().totalSeconds);
    }
}

TEST(GridConductor, HeterogeneousSchematicIsConsistent) {
    // The shipped schematic (grey/white/CSF + encapsulation): converges, reciprocal, potentials decay
    // away from the lead through every tissue, and the encapsulation and low-conductivity white matter
    // raise the impedance above the homogeneous 0.2 S/m value.
    GridSettings settings = homogeneousSettings();
    settings.tissue = findTissueModel(DBSPROG_TEST_MODELS_DIR, "gpi-schematic");
    const GridConductor g(lead3389(), settings);
    const Eigen::MatrixXd z = g.contactPotentialsVPerMa();
    for (int c = 0; c < 4; ++c)
        for (int k = 0; k < 4; ++k) EXPECT_NEAR(z(c, k), z(k, c), 1e-6 * z(c, c));
    EXPECT_GT(z(1, 1), reference3389().contactPotentialsVPerMa()(1, 1));
    Eigen::Matrix3Xd p(3, 8);
    p << -4.0, -8.0, -16.0, -24.0, 4.0, 8.0, 12.0, 20.0,  //
        0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,           //
        4.25, 4.25, 4.25, 4.25, 4.25, 4.25, 4.25, 4.25;
    const UnitFields f = g.unitFields(p, false);
    for (int i : {0, 1, 2, 4, 5, 6}) {
        EXPECT_GT(f.potentialVPerMa(i, 1), f.potentialVPerMa(i + 1, 1)) << i;
        EXPECT_GT(f.potentialVPerMa(i + 1, 1), 0.0) << i;
    }
    std::printf("schematic GPi: contact 1 %.0f ohm, %ld unknowns, %d iterations\n", 1000 * z(1, 1), g.stats().unknowns,
                g.stats().solves[1].iterations);
}
