#include "dbsprog/io/paths.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dbsprog/error.hpp"

namespace dbsprog::io {

std::string modelsDir() {
    if (const char* env = std::getenv("DBSPROG_MODELS"); env && *env) return env;
#ifdef DBSPROG_DEFAULT_MODELS_DIR
    return DBSPROG_DEFAULT_MODELS_DIR;
#else
    return "models";
#endif
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, "file", "", "a readable file (" + std::string(std::strerror(errno)) + ")");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void writeFileAtomic(const std::string& path, const std::string& contents) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::string tmpl = (dir / (target.filename().string() + ".tmp-XXXXXX")).string();
    const int fd = ::mkstemp(tmpl.data());
    if (fd < 0) throw InputError(path, "output file", "", "a writable directory (" + std::string(std::strerror(errno)) + ")");
    // mkstemp creates 0600; results and session records are ordinary user files.
    bool ok = ::fchmod(fd, 0644) == 0;
    for (size_t written = 0; ok && written < contents.size();) {
        const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) written += static_cast<size_t>(n);
    }
    ok = ok && ::fsync(fd) == 0;
    ok = (::close(fd) == 0) && ok;
    if (!ok || std::rename(tmpl.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        std::remove(tmpl.c_str());
        throw InputError(path, "output file", "", "a writable location (" + why + ")");
    }
}

}  // namespace dbsprog::io
