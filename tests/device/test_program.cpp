// Program notation: parsing, printing, round trip and every kind of refusal.
#include <gtest/gtest.h>

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

struct Refusal {
    std::string field, message;
};

// The refusal a program gets on a lead + generator, or an empty field when it is accepted.
Refusal refusal(const std::string& text, const std::string& leadId, const std::string& ipgId) {
    try {
        validateProgram(parseProgram(text), catalog().lead(leadId), catalog().ipg(ipgId));
    } catch (const InputError& e) {
        return {e.field(), e.what()};
    }
    return {};
}
}  // namespace

TEST(ProgramNotation, ParsesTheThreeForms) {
    const Program mono = parseProgram("C+ 1- 3.0mA 90us 130Hz");
    ASSERT_EQ(mono.contacts.size(), 2u);
    EXPECT_TRUE(mono.contacts[0].isCase());
    EXPECT_EQ(mono.contacts[0].polarity, Polarity::Anode);
    EXPECT_EQ(mono.contacts[1].name, "1");
    EXPECT_EQ(mono.contacts[1].polarity, Polarity::Cathode);
    EXPECT_EQ(mono.mode, ControlMode::Current);
    EXPECT_DOUBLE_EQ(mono.amplitude, 3.0);
    EXPECT_DOUBLE_EQ(mono.pulseWidthUs, 90.0);
    EXPECT_DOUBLE_EQ(mono.frequencyHz, 130.0);
    EXPECT_TRUE(mono.monopolar());

    const Program bi = parseProgram("1- 2+ 2.5V 60us 130Hz");
    EXPECT_EQ(bi.mode, ControlMode::Voltage);
    EXPECT_DOUBLE_EQ(bi.amplitude, 2.5);
    EXPECT_FALSE(bi.monopolar());

    const Program shares = parseProgram("C+ 2a-60% 2b-40% 2.0mA 60us 130Hz");
    EXPECT_DOUBLE_EQ(shares.contacts[1].sharePercent, 60.0);
    EXPECT_DOUBLE_EQ(shares.contacts[2].sharePercent, 40.0);
    EXPECT_DOUBLE_EQ(shares.contacts[0].sharePercent, 100.0);
}

TEST(ProgramNotation, OmittedSharesSplitEqually) {
    const Program p = parseProgram("C+ 2a- 2b- 2c- 3.0mA 60us 130Hz");
    for (int i = 1; i <= 3; ++i) EXPECT_NEAR(p.contacts[i].sharePercent, 100.0 / 3.0, 1e-12);
}

TEST(ProgramNotation, RoundTripParsePrintParse) {
    for (const char* text : {"C+ 1- 3.0mA 90us 130Hz", "1- 2+ 2.5V 60us 130Hz", "C+ 2a-60% 2b-40% 2.0mA 60us 130Hz",
                             "c+ 0- 1- 1.25V 450us 60Hz", "3+ 2a-33% 2b-33% 2c-34% 4.1mA 30us 180Hz",
                             "C+ 1- 0.5mA 90\xc2\xb5s 130Hz", "C+70% 4+30% 2- 12.7mA 10us 255Hz"}) {
        const Program first = parseProgram(text);
        const std::string printed = first.toString();
        const Program second = parseProgram(printed);
        EXPECT_EQ(first, second) << text << " -> " << printed;
        EXPECT_EQ(printed, second.toString());
    }
    EXPECT_EQ(parseProgram("C+ 1- 3mA 90us 130Hz").toString(), "C+ 1- 3.0mA 90us 130Hz");
    EXPECT_EQ(parseProgram("c+ 1- 3MA 90US 130hz").toString(), "C+ 1- 3.0mA 90us 130Hz");
}

TEST(ProgramNotation, SyntaxErrorsNameTheTokenAndWhatIsAllowed) {
    struct Bad { const char* text; const char* field; };
    for (const Bad& b : {Bad{"C+ 1- 3.0mA 90us", "frequency"}, Bad{"C+ 1- 90us 130Hz", "amplitude"},
                         Bad{"C+ 1- 3.0mA 130Hz", "pulse width"}, Bad{"C+ 1- 3.0mA 90us 130Hz 4x", "token"},
                         Bad{"C+ 1- 3.0mA 2.0mA 90us 130Hz", "amplitude"}, Bad{"C+ 1- 1- 3.0mA 90us 130Hz", "contact 1"},
                         Bad{"C+ 2+ 3.0mA 90us 130Hz", "cathode"}, Bad{"1- 2- 3.0mA 90us 130Hz", "anode"},
                         Bad{"C+ 1-60% 2- 3.0mA 90us 130Hz", "cathode shares"},
                         Bad{"C+ 1-60% 2-30% 3.0mA 90us 130Hz", "cathode shares"},
                         Bad{"C+ 1-0% 2-100% 3.0mA 90us 130Hz", "share of contact 1"},
                         Bad{"C+ 1- -3.0mA 90us 130Hz", "amplitude"}, Bad{"C+ 1- 3.0.1mA 90us 130Hz", "amplitude"},
                         Bad{"", "amplitude"}}) {
        try {
            parseProgram(b.text);
            ADD_FAILURE() << "accepted: " << b.text;
        } catch (const InputError& e) {
            EXPECT_EQ(e.field(), b.field) << b.text << " -> " << e.what();
            EXPECT_FALSE(e.allowed().empty()) << b.text;
        }
    }
}

