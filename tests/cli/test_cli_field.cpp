// field, vta and threshold as a user runs them.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli_run.hpp"

#include "dbsprog/io/nifti.hpp"

namespace {
std::string tempFile(const std::string& name, const std::string& contents) {
    const auto path = (std::filesystem::temp_directory_path() / name).string();
    std::ofstream(path) << contents;
    return path;
}
}  // namespace

TEST(CliField, PotentialAndFieldAtTheReferencePoints) {
    // The finite-element reference (shared/reference) for 1 mA cathodic on contact 1 of a 3389.
    const std::string csv = tempFile("dbsprog_points.csv", "x_mm,y_mm,z_mm\n1,0,4.25\n3,0,4.25\n10,0,4.25\n0,0,4.25\n");
    const CliRun r = run("field --lead 3389 --program \"C+ 1- 1.0mA 60us 130Hz\" --points " + csv + " --json");
    ASSERT_EQ(r.exitCode, 0) << r.out;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_NE(j["conductor"].get<std::string>().find("homogeneous"), std::string::npos);
    const double refV[] = {-3.895804e-01, -1.319861e-01, -3.976322e-02}, refE[] = {3.465973e-01, 4.394352e-02, 3.969908e-03};
    for (int i = 0; i < 3; ++i) {
        EXPECT_NEAR(j["points"][i]["potential_V"].get<double>() / refV[i], 1.0, 0.03) << i;
        EXPECT_NEAR(j["points"][i]["e_V_per_mm"].get<double>() / refE[i], 1.0, 0.03) << i;
    }
    EXPECT_TRUE(j["points"][3]["inside_lead"].get<bool>());
    EXPECT_TRUE(j["points"][3]["potential_V"].is_null());
}

TEST(CliField, BadPointsFileNamesTheLine) {
    const std::string csv = tempFile("dbsprog_bad_points.csv", "x_mm,y_mm,z_mm\n1,0,4.25\n2,abc,4.25\n");
    const CliRun r = run("field --lead 3389 --program \"C+ 1- 1.0mA 60us 130Hz\" --points " + csv);
    EXPECT_EQ(r.exitCode, 2) << r.out;
    EXPECT_NE(r.out.find("line 3 y_mm"), std::string::npos) << r.out;
    const std::string noHeader = tempFile("dbsprog_noheader.csv", "a,b,c\n1,2,3\n");
    EXPECT_NE(run("field --lead 3389 --program \"C+ 1- 1.0mA 60us 130Hz\" --points " + noHeader).out.find("x_mm"), std::string::npos);
    const CliRun conductor = run("field --lead 3389 --program \"C+ 1- 1.0mA 60us 130Hz\" --points " + csv + " --conductor fem");
    EXPECT_EQ(conductor.exitCode, 2);
    EXPECT_NE(conductor.out.find("homogeneous or grid"), std::string::npos) << conductor.out;
}

TEST(CliVta, VolumeAndNiftiAgree) {
    const auto nii = (std::filesystem::temp_directory_path() / "dbsprog_cli_vta.nii").string();
    const CliRun r = run("vta --lead 3389 --program \"C+ 1- 2.0mA 60us 130Hz\" --threshold 0.2 --spacing 0.5 --nifti " + nii + " --json");
    ASSERT_EQ(r.exitCode, 0) << r.out;
    const auto j = nlohmann::json::parse(r.out);
    const double volume = j["volume_mm3"].get<double>();
    // A point source of 2 mA gives a 2.0 mm ball at 0.2 V/mm (33 mm3); the real lead is of that order.
    EXPECT_GT(volume, 15.0);
    EXPECT_LT(volume, 60.0);
    const auto v = dbsprog::io::readNifti(nii);
    double count = 0;
    for (float x : v.values) count += x;
    EXPECT_NEAR(count * std::pow(v.spacingMm[0], 3), volume, 1e-9);
    std::filesystem::remove(nii);
}

TEST(CliThreshold, MrgModelMatchesTheReferenceAndRefusesBadAxons) {
    const CliRun r = run("threshold --lead 3389 --program \"C+ 1- 1.0mA 60us 130Hz\" --axon \"3,-10,4.25:3,10,4.25\" --diameter 5.7 --json");
    ASSERT_EQ(r.exitCode, 0) << r.out;
    EXPECT_NEAR(nlohmann::json::parse(r.out)["threshold_mA"].get<double>() / 3.0362, 1.0, 0.10);  // shared/reference, 60 us
    const CliRun bad = run("threshold --lead 3389 --program \"C+ 1- 1.0mA 60us 130Hz\" --axon \"3,-10:3,10,4.25\"");
    EXPECT_EQ(bad.exitCode, 2) << bad.out;
    EXPECT_NE(bad.out.find("--axon"), std::string::npos) << bad.out;
    const CliRun through = run("threshold --lead 3389 --program \"C+ 1- 1.0mA 60us 130Hz\" --axon \"-5,0,4.25:5,0,4.25\"");
    EXPECT_EQ(through.exitCode, 2) << through.out;
    EXPECT_NE(through.out.find("does not pass through the lead"), std::string::npos) << through.out;
}

TEST(CliImpedance, TissueResistanceFromTheConductorPlusTheInterface) {
    const CliRun r = run("impedance --lead 3389 --interface-resistance 0 --json");
    ASSERT_EQ(r.exitCode, 0) << r.out;
    const auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j["contacts"].size(), 4u);
    // shared/reference: contact 1 at 1 mA sits at -0.5564 V in an infinite domain -> 556 ohm of tissue.
    EXPECT_NEAR(j["contacts"][1]["impedance_ohm"].get<double>() / 556.4, 1.0, 0.05);
    const CliRun withInterface = run("impedance --lead 3389 --interface-resistance 400 --json");
    ASSERT_EQ(withInterface.exitCode, 0) << withInterface.out;
    EXPECT_NEAR(nlohmann::json::parse(withInterface.out)["contacts"][1]["impedance_ohm"].get<double>() -
                    j["contacts"][1]["impedance_ohm"].get<double>(), 400.0, 1e-6);
    EXPECT_EQ(run("impedance --lead 3389 --interface-resistance -1").exitCode, 2);
}
