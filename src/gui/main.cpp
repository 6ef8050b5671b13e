// dbsprog-gui: the programmer window. With --screenshot it renders a few frames in a hidden
// window, writes a PNG and exits (for documentation and checks under Xvfb).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>
#include <iostream>
#include <memory>
#include <string>

#include "dbsprog/error.hpp"
#include "dbsprog/patient/duration.hpp"
#include "gui/gui_app.hpp"
#include "gui/png_writer.hpp"
#include "gui/settings.hpp"

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
    if (sim.patient) {
        const auto severity = sim.patient->severity(sim.patientState);
        std::printf("Severity   %.1f / %.0f %s after %s (%.0f %% relief)\n", severity.clinicalScore, c.clinicalScaleMax,
                    c.clinicalScale.c_str(), dbsprog::patient::formatDuration(sim.patientState.timeS).c_str(),
                    100.0 * severity.relief);
    }
}

/// Frame-time distribution of a benchmark run, milliseconds.
void printFrameTimes(std::vector<double> ms) {
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * (ms.size() - 1) + 0.5))]; };
    double sum = 0.0;
    for (double v : ms) sum += v;
    std::printf("Frames     %zu\nFrame ms   median %.2f  p90 %.2f  p99 %.2f  max %.2f  mean %.2f\n", ms.size(), at(0.5),
                at(0.9), at(0.99), ms.back(), sum / static_cast<double>(ms.size()));
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
    std::string mode;
    bool benchmark = false;
    double benchmarkClockSpeed = 0.0;
    double benchmarkOrbitDeg = 0.0;
    std::string after;
    cli.add_option("--mode", mode, "Who the window is for: clinician, patient or research (default: as last time)")
        ->check(CLI::IsMember({"clinician", "patient", "research"}));
    cli.add_flag("--benchmark", benchmark, "Render --frames frames in a hidden window and print the frame-time distribution");
    cli.add_option("--benchmark-clock", benchmarkClockSpeed,
                   "With --benchmark: simulated seconds per real second while rendering (0: clock paused)")
        ->check(CLI::Range(0.0, 1e7));
    cli.add_option("--benchmark-orbit", benchmarkOrbitDeg,
                   "With --benchmark: turn the 3D view by this many degrees each frame, so it re-renders every frame")
        ->check(CLI::Range(0.0, 180.0));
    cli.add_option("--after", after, "Run the program for this long before the first frame (30s, 1d, 3mo, ...)");
    cli.add_option("--screenshot", screenshot, "Render in a hidden window, write this PNG and exit");
    cli.add_option("--frames", frames, "Frames to render before the screenshot (or before exiting)")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    cli.add_option("--width", options.widthPx, "Window width, screen pixels")->check(CLI::Range(320, 16384))->capture_default_str();
    cli.add_option("--height", options.heightPx, "Window height, screen pixels")->check(CLI::Range(240, 16384))->capture_default_str();
    CLI11_PARSE(cli, argc, argv);

    const bool frameLimited = !screenshot.empty() || benchmark || cli.count("--frames") > 0;
    if (!program.empty()) options.programText = program;
    // Settings persist only for interactive sessions: screenshots and benchmarks are reproducible.
    const std::string settingsPath = frameLimited ? std::string() : dbsprog::gui::defaultSettingsPath();
    std::string settingsProblem;
    dbsprog::gui::GuiSettings settings = dbsprog::gui::loadSettings(settingsPath, &settingsProblem);
    if (!settingsProblem.empty()) std::cerr << "dbsprog-gui: " << settingsProblem << "\n";
    if (!mode.empty()) settings.mode = *dbsprog::gui::parseMode(mode);
    if (cli.count("--case") == 0 && !settings.caseId.empty()) options.caseId = settings.caseId;
    options.mode = settings.mode;
    if (!screenshot.empty() || benchmark) {
        options.visible = false;
        options.vsync = false;  // nothing is shown, so do not wait for a monitor refresh
    }

    try {
        if (!after.empty()) options.afterS = dbsprog::patient::parseDurationS(after, "--after");
        std::unique_ptr<dbsprog::gui::GuiApp> appOwner;
        try {
            appOwner = std::make_unique<dbsprog::gui::GuiApp>(options);
        } catch (const dbsprog::InputError&) {
            // A remembered case that no longer exists must not lock the user out: fall back once.
            if (options.caseId == settings.caseId && cli.count("--case") == 0 && options.caseId != dbsprog::patient::kDefaultCaseId) {
                options.caseId = dbsprog::patient::kDefaultCaseId;
                appOwner = std::make_unique<dbsprog::gui::GuiApp>(options);
            } else {
                throw;
            }
        }
        dbsprog::gui::GuiApp& app = *appOwner;
        if (!frameLimited) {
            app.ui().showLabels = settings.showLabels;
            app.ui().showGrid = settings.showGrid;
            if (settings.clockSpeed > 0.0) app.ui().clockSpeed = settings.clockSpeed;
            const int code = app.runUntilClosed();
            settings.mode = app.ui().mode;
            // A case opened from a file elsewhere is not remembered: its id may be unknown to, or
            // name another case in, the shipped list the next start looks it up in.
            if (app.simulation().caseFilePath.empty()) settings.caseId = app.simulation().patientCase.id;
            settings.showLabels = app.ui().showLabels;
            settings.showGrid = app.ui().showGrid;
            settings.clockSpeed = app.ui().clockSpeed;
            try {
                dbsprog::gui::saveSettings(settingsPath, settings);
            } catch (const std::exception& error) {
                std::cerr << "dbsprog-gui: settings not saved: " << error.what() << "\n";
            }
            return code;
        }
        if (benchmark) {
            app.setClockSpeed(benchmarkClockSpeed);
            std::vector<double> ms;
            for (int i = 0; i < frames; ++i) {
                const auto start = std::chrono::steady_clock::now();
                if (benchmarkOrbitDeg > 0.0) app.ui().camera.orbit(static_cast<float>(benchmarkOrbitDeg / dbsprog::render::OrbitCamera::kDegreesPerPixel), 0.0f);
                app.runFrame();
                ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
            }
            std::printf("Window     %d x %d, mode %s, clock %.0f s/s, view turning %.1f deg/frame\n", options.widthPx,
                        options.heightPx, dbsprog::gui::modeName(options.mode), benchmarkClockSpeed, benchmarkOrbitDeg);
            printFrameTimes(ms);
            return 0;
        }
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
