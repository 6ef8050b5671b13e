// dbsprog: the command-line program (core only, runs on a headless node).
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/cli.hpp"
#include "dbsprog/error.hpp"
#include "dbsprog/io/paths.hpp"

namespace dbsprog::cli {

void printJson(const nlohmann::json& j) { std::cout << j.dump(2) << "\n"; }

std::string fixed(double v, int decimals) {
    std::ostringstream ss;
    ss << std::fixed << std::setprecision(decimals) << v;
    return ss.str();
}

}  // namespace dbsprog::cli

int main(int argc, char** argv) {
    using namespace dbsprog;
    CLI::App app{"dbsprog: deep brain stimulation programming simulator (command line)"};
    app.require_subcommand(1);
    cli::Options options;
    options.modelsDir = io::modelsDir();
    app.add_option("--models", options.modelsDir, "models directory (leads/, ipgs/, patients/)")->capture_default_str();

    cli::Action action;
    cli::addDeviceCommands(app, options, action);
    cli::addFieldCommands(app, options, action);
    cli::addPatientCommands(app, options, action);
    cli::addSweepCommands(app, options, action);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    try {
        if (action) action();
    } catch (const InputError& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
