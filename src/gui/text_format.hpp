#pragma once
/// printf-style formatting into std::string, for labels built every frame.
#include <cstdarg>
#include <cstdio>
#include <string>

namespace dbsprog::gui {

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
inline std::string strf(const char* format, ...) {
    va_list args;
    va_start(args, format);
    char buffer[512];
    const int length = std::vsnprintf(buffer, sizeof buffer, format, args);
    va_end(args);
    if (length < 0) return {};
    if (static_cast<std::size_t>(length) < sizeof buffer) return std::string(buffer, static_cast<std::size_t>(length));
    std::string out(static_cast<std::size_t>(length) + 1, '\0');
    va_start(args, format);
    std::vsnprintf(out.data(), out.size(), format, args);
    va_end(args);
    out.resize(static_cast<std::size_t>(length));
    return out;
}

}  // namespace dbsprog::gui
