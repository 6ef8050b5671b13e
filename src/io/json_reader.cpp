#include "io/json_reader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "dbsprog/error.hpp"

namespace dbsprog::io {

namespace {
std::string shown(const nlohmann::json& v) {
    std::string s = v.dump();
    if (s.size() > 60) s = s.substr(0, 57) + "...";
    return s;
}

const char* typeName(const nlohmann::json& v) {
    if (v.is_null()) return "null";
    if (v.is_boolean()) return "boolean";
    if (v.is_number()) return "number";
    if (v.is_string()) return "string";
    if (v.is_array()) return "array";
    return "object";
}

std::string numberText(double v) {
    std::ostringstream ss;
    ss << v;
    return ss.str();
}

std::string rangeText(double lo, double hi) {
    const double inf = std::numeric_limits<double>::infinity();
    if (hi == inf || hi >= std::numeric_limits<double>::max()) return "a number >= " + numberText(lo);
    return "a number from " + numberText(lo) + " to " + numberText(hi);
}
}  // namespace

JsonReader JsonReader::parse(const std::string& text, const std::string& source) {
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        // nlohmann reports the byte position; turn it into the line a user can find.
        const size_t byte = std::min<size_t>(e.byte, text.size());
        const size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(byte), '\n'));
        throw InputError(source, "JSON syntax", "error near line " + std::to_string(line), "well-formed JSON");
    }
    if (!doc.is_object()) throw InputError(source, "top level", typeName(doc), "a JSON object");
    return JsonReader(doc, source, "");
}

JsonReader::JsonReader(const nlohmann::json& node, std::string source, std::string path)
    : node_(node), source_(std::move(source)), path_(std::move(path)) {}

std::string JsonReader::fieldPath(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
}

void JsonReader::fail(const std::string& key, const std::string& allowed) const {
    const std::string value = node_.contains(key) ? shown(node_.at(key)) : "(missing)";
    throw InputError(source_, fieldPath(key), value, allowed);
}

bool JsonReader::has(const std::string& key) const { return node_.contains(key) && !node_.at(key).is_null(); }

const nlohmann::json& JsonReader::require(const std::string& key) const {
    if (!node_.contains(key)) throw InputError(source_, fieldPath(key), "(missing)", "a value is required");
    return node_.at(key);
}

JsonReader JsonReader::object(const std::string& key) const {
    const auto& v = require(key);
    if (!v.is_object()) fail(key, "an object");
    return JsonReader(v, source_, fieldPath(key));
}

std::optional<JsonReader> JsonReader::optionalObject(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    return object(key);
}

std::vector<JsonReader> JsonReader::array(const std::string& key, size_t minSize) const {
    const auto& v = require(key);
    if (!v.is_array() || v.size() < minSize)
        fail(key, "an array of at least " + std::to_string(minSize) + " object(s)");
    std::vector<JsonReader> out;
    for (size_t i = 0; i < v.size(); ++i) {
        const std::string p = fieldPath(key) + "[" + std::to_string(i) + "]";
        if (!v[i].is_object()) throw InputError(source_, p, shown(v[i]), "an object");
        out.emplace_back(v[i], source_, p);
    }
    return out;
}

std::string JsonReader::string(const std::string& key) const {
    const auto& v = require(key);
    if (!v.is_string() || v.get<std::string>().empty()) fail(key, "a non-empty string");
    return v.get<std::string>();
}

std::string JsonReader::stringOr(const std::string& key, const std::string& fallback) const {
    return has(key) ? string(key) : fallback;
}

std::string JsonReader::choice(const std::string& key, const std::vector<std::string>& allowed) const {
    const std::string s = string(key);
    for (const auto& a : allowed)
        if (a == s) return s;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + ("\"" + a + "\"");
    fail(key, "one of " + list);
}

bool JsonReader::boolean(const std::string& key) const {
    const auto& v = require(key);
    if (!v.is_boolean()) fail(key, "true or false");
    return v.get<bool>();
}

bool JsonReader::booleanOr(const std::string& key, bool fallback) const { return has(key) ? boolean(key) : fallback; }

double JsonReader::number(const std::string& key, double lo, double hi) const {
    const auto& v = require(key);
    if (!v.is_number()) fail(key, rangeText(lo, hi));
    const double d = v.get<double>();
    if (!std::isfinite(d) || d < lo || d > hi) fail(key, rangeText(lo, hi));
    return d;
}

double JsonReader::numberOr(const std::string& key, double fallback, double lo, double hi) const {
    return has(key) ? number(key, lo, hi) : fallback;
}

double JsonReader::positive(const std::string& key, double hi) const {
    const auto& v = require(key);
    const std::string allowed = "a number > 0 and <= " + numberText(hi);
    if (!v.is_number()) fail(key, allowed);
    const double d = v.get<double>();
    if (!std::isfinite(d) || d <= 0.0 || d > hi) fail(key, allowed);
    return d;
}

int JsonReader::integer(const std::string& key, int lo, int hi) const {
    const auto& v = require(key);
    const std::string allowed = "a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
    if (!v.is_number_integer()) fail(key, allowed);
    const auto i = v.get<long long>();
    if (i < lo || i > hi) fail(key, allowed);
    return static_cast<int>(i);
}

std::vector<std::string> JsonReader::stringList(const std::string& key, size_t minSize) const {
    const auto& v = require(key);
    const std::string allowed = "an array of at least " + std::to_string(minSize) + " non-empty string(s)";
    if (!v.is_array() || v.size() < minSize) fail(key, allowed);
    std::vector<std::string> out;
    for (size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_string() || v[i].get<std::string>().empty())
            throw InputError(source_, fieldPath(key) + "[" + std::to_string(i) + "]", shown(v[i]), "a non-empty string");
        out.push_back(v[i].get<std::string>());
    }
    return out;
}

std::vector<std::string> JsonReader::stringListOr(const std::string& key) const {
    return has(key) ? stringList(key) : std::vector<std::string>{};
}

std::vector<double> JsonReader::numbers(const std::string& key, size_t count, double lo, double hi) const {
    auto v = numberList(key, lo, hi);
    static const char* const kWords[] = {"no", "one", "two", "three", "four", "five"};
    const std::string howMany = count < 6 ? kWords[count] : std::to_string(count);
    if (v.size() != count) fail(key, howMany + " numbers in " + rangeText(lo, hi));
    return v;
}

void JsonReader::rejectUnknownKeys(const std::vector<std::string>& known) const {
    for (auto it = node_.begin(); it != node_.end(); ++it) {
        if (std::find(known.begin(), known.end(), it.key()) != known.end()) continue;
        std::string list;
        for (const auto& k : known) list += (list.empty() ? "" : ", ") + ("\"" + k + "\"");
        throw InputError(source_, fieldPath(it.key()), "(unknown key)", "one of " + list);
    }
}

std::vector<double> JsonReader::numberList(const std::string& key, double lo, double hi) const {
    const auto& v = require(key);
    if (!v.is_array()) fail(key, "an array of numbers");
    std::vector<double> out;
    for (size_t i = 0; i < v.size(); ++i) {
        const std::string p = fieldPath(key) + "[" + std::to_string(i) + "]";
        if (!v[i].is_number()) throw InputError(source_, p, shown(v[i]), rangeText(lo, hi));
        const double d = v[i].get<double>();
        if (!std::isfinite(d) || d < lo || d > hi) throw InputError(source_, p, shown(v[i]), rangeText(lo, hi));
        out.push_back(d);
    }
    return out;
}

}  // namespace dbsprog::io
