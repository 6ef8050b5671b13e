#include "dbsprog/device/program.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <sstream>

#include "dbsprog/error.hpp"

namespace dbsprog::device {

namespace {

constexpr const char* kSource = "program";
constexpr const char* kTokenHelp =
    "contacts with polarity (C+, 1-, 2a-60%), an amplitude (3.0mA or 2.5V), a pulse width (90us) "
    "and a frequency (130Hz), separated by spaces";
// Shares are written to one decimal at most; comparisons allow for binary rounding.
constexpr double kShareTolerancePercent = 1e-6;
constexpr double kRelativeTolerance = 1e-9;

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool endsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// A plain non-negative decimal number, the whole string ("3", "3.0", ".5"); nullopt otherwise.
std::optional<double> parseNumber(std::string_view text) {
    if (text.empty() || text.size() > 32) return std::nullopt;
    for (char c : text)
        if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.') return std::nullopt;
    const std::string s(text);
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::string formatNumber(double v, int minDecimals) {
    std::ostringstream ss;
    ss << std::setprecision(10) << v;
    std::string s = ss.str();
    if (minDecimals > 0 && s.find('.') == std::string::npos && s.find('e') == std::string::npos) s += ".0";
    return s;
}

bool nearlyEqual(double a, double b) {
    return std::fabs(a - b) <= kRelativeTolerance * std::max({1.0, std::fabs(a), std::fabs(b)});
}

/// "2a-60%" -> contact; nullopt when the token is not a contact.
std::optional<ProgramContact> parseContact(std::string_view tok) {
    size_t signPos = 0;
    while (signPos < tok.size() && std::isalnum(static_cast<unsigned char>(tok[signPos]))) ++signPos;
    if (signPos == 0 || signPos >= tok.size() || (tok[signPos] != '+' && tok[signPos] != '-')) return std::nullopt;
    ProgramContact c;
    c.name = std::string(tok.substr(0, signPos));
    if (lower(c.name) == "c") c.name = std::string(kCaseName);
    c.polarity = tok[signPos] == '-' ? Polarity::Cathode : Polarity::Anode;
    const std::string_view rest = tok.substr(signPos + 1);
    if (rest.empty()) return c;
    if (rest.back() != '%') return std::nullopt;
    const auto share = parseNumber(rest.substr(0, rest.size() - 1));
    if (!share || *share <= 0.0 || *share > 100.0)
        throw InputError(kSource, "share of contact " + c.name, std::string(rest), "a percentage above 0 and at most 100");
    c.sharePercent = *share;
    c.shareGiven = true;
    return c;
}

void fillShares(std::vector<ProgramContact>& contacts, Polarity polarity) {
    int count = 0, given = 0;
    double sum = 0.0;
    for (const auto& c : contacts)
        if (c.polarity == polarity) {
            ++count;
            if (c.shareGiven) ++given, sum += c.sharePercent;
        }
    const char* group = polarity == Polarity::Cathode ? "cathode" : "anode";
    if (given == 0) {
        for (auto& c : contacts)
            if (c.polarity == polarity) c.sharePercent = 100.0 / count;
        return;
    }
    if (given != count)
        throw InputError(kSource, std::string(group) + " shares", std::to_string(given) + " of " + std::to_string(count) + " given",
                         "a share on every " + std::string(group) + " or on none (then they split equally)");
    if (std::fabs(sum - 100.0) > kShareTolerancePercent * 100.0)
        throw InputError(kSource, std::string(group) + " shares", formatNumber(sum, 0) + "% in total",
                         "shares of one polarity adding up to 100%");
}

}  // namespace

bool ProgramContact::operator==(const ProgramContact& o) const {
    return name == o.name && polarity == o.polarity && shareGiven == o.shareGiven &&
           nearlyEqual(sharePercent, o.sharePercent);
}

bool Program::monopolar() const {
    return std::any_of(contacts.begin(), contacts.end(), [](const ProgramContact& c) { return c.isCase(); });
}

bool Program::operator==(const Program& o) const {
    return contacts == o.contacts && mode == o.mode && nearlyEqual(amplitude, o.amplitude) &&
           nearlyEqual(pulseWidthUs, o.pulseWidthUs) && nearlyEqual(frequencyHz, o.frequencyHz);
}

std::string formatAmplitude(double amplitude, ControlMode mode) {
    return formatNumber(amplitude, 1) + (mode == ControlMode::Current ? "mA" : "V");
}

std::string Program::toString() const {
    std::string s;
    for (const auto& c : contacts) {
        s += c.name + (c.polarity == Polarity::Cathode ? "-" : "+");
        if (c.shareGiven) s += formatNumber(c.sharePercent, 0) + "%";
        s += ' ';
    }
    s += formatAmplitude(amplitude, mode) + ' ' + formatNumber(pulseWidthUs, 0) + "us " + formatNumber(frequencyHz, 0) + "Hz";
    return s;
}

Program parseProgram(std::string_view text) {
    Program p;
    bool haveAmplitude = false, havePulseWidth = false, haveFrequency = false;
    std::istringstream in{std::string(text)};
    std::string tok;
    while (in >> tok) {
        if (auto contact = parseContact(tok)) {
            for (const auto& c : p.contacts)
                if (lower(c.name) == lower(contact->name))
                    throw InputError(kSource, "contact " + contact->name, tok, "each contact once");
            p.contacts.push_back(*contact);
            continue;
        }
        const std::string low = lower(tok);
        // Accept "us", "µs" (micro sign) and "μs" (Greek mu) for microseconds.
        struct Unit { const char* suffix; int kind; };
        static const Unit units[] = {{"ma", 0}, {"v", 1}, {"us", 2}, {"\xc2\xb5s", 2}, {"\xce\xbcs", 2}, {"hz", 3}};
        const Unit* unit = nullptr;
        for (const auto& u : units)
            if (endsWith(low, u.suffix)) { unit = &u; break; }
        if (!unit) throw InputError(kSource, "token", "\"" + tok + "\"", kTokenHelp);
        const auto value = parseNumber(std::string_view(tok).substr(0, tok.size() - std::string_view(unit->suffix).size()));
        static const char* fieldNames[] = {"amplitude", "amplitude", "pulse width", "frequency"};
        const std::string field = fieldNames[unit->kind];
        if (!value) throw InputError(kSource, field, "\"" + tok + "\"", "a number followed by its unit, e.g. 3.0mA, 2.5V, 90us, 130Hz");
        bool& seen = unit->kind <= 1 ? haveAmplitude : unit->kind == 2 ? havePulseWidth : haveFrequency;
        if (seen) throw InputError(kSource, field, "\"" + tok + "\"", "one " + field + " per program");
        seen = true;
        if (unit->kind <= 1) {
            p.mode = unit->kind == 0 ? ControlMode::Current : ControlMode::Voltage;
            p.amplitude = *value;
        } else if (unit->kind == 2) {
            p.pulseWidthUs = *value;
        } else {
            p.frequencyHz = *value;
        }
    }
    if (!haveAmplitude) throw InputError(kSource, "amplitude", "(missing)", "an amplitude such as 3.0mA or 2.5V");
    if (!havePulseWidth) throw InputError(kSource, "pulse width", "(missing)", "a pulse width such as 60us");
    if (!haveFrequency) throw InputError(kSource, "frequency", "(missing)", "a frequency such as 130Hz");
    const auto count = [&](Polarity pol) {
        return std::count_if(p.contacts.begin(), p.contacts.end(), [pol](const ProgramContact& c) { return c.polarity == pol; });
    };
    if (count(Polarity::Cathode) == 0)
        throw InputError(kSource, "cathode", "(none)", "at least one contact written with '-' (e.g. 1-)");
    if (count(Polarity::Anode) == 0)
        throw InputError(kSource, "anode", "(none)", "at least one contact written with '+' (C+ for the case, monopolar)");
    fillShares(p.contacts, Polarity::Cathode);
    fillShares(p.contacts, Polarity::Anode);
    return p;
}

}  // namespace dbsprog::device
