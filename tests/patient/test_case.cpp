// Case files: every shipped case loads, its lead and generator exist and its program is deliverable.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "dbsprog/device/catalog.hpp"
#include "dbsprog/device/check.hpp"
#include "dbsprog/error.hpp"
#include "dbsprog/patient/case.hpp"

using namespace dbsprog;

TEST(Cases, EveryShippedCaseLoadsAndItsProgramIsDeliverable) {
    const auto catalog = device::loadCatalog(DBSPROG_TEST_MODELS_DIR);
    const auto cases = patient::loadCases(DBSPROG_TEST_MODELS_DIR);
    ASSERT_FALSE(cases.empty());
    for (const auto& c : cases) {
        const auto& lead = catalog.lead(c.leadId);
        const auto& ipg = catalog.ipg(c.ipgId);
        EXPECT_NO_THROW(device::checkProgram(c.program, lead, ipg, c.impedanceOhm)) << c.id;
        EXPECT_LE(c.baselineSeverity, c.clinicalScaleMax) << c.id;
    }
}

TEST(Cases, DefaultCaseExists) {
    const auto c = patient::findCase(DBSPROG_TEST_MODELS_DIR, patient::kDefaultCaseId);
    EXPECT_EQ(c.target, "GPi");
    EXPECT_THROW(patient::findCase(DBSPROG_TEST_MODELS_DIR, "no-such-case"), InputError);
}

TEST(Cases, MalformedCaseNamesTheFileAndField) {
    const auto dir = std::filesystem::temp_directory_path() / "dbsprog_case_test";
    std::filesystem::create_directories(dir);
    const auto path = (dir / "bad.json").string();
    std::ofstream(path) << R"({"id":"x","title":"t","diagnosis":"d","target":"GPe","hemisphere":"left","description":"d",
      "device":{"lead":"3389","ipg":"activa-pc","impedance_ohm":1000,"program":"C+ 1- 2.5V 90us 130Hz"},
      "clinical_scale":{"name":"BFMDRS movement","max":120,"baseline":40}})";
    try {
        patient::loadCase(path);
        FAIL() << "accepted a GPe target";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
        EXPECT_EQ(e.field(), "target");
        EXPECT_NE(e.allowed().find("GPi"), std::string::npos);
    }
    std::ofstream(path) << R"({"id":"x","title":"t","diagnosis":"d","target":"GPi","hemisphere":"left","description":"d",
      "device":{"lead":"3389","ipg":"activa-pc","program":"C+ 1- 2.5 90us 130Hz"},
      "clinical_scale":{"name":"BFMDRS movement","max":120,"baseline":40}})";
    try {
        patient::loadCase(path);
        FAIL() << "accepted a program without a unit";
    } catch (const InputError& e) {
        EXPECT_EQ(e.field(), "device.program") << e.what();
    }
    std::filesystem::remove_all(dir);
}
