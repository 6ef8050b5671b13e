// Lead catalogue: geometry against FACTS.md, every shipped file, and malformed files.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "dbsprog/device/catalog.hpp"
#include "dbsprog/error.hpp"

using namespace dbsprog;
using namespace dbsprog::device;

namespace {
constexpr double kPi = 3.14159265358979323846;
const Catalog& catalog() {
    static const Catalog c = loadCatalog(DBSPROG_TEST_MODELS_DIR);
    return c;
}

// Runs `parseLead` on `json` and returns the error message ("" if it did not throw).
std::string leadError(const std::string& json) {
    try {
        parseLead(json, "bad_lead.json");
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

const char* kValid3389 = R"({"id":"x","manufacturer":"M","model":"m","diameter_mm":1.27,"tip_length_mm":1.5,
  "contact_length_mm":1.5,"gap_mm":0.5,"levels":[{"type":"ring","contacts":["0"]},{"type":"ring","contacts":["1"]}],
  "sources":["test"]})";

std::string replaced(std::string s, const std::string& from, const std::string& to) {
    const auto pos = s.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    return s.replace(pos, from.size(), to);
}
}  // namespace

TEST(LeadCatalog, ShipsEveryLeadTheIssueNames) {
    for (const char* id : {"3387", "3389", "B33005", "B33015", "DB-2201", "DB-2202", "6172", "6173"})
        EXPECT_NO_THROW(catalog().lead(id)) << id;
    EXPECT_EQ(catalog().leads.size(), 8u);
}

TEST(LeadCatalog, EveryShippedFileLoadsOnItsOwn) {
    size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(std::string(DBSPROG_TEST_MODELS_DIR) + "/leads")) {
        const Lead lead = loadLead(entry.path().string());
        EXPECT_FALSE(lead.contacts.empty()) << entry.path();
        EXPECT_FALSE(lead.sources.empty()) << entry.path();
        ++files;
    }
    EXPECT_EQ(files, catalog().leads.size());
}

TEST(LeadGeometry, Medtronic3389CentresAndAreasMatchFacts) {
    const Lead& l = catalog().lead("3389");
    ASSERT_EQ(l.contacts.size(), 4u);
    const double centres[] = {2.25, 4.25, 6.25, 8.25};  // FACTS.md (derived)
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(l.contacts[i].name, std::to_string(i));
        EXPECT_NEAR(l.contacts[i].centreZMm(), centres[i], 1e-12);
        EXPECT_NEAR(l.contacts[i].areaMm2, 5.985, 0.001);  // FACTS.md: 5.985 mm2
        EXPECT_NEAR(l.contacts[i].areaCm2(), 0.0598, 0.00005);
    }
}

TEST(LeadGeometry, Medtronic3387CentresMatchFacts) {
    const Lead& l = catalog().lead("3387");
    const double centres[] = {2.25, 5.25, 8.25, 11.25};
    for (int i = 0; i < 4; ++i) EXPECT_NEAR(l.contacts[i].centreZMm(), centres[i], 1e-12);
}

TEST(LeadGeometry, ContactSpanRunsFromTheLowestContactEdgeToTheHighest) {
    // 1.5 mm contacts centred at 2.25 ... 8.25 (3389) and 2.25 ... 11.25 mm (3387).
    EXPECT_EQ(catalog().lead("3389").contactSpanMm(), std::make_pair(1.5, 9.0));
    EXPECT_EQ(catalog().lead("3387").contactSpanMm(), std::make_pair(1.5, 12.0));
    EXPECT_EQ(Lead{}.contactSpanMm(), std::make_pair(0.0, 0.0));
}

TEST(LeadGeometry, DirectionalLeadsAreOneThreeThreeOneWithLetteredSegments) {
    for (const char* id : {"B33005", "B33015", "DB-2202", "6172", "6173"}) {
        const Lead& l = catalog().lead(id);
        EXPECT_TRUE(l.directional) << id;
        ASSERT_EQ(l.contacts.size(), 8u) << id;
        EXPECT_EQ(l.levelCount(), 4) << id;
        int segments = 0;
        for (const auto& c : l.contacts)
            if (c.shape == ContactShape::Segment) {
                ++segments;
                EXPECT_TRUE(c.name.back() >= 'a' && c.name.back() <= 'c') << c.name;
                // 90-degree arc of a ring of the same diameter (FACTS.md; OSS-DBS modelling choice).
                EXPECT_NEAR(c.areaMm2, kPi * l.diameterMm * l.contactLengthMm / 4.0, 1e-12);
            }
        EXPECT_EQ(segments, 6) << id;
    }
    const Lead& abbott = catalog().lead("6172");
    EXPECT_EQ(abbott.contactNames(), "1, 2a, 2b, 2c, 3a, 3b, 3c, 4");
    EXPECT_NEAR(abbott.contacts[1].angleDeg, 0.0, 1e-12);  // segment a on +x, the marker
    EXPECT_NEAR(abbott.contacts[2].angleDeg, 120.0, 1e-12);
    EXPECT_NEAR(abbott.contacts[3].angleDeg, 240.0, 1e-12);
}

