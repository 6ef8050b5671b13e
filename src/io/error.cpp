#include "dbsprog/error.hpp"

namespace dbsprog {

namespace {
std::string compose(const std::string& source, const std::string& field, const std::string& value,
                    const std::string& allowed) {
    std::string msg = source.empty() ? std::string() : source + ": ";
    msg += field;
    if (!value.empty()) msg += " = " + value;
    msg += " is not accepted";
    if (!allowed.empty()) msg += "; allowed: " + allowed;
    return msg;
}
}  // namespace

InputError::InputError(std::string source, std::string field, std::string value, std::string allowed)
    : std::runtime_error(compose(source, field, value, allowed)),
      source_(std::move(source)),
      field_(std::move(field)),
      value_(std::move(value)),
      allowed_(std::move(allowed)) {}

}  // namespace dbsprog
