#pragma once
// Validated access to a JSON model file: every failure names the file, the field path, the value
// found and what is allowed. Internal to the core (nlohmann_json is a private dependency).
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace dbsprog::io {

class JsonReader {
public:
    /// Parses `text`; `source` (usually the file path) names it in errors.
    static JsonReader parse(const std::string& text, const std::string& source);

    JsonReader(const nlohmann::json& node, std::string source, std::string path);

    const std::string& source() const { return source_; }
    const std::string& path() const { return path_; }
    const nlohmann::json& node() const { return node_; }
    bool has(const std::string& key) const;

    JsonReader object(const std::string& key) const;
    std::optional<JsonReader> optionalObject(const std::string& key) const;
    std::vector<JsonReader> array(const std::string& key, size_t minSize = 0) const;

    std::string string(const std::string& key) const;
    std::string stringOr(const std::string& key, const std::string& fallback) const;
    /// One of `allowed`.
    std::string choice(const std::string& key, const std::vector<std::string>& allowed) const;
    bool boolean(const std::string& key) const;
    bool booleanOr(const std::string& key, bool fallback) const;
    /// A finite number in [lo, hi].
    double number(const std::string& key, double lo, double hi) const;
    double numberOr(const std::string& key, double fallback, double lo, double hi) const;
    /// A finite number > 0 and <= hi.
    double positive(const std::string& key, double hi) const;
    int integer(const std::string& key, int lo, int hi) const;
    std::vector<std::string> stringList(const std::string& key, size_t minSize = 0) const;
    std::vector<std::string> stringListOr(const std::string& key) const;
    std::vector<double> numberList(const std::string& key, double lo, double hi) const;
    /// Exactly `count` numbers in [lo, hi] ("centre_mm": [x, y, z]).
    std::vector<double> numbers(const std::string& key, size_t count, double lo, double hi) const;
    /// Rejects keys this object does not know (a misspelt key would otherwise be silently ignored).
    void rejectUnknownKeys(const std::vector<std::string>& known) const;

    /// Throws InputError for `key` of this object.
    [[noreturn]] void fail(const std::string& key, const std::string& allowed) const;

    /// Full field path for errors: "levels[2].contacts".
    std::string fieldPath(const std::string& key) const;

private:
    const nlohmann::json& require(const std::string& key) const;
    nlohmann::json node_;
    std::string source_;
    std::string path_;
};

}  // namespace dbsprog::io
