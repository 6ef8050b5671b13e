// dbsprog-gui: the programmer window. With --screenshot it renders a few frames in a hidden
// window, writes a PNG and exits (for documentation and checks under Xvfb).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>

#include "dbsprog/error.hpp"
#include "gui/gui_app.hpp"
#include "gui/png_writer.hpp"

namespace {

/// A few lines on the session a headless run rendered: who the patient is and what runs.
void printSummary(const dbsprog::gui::SimulationState& sim) {
    const auto& c = sim.patientCase;
    std::cout << "Patient    " << c.title << "\n"
              << "           " << c.clinicalScale << " " << c.baselineSeverity << " / " << c.clinicalScaleMax
              << " with stimulation off\n"
              << "Device     " << sim.lead.displayName << " lead, " << sim.ipg.displayName << "\n";
    if (!sim.report) {
        std::cout << "Program    none running (the case's program was refused)\n";
        return;
    }
    const auto& r = *sim.report;
    double maxDensity = 0.0;
    for (const auto& load : r.contacts) maxDensity = std::max(maxDensity, load.chargeDensityUcPerCm2);
    char line[256];
    std::snprintf(line, sizeof line, "%.2f mA, up to %.1f uC/cm2/phase, TEED %.1f uJ/s", r.totalCurrentMa, maxDensity,
                  r.energy.teedUjPerS);
    std::cout << "Program    " << r.program.toString() << "  (" << line << ")\n";
    if (r.energy.batteryLifeMonths) std::printf("Battery    about %.0f months at this setting\n", *r.energy.batteryLifeMonths);
    if (r.energy.rechargeIntervalDays) std::printf("Recharge   every %.0f days at this setting\n", *r.energy.rechargeIntervalDays);
    std::cout << "Warnings   " << (r.warnings.empty() ? "none" : "") << "\n";
    for (const auto& w : r.warnings) std::cout << "  ! " << w.message << "\n";
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"dbsprog-gui: deep brain stimulation programming simulator (window)"};
    dbsprog::gui::GuiAppOptions options;
    std::string program;
    std::string screenshot;
    int frames = 3;
    cli.add_option("--case", options.caseId, "Case id from models/patients")->capture_default_str();
    cli.add_option("--program", program, "Program in clinical notation, e.g. \"C+ 1- 3.0mA 60us 130Hz\"");
    cli.add_option("--models", options.modelsDir, "Models folder (default: $DBSPROG_MODELS or the source tree's)");
    cli.add_option("--screenshot", screenshot, "Render in a hidden window, write this PNG and exit");
    cli.add_option("--frames", frames, "Frames to render before the screenshot (or before exiting)")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    cli.add_option("--width", options.widthPx, "Window width, screen pixels")->check(CLI::Range(320, 16384))->capture_default_str();
    cli.add_option("--height", options.heightPx, "Window height, screen pixels")->check(CLI::Range(240, 16384))->capture_default_str();
    CLI11_PARSE(cli, argc, argv);

    const bool frameLimited = !screenshot.empty() || cli.count("--frames") > 0;
    if (!program.empty()) options.programText = program;
    if (!screenshot.empty()) {
        options.visible = false;
        options.vsync = false;  // nothing is shown, so do not wait for a monitor refresh
    }

    try {
        dbsprog::gui::GuiApp app(options);
        if (!frameLimited) return app.runUntilClosed();
        dbsprog::render::Image image;
        for (int i = 0; i < frames; ++i) {
            if (i + 1 == frames && !screenshot.empty()) {
                image = app.runFrameAndCapture();
            } else {
                app.runFrame();
            }
        }
        if (!screenshot.empty()) {
            dbsprog::gui::writePng(screenshot, image);
            printSummary(app.simulation());
            std::cout << "Screenshot " << screenshot << "\n";
        }
        return 0;
    } catch (const dbsprog::gui::DisplayUnavailable& error) {
        std::cerr << "dbsprog-gui: " << error.what()
                  << "; run it in a desktop session or under xvfb-run (for screenshots).\n";
        return 3;
    } catch (const dbsprog::InputError& error) {
        std::cerr << "dbsprog-gui: " << error.what() << "\n";
        return 2;
    } catch (const std::exception& error) {
        std::cerr << "dbsprog-gui: " << error.what() << "\n";
        return 1;
    }
}
