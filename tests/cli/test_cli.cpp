// The dbsprog program as a user runs it: output, JSON keys, exit codes and error messages.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "cli_run.hpp"

TEST(Cli, LeadsAndIpgsListTheCatalogues) {
    const CliRun leads = run("leads --json");
    ASSERT_EQ(leads.exitCode, 0) << leads.out;
    const auto j = nlohmann::json::parse(leads.out);
    ASSERT_EQ(j.size(), 8u);
    bool found = false;
    for (const auto& l : j)
        if (l["id"] == "3389") {
            found = true;
            EXPECT_NEAR(l["contacts"][1]["centre_z_mm"].get<double>(), 4.25, 1e-12);
            EXPECT_NEAR(l["contacts"][1]["area_mm2"].get<double>(), 5.985, 0.001);
        }
    EXPECT_TRUE(found);
    const CliRun text = run("leads");
    EXPECT_EQ(text.exitCode, 0);
    EXPECT_NE(text.out.find("Medtronic 3389"), std::string::npos);
    const CliRun ipgs = run("ipgs --json");
    ASSERT_EQ(ipgs.exitCode, 0) << ipgs.out;
    EXPECT_GE(nlohmann::json::parse(ipgs.out).size(), 3u);
}

TEST(Cli, CheckJsonHasTheDocumentedKeysAndNumbers) {
    const CliRun r = run("check --lead 3389 --ipg percept-pc --program \"C+ 1- 3.0V 60us 130Hz\" --json");
    ASSERT_EQ(r.exitCode, 0) << r.out;
    const auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j["contacts"].size(), 1u);
    const auto& c = j["contacts"][0];
    EXPECT_EQ(c["name"], "1");
    EXPECT_NEAR(c["current_mA"].get<double>(), -3.0, 1e-12);  // 3 V / 1000 ohm, cathodic
    EXPECT_NEAR(c["charge_uC"].get<double>(), 0.18, 1e-12);
    EXPECT_NEAR(c["charge_density_uC_per_cm2"].get<double>(), 0.18 / 0.05985, 0.002);
    EXPECT_TRUE(j["shannon_k"].is_number());
    EXPECT_TRUE(j["warnings"].is_array());
    EXPECT_NEAR(j["teed_uJ_per_s"].get<double>(), 70.2, 1e-9);  // Koss worked example
    EXPECT_TRUE(j["battery_life_months"].is_number());

    const CliRun rc = run("check --lead 3389 --ipg activa-rc --program \"C+ 1- 3.0V 60us 130Hz\" --json");
    ASSERT_EQ(rc.exitCode, 0) << rc.out;
    EXPECT_TRUE(nlohmann::json::parse(rc.out)["battery_life_months"].is_null());
}

TEST(Cli, CheckWarnsAbove30ButRuns) {
    const CliRun r = run("check --lead 3389 --ipg percept-pc --impedance 300 --program \"C+ 1- 20.0mA 90us 130Hz\" --json");
    ASSERT_EQ(r.exitCode, 0) << r.out;
    const auto warnings = nlohmann::json::parse(r.out)["warnings"];
    ASSERT_FALSE(warnings.empty());
    EXPECT_NE(warnings[0].get<std::string>().find("30 uC/cm2/phase"), std::string::npos);
}

TEST(Cli, RefusalsExitNonZeroAndNameTheField) {
    const CliRun range = run("check --lead 3389 --ipg vercise-genus-p16 --program \"C+ 1- 25.0mA 90us 130Hz\"");
    EXPECT_NE(range.exitCode, 0);
    EXPECT_NE(range.out.find("amplitude = 25.0mA"), std::string::npos) << range.out;
    EXPECT_NE(range.out.find("0-20 mA"), std::string::npos) << range.out;
    const CliRun contact = run("check --lead 3389 --ipg percept-pc --program \"C+ 7- 2.0V 90us 130Hz\"");
    EXPECT_NE(contact.exitCode, 0);
    EXPECT_NE(contact.out.find("\"7\""), std::string::npos) << contact.out;
    const CliRun lead = run("check --lead 3390 --ipg percept-pc --program \"C+ 1- 2.0V 90us 130Hz\"");
    EXPECT_NE(lead.exitCode, 0);
    EXPECT_NE(lead.out.find("3389"), std::string::npos) << "should list the known leads: " << lead.out;
    const CliRun imp = run("check --lead 3389 --ipg percept-pc --impedance -5 --program \"C+ 1- 2.0V 90us 130Hz\"");
    EXPECT_NE(imp.exitCode, 0);
    EXPECT_NE(imp.out.find("impedance"), std::string::npos) << imp.out;
}

TEST(Cli, BadFlagsAreRefusedWithUsage) {
    const CliRun r = run("check --lead 3389 --ipg percept-pc --program \"C+ 1- 2.0V 90us 130Hz\" --bogus");
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.out.find("--bogus"), std::string::npos) << r.out;
    const CliRun missing = run("check --lead 3389");
    EXPECT_NE(missing.exitCode, 0);
    EXPECT_NE(missing.out.find("--ipg"), std::string::npos) << missing.out;
    const CliRun notNumber = run("check --lead 3389 --ipg percept-pc --impedance lots --program \"C+ 1- 2.0V 90us 130Hz\"");
    EXPECT_NE(notNumber.exitCode, 0);
    EXPECT_NE(notNumber.out.find("lots"), std::string::npos) << notNumber.out;
}

TEST(Cli, BrokenModelsDirectoryIsAnErrorNotACrash) {
    const CliRun r = run("leads", "/nonexistent");
    EXPECT_EQ(r.exitCode, 2) << r.out;
    EXPECT_NE(r.out.find("/nonexistent"), std::string::npos) << r.out;
}
