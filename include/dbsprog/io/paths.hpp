#pragma once
#include <string>

namespace dbsprog::io {

/// The models directory: $DBSPROG_MODELS if set, else the source tree's models/ baked in at build time.
std::string modelsDir();

/// Writes `contents` to `path` atomically: a temporary file in the same directory, flushed, then
/// renamed over the target, so a reader never sees a half-written file. Throws InputError on failure.
void writeFileAtomic(const std::string& path, const std::string& contents);

/// Reads a whole file; throws InputError naming the path if it cannot be read.
std::string readFile(const std::string& path);

}  // namespace dbsprog::io
