#pragma once
// Runs the dbsprog program as a user would, for the CLI tests: stdout and stderr together, exit code.
#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

struct CliRun {
    int exitCode;
    std::string out;  // stdout and stderr together
};

inline CliRun run(const std::string& args, const std::string& modelsDir = DBSPROG_TEST_MODELS_DIR) {
    const std::string cmd = std::string(DBSPROG_CLI_PATH) + " --models " + modelsDir + " " + args + " 2>&1";
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) return {-1, "popen failed"};
    std::string out;
    std::array<char, 4096> buf{};
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
    const int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}