TEST(ProgramChecks, AcceptsValidPrograms) {
    EXPECT_EQ(refusal("C+ 1- 3.0mA 90us 130Hz", "3389", "vercise-genus-p16").field, "");
    EXPECT_EQ(refusal("1- 2+ 2.5V 60us 130Hz", "3389", "percept-pc").field, "");
    EXPECT_EQ(refusal("C+ 2a-60% 2b-40% 2.0mA 60us 130Hz", "DB-2202", "vercise-genus-p16").field, "");
    EXPECT_EQ(refusal("C+ 2A- 2.0mA 60us 130Hz", "6172", "infinity-7").field, "");
}

TEST(ProgramChecks, RefusesWhatTheDeviceCannotDeliver) {
    struct Bad { const char *text, *lead, *ipg, *field, *mentions; };
    for (const Bad& b : {
             Bad{"C+ 1- 20.5mA 90us 130Hz", "3389", "vercise-genus-p16", "amplitude", "0-20 mA"},      // out of range
             Bad{"C+ 1- 3.05mA 90us 130Hz", "3389", "vercise-genus-p16", "amplitude", "steps of 0.1"},  // off step
             Bad{"C+ 1- 2.53V 90us 130Hz", "3389", "percept-pc", "amplitude", "steps of 0.05"},
             Bad{"C+ 1- 3.0mA 95us 130Hz", "3389", "vercise-genus-p16", "pulse width", "steps of 10"},
             Bad{"C+ 1- 3.0mA 500us 130Hz", "3389", "vercise-genus-p16", "pulse width", "10-450"},
             Bad{"C+ 1- 3.0mA 40us 130Hz", "3389", "activa-pc", "pulse width", "60-450"},
             Bad{"C+ 1- 3.0mA 90us 300Hz", "3389", "percept-pc", "frequency", "2-250"},
             Bad{"C+ 1- 3.0mA 90us 130.5Hz", "3389", "percept-pc", "frequency", "steps of 1"},
             Bad{"C+ 4- 3.0mA 90us 130Hz", "3389", "percept-pc", "contact", "0, 1, 2, 3"},  // contact not on lead
             Bad{"C+ 2- 3.0mA 90us 130Hz", "DB-2202", "vercise-genus-p16", "contact", "2a"},
             Bad{"C+ 1- 2.5V 90us 130Hz", "3389", "vercise-genus-p16", "amplitude unit", "current-controlled"},
             Bad{"C+ 2a-60% 2b-40% 2.0mA 60us 130Hz", "6172", "infinity-7", "current shares", "single current source"},
             Bad{"C+ 2a-60% 2b-40% 2.0V 60us 130Hz", "B33005", "percept-pc", "current shares", "voltage mode"},
             Bad{"C+ 2a-60.5% 2b-39.5% 2.0mA 60us 130Hz", "DB-2202", "vercise-genus-p16", "share of contact 2a", "1%"},
             Bad{"C+ 2a-70% 2b-30% 19.0mA 60us 130Hz", "DB-2202", "vercise-genus-p16", "current on contact 2a", "12.7 mA"},
             Bad{"C+ 1- 13.0mA 60us 130Hz", "6172", "infinity-7", "amplitude", "0-12.75"},
             Bad{"C+ 1- 13.0mA 60us 130Hz", "DB-2201", "vercise-genus-p16", "current on contact 1", "12.7 mA"},
         }) {
        const Refusal r = refusal(b.text, b.lead, b.ipg);
        EXPECT_EQ(r.field, b.field) << b.text << " -> " << r.message;
        EXPECT_NE(r.message.find(b.mentions), std::string::npos) << b.text << " -> " << r.message;
    }
}

TEST(ProgramChecks, ValidationUsesTheVendorsSpelling) {
    const Program p = validateProgram(parseProgram("C+ 2A- 2.0mA 60us 130Hz"), catalog().lead("6172"), catalog().ipg("infinity-7"));
    EXPECT_EQ(p.contacts[1].name, "2a");
}
