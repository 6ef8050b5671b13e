#pragma once
/// Errors the core throws for bad input. Every message names where the problem is (file or
/// source), the field, the value found and what is allowed, so a user can fix it without a debugger.
#include <stdexcept>
#include <string>

namespace dbsprog {

/// Bad input: a malformed model file, an impossible program, an out-of-range option.
class InputError : public std::runtime_error {
public:
    /// @param source  where the input came from (a file path, "program", "--impedance", ...)
    /// @param field   the field or token at fault ("diameter_mm", "amplitude", "contact '9'")
    /// @param value   the value found, as the user wrote it
    /// @param allowed what would have been accepted
    InputError(std::string source, std::string field, std::string value, std::string allowed);

    const std::string& source() const { return source_; }
    const std::string& field() const { return field_; }
    const std::string& value() const { return value_; }
    const std::string& allowed() const { return allowed_; }

private:
    std::string source_, field_, value_, allowed_;
};

}  // namespace dbsprog
