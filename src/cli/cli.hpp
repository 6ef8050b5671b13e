#pragma once
// Shared plumbing of the dbsprog command-line program: each command group registers its
// subcommands on the app and runs through one error-handling path in main.cpp.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace dbsprog::cli {

struct Options {
    std::string modelsDir;  ///< --models, default io::modelsDir()
};

/// A registered command's action, run after parsing succeeded.
using Action = std::function<void()>;

/// Registers leads, ipgs and check.
void addDeviceCommands(CLI::App& app, const Options& options, Action& action);

/// Registers field, vta and threshold.
void addFieldCommands(CLI::App& app, const Options& options, Action& action);

/// Registers cases, evaluate, review and trial (commands_patient.cpp).
void addPatientCommands(CLI::App& app, const Options& options, Action& action);

/// Registers sweep and merge (commands_sweep.cpp).
void addSweepCommands(CLI::App& app, const Options& options, Action& action);

/// Prints JSON with two-space indentation and a newline.
void printJson(const nlohmann::json& j);

/// Fixed-point text with the given number of decimals.
std::string fixed(double v, int decimals);

}  // namespace dbsprog::cli