TEST(LeadGeometry, SegmentOfA3389SizedRingIs1p50mm2) {
    // FACTS.md: a 90-degree segment of the 3389 ring is 1.50 mm2 (derived).
    const std::string json = R"({"id":"s","manufacturer":"M","model":"m","diameter_mm":1.27,"tip_length_mm":1.5,
      "contact_length_mm":1.5,"gap_mm":0.5,"segment_arc_deg":90,
      "levels":[{"type":"segmented","contacts":["1a","1b","1c"],"angles_deg":[0,120,240]}],"sources":["t"]})";
    EXPECT_NEAR(parseLead(json, "s.json").contacts[0].areaMm2, 1.496, 0.001);
}

TEST(LeadGeometry, BostonDirectionalTipIsContactOne) {
    const Lead& l = catalog().lead("DB-2202");
    const Contact& tip = l.contacts[0];
    EXPECT_EQ(tip.name, "1");
    EXPECT_EQ(tip.shape, ContactShape::Tip);
    EXPECT_DOUBLE_EQ(tip.zMinMm, 0.0);
    EXPECT_DOUBLE_EQ(tip.zMaxMm, 1.5);
    // Hemisphere plus cylinder: 2*pi*r^2 + 2*pi*r*(h - r) = pi*d*h.
    EXPECT_NEAR(tip.areaMm2, kPi * 1.3 * 1.5, 1e-12);
    EXPECT_NEAR(l.contacts[1].centreZMm(), 1.5 + 0.5 + 0.75, 1e-12);
}

TEST(LeadGeometry, ContactLookupIsCaseInsensitive) {
    const Lead& l = catalog().lead("db-2202");
    EXPECT_EQ(l.contactIndex("2A").value(), 1);
    EXPECT_FALSE(l.contactIndex("9").has_value());
    EXPECT_THROW(catalog().lead("3390"), InputError);
}

TEST(LeadFiles, MalformedFilesNameTheFileAndTheField) {
    struct Case { std::string json, field; };
    const std::vector<Case> cases = {
        {replaced(kValid3389, R"("diameter_mm":1.27,)", ""), "diameter_mm"},                     // missing field
        {replaced(kValid3389, R"("diameter_mm":1.27)", R"("diameter_mm":"wide")"), "diameter_mm"},  // wrong type
        {replaced(kValid3389, R"("contact_length_mm":1.5)", R"("contact_length_mm":-1.5)"), "contact_length_mm"},
        {replaced(kValid3389, R"("gap_mm":0.5)", R"("gap_mm":0)"), "gap_mm"},
        {replaced(kValid3389, R"("type":"ring","contacts":["1"])", R"("type":"spiral","contacts":["1"])"), "levels[1].type"},
        {replaced(kValid3389, R"(["1"])", R"(["0"])"), "levels[1].contacts"},  // duplicate name
        {replaced(kValid3389, R"(["1"])", R"(["C"])"), "levels[1].contacts"},  // reserved for the case
        {replaced(kValid3389, R"(["1"])", R"(["1","2"])"), "levels[1].contacts"},  // two names on a ring
        {replaced(kValid3389, R"("sources":["test"])", R"("sources":[])"), "sources"},
        {replaced(kValid3389, R"("tip_length_mm":1.5)", R"("tip_length_mm":1.5, "levels_x":1)").substr(0, 40), "JSON syntax"},
    };
    for (const auto& c : cases) {
        const std::string msg = leadError(c.json);
        EXPECT_NE(msg.find("bad_lead.json"), std::string::npos) << msg;
        EXPECT_NE(msg.find(c.field), std::string::npos) << "expected field " << c.field << " in: " << msg;
    }
    EXPECT_EQ(leadError(kValid3389), "");
}

TEST(LeadFiles, SegmentsThatOverlapAreRefused) {
    const std::string json = R"({"id":"s","manufacturer":"M","model":"m","diameter_mm":1.27,"tip_length_mm":1.5,
      "contact_length_mm":1.5,"gap_mm":0.5,"segment_arc_deg":90,
      "levels":[{"type":"segmented","contacts":["1a","1b","1c"],"angles_deg":[0,60,240]}],"sources":["t"]})";
    const std::string msg = leadError(json);
    EXPECT_NE(msg.find("levels[0].angles_deg"), std::string::npos) << msg;
    const std::string tipLate = replaced(kValid3389, R"("type":"ring","contacts":["1"])", R"("type":"tip","contacts":["1"])");
    EXPECT_NE(leadError(tipLate).find("levels[1].type"), std::string::npos) << leadError(tipLate);
}

TEST(LeadFiles, UnreadableFileIsAnInputErrorNotACrash) {
    try {
        loadLead("/nonexistent/lead.json");
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/lead.json"), std::string::npos);
    }
}
