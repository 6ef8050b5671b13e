// The left panel (patient, program, contacts, energy) and the status bar. Widgets read the
// simulation state, write UI state and queue edits through GuiApp's actions; they compute no
// physics: every number shown comes from the core's CheckReport.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <vector>

#include "dbsprog/patient/duration.hpp"
#include "gui/file_dialog.hpp"
#include "gui/gui_app.hpp"
#include "gui/lead_diagram.hpp"
#include "gui/patient_figure.hpp"
#include "gui/timeline_plot.hpp"
#include "gui/window_chart.hpp"
#include "gui/text_format.hpp"
#include "gui/widgets.hpp"
#include "render/palette.hpp"

namespace dbsprog::gui {
namespace {

ImVec4 toImVec4(const Eigen::Vector3f& rgb, float alpha = 1.0f) { return ImVec4(rgb.x(), rgb.y(), rgb.z(), alpha); }

/// Polarity text colours: the view's colours lifted for legibility on the dark panel.
ImVec4 polarityTextColor(device::Polarity polarity) {
    const Eigen::Vector3f base =
        polarity == device::Polarity::Cathode ? render::palette::kCathode : render::palette::kAnode;
    const Eigen::Vector3f lifted = base + 0.35f * (Eigen::Vector3f::Ones() - base);
    return toImVec4(lifted);
}

/// "4 rings" / "1-3-3-1 directional" from the lead's levels.
std::string leadLayout(const device::Lead& lead) {
    std::map<int, int> perLevel;
    for (const device::Contact& contact : lead.contacts) ++perLevel[contact.level];
    if (!lead.directional) return strf("%zu rings", lead.contacts.size());
    std::string pattern;
    for (const auto& [level, count] : perLevel) {
        if (!pattern.empty()) pattern += "-";
        pattern += std::to_string(count);
    }
    return pattern + " directional";
}

std::string generatorSummary(const device::Ipg& ipg) {
    const std::string modes = ipg.currentMode && ipg.voltageMode ? "mA or V"
                              : ipg.currentMode                  ? "mA"
                                                                 : "V";
    const char* battery = ipg.battery.kind == device::BatteryKind::Primary ? "primary" : "rechargeable";
    return modes + ", " + battery;
}

/// A row whose value has a muted detail: on the same line when both fit, else below.
void infoRowWithDetail(const char* label, const std::string& value, const std::string& detail) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::TextColored(colors::kLabel, "%s", label);
    ImGui::TableSetColumnIndex(1);
    wrappedText(value);
    const float needed = ImGui::CalcTextSize(value.c_str()).x + ImGui::GetStyle().ItemSpacing.x +
                         ImGui::CalcTextSize(detail.c_str()).x;
    const float available = ImGui::GetContentRegionAvail().x;
    if (needed <= available) ImGui::SameLine();
    ImGui::TextColored(colors::kMuted, "%s", detail.c_str());
}

/// Right-aligned number in a table cell, so decimals line up.
void numberCell(const std::string& text, const ImVec4* color = nullptr) {
    const float width = ImGui::CalcTextSize(text.c_str()).x;
    const float available = ImGui::GetContentRegionAvail().x;
    if (available > width) ImGui::SetCursorPosX(ImGui::GetCursorPosX() + available - width);
    if (color) {
        ImGui::TextColored(*color, "%s", text.c_str());
    } else {
        ImGui::TextUnformatted(text.c_str());
    }
}

/// A number with a typographic minus sign when negative ("−2.50").
std::string signedNumber(double value, int decimals, const char* minus) {
    const std::string digits = strf("%.*f", decimals, std::abs(value));
    const bool negative = value < 0.0 && digits.find_first_not_of("0.") != std::string::npos;
    return negative ? minus + digits : digits;
}

/// Share of the right side's height given to the patient panel below the 3D view.
// Share of the right side below the 3D view: the patient, the timeline and (not in patient
// education) the window chart, which needs a row per contact.
constexpr float kPatientPanelShare = 0.5f;
constexpr float kPlainPatientPanelShare = 0.45f;

}  // namespace

void GuiApp::buildUi() {
    layout_.widgets.clear();  // only what this frame draws can be clicked
    const ImGuiIO& io = ImGui::GetIO();
    const float width = io.DisplaySize.x, height = io.DisplaySize.y;
    const float statusHeight = ImGui::GetFrameHeight() + 8.0f * uiScale_;
    // The panel keeps a readable width; the view takes the rest, so resizing grows the view.
    float leftWidth = std::clamp(width * 0.37f, 450.0f * uiScale_, 560.0f * uiScale_);
    if (width < 2.0f * leftWidth) leftWidth = 0.5f * width;

    // Right side: the 3D view above, the patient (figure, response, timeline) below.
    const float rightWidth = width - leftWidth;
    const float patientHeight =
        std::round((height - statusHeight) * (ui_.mode == Mode::Patient ? kPlainPatientPanelShare : kPatientPanelShare));
    const float viewHeight = height - statusHeight - patientHeight;
    // The programmer's keys rest while the file dialog has the keyboard (Space, arrows, Enter).
    if (ui_.mode != Mode::Patient && !ui_.caseFileBrowser.isOpen()) {
        if (const auto shortcut = readProgrammerShortcuts()) {
            if (shortcut->kind == ShortcutKind::ToggleStimulation) setStimulation(!sim_.stimulationOn);
            else stepSetting(shortcut->setting, shortcut->steps);
        }
    }
    if (ui_.mode == Mode::Patient) {
        drawEducationPanel(0.0f, 0.0f, leftWidth, height - statusHeight);
    } else {
        drawLeftPanel(0.0f, 0.0f, leftWidth, height - statusHeight);
    }
    drawViewPanel(leftWidth, 0.0f, rightWidth, viewHeight);
    drawPatientPanel(leftWidth, viewHeight, rightWidth, patientHeight);
    drawStatusBar(0.0f, height - statusHeight, width, statusHeight);
    if (auto path = drawFileDialog("Open case file", ui_.caseFileBrowser, uiScale_, fonts_.unicode)) openCaseFile(*path);

    const ImVec2 scale = io.DisplayFramebufferScale;
    auto toPixels = [&](float x, float y, float w, float h) {
        return PixelRect{static_cast<int>(std::lround(x * scale.x)), static_cast<int>(std::lround(y * scale.y)),
                         static_cast<int>(std::lround(w * scale.x)), static_cast<int>(std::lround(h * scale.y))};
    };
    layout_.leftPanel = toPixels(0.0f, 0.0f, leftWidth, height - statusHeight);
    layout_.statusBar = toPixels(0.0f, height - statusHeight, width, statusHeight);
    layout_.patientPanel = toPixels(leftWidth, viewHeight, rightWidth, patientHeight);
}

void GuiApp::drawLeftPanel(float x, float y, float width, float height) {
    if (beginFixedPanel("Programmer", x, y, width, height)) {
        drawPatientSection();
        ImGui::Spacing();
        drawProgramSection();
        ImGui::Spacing();
        drawContactsSection();
        ImGui::Spacing();
        drawEnergySection();
    }
    ImGui::End();
}

void GuiApp::drawPatientSection() {
    if (!sectionHeader("Patient", fonts_.bold)) return;
    const patient::Case& c = sim_.patientCase;
    const float labelWidth = 86.0f * uiScale_;

    ImGui::AlignTextToFramePadding();
    ImGui::TextColored(colors::kLabel, "Case");
    ImGui::SameLine(labelWidth + ImGui::GetStyle().CellPadding.x + ImGui::GetStyle().WindowPadding.x);
    // The combo leaves room for the file button on the same line.
    const char* openFileLabel = fonts_.unicode ? "Open file\xE2\x80\xA6" : "Open file...";
    const ImGuiStyle& style = ImGui::GetStyle();
    const float openFileWidth = ImGui::CalcTextSize(openFileLabel).x + 2.0f * style.FramePadding.x;
    ImGui::SetNextItemWidth(-(openFileWidth + style.ItemSpacing.x));
    if (ImGui::BeginCombo("##case", c.id.c_str())) {
        for (const patient::Case& option : cases_) {
            const bool selected = option.id == c.id && sim_.caseFilePath.empty();
            const std::string label = option.id + "  \xC2\xB7  " + option.title;
            if (ImGui::Selectable(label.c_str(), selected)) openCase(option.id);
            if (selected) ImGui::SetItemDefaultFocus();
        }
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    if (ImGui::Button(openFileLabel)) showCaseFileDialog();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Open a case file (.json) from any folder");
    if (!ui_.caseError.empty()) wrappedColored(colors::kDanger, ui_.caseError);

    ImGui::Spacing();
    ImGui::PushFont(fonts_.heading);
    wrappedColored(ImVec4(0.96f, 0.97f, 0.98f, 1.0f), c.title);
    ImGui::PopFont();
    ImGui::Spacing();

    if (beginInfoTable("patient", labelWidth)) {
        infoRow("Diagnosis", c.diagnosis);
        infoRow("Target", c.target + ", " + c.hemisphere + " hemisphere");
        infoRowWithDetail("Lead", sim_.lead.displayName,
                          strf("%s, \xC3\x98 %.2f mm", leadLayout(sim_.lead).c_str(), sim_.lead.diameterMm));
        infoRowWithDetail("Generator", sim_.ipg.displayName, generatorSummary(sim_.ipg));
        if (!c.clinicalScale.empty()) {
            infoRow("Off stim.", strf("%s %.1f / %.0f", c.clinicalScale.c_str(), c.baselineSeverity,
                                     c.clinicalScaleMax));
        }
        ImGui::EndTable();
    }
    if (!c.description.empty() && ImGui::TreeNode("History")) {
        wrappedColored(ImVec4(0.82f, 0.84f, 0.86f, 1.0f), c.description);
        ImGui::TreePop();
    }
}

void GuiApp::drawProgramSection() {
    if (!sectionHeader("Program", fonts_.bold)) return;
    const device::Program* program = sim_.program();

    if (program) {
        const bool current = program->mode == device::ControlMode::Current;
        ImGui::TextColored(colors::kLabel, "%s \xC2\xB7 %s", current ? "Current-controlled" : "Voltage-controlled",
                           program->monopolar() ? "monopolar (case is a pole)" : "bipolar");
    }
    const ImGuiStyle& style = ImGui::GetStyle();
    const float buttonsWidth = ImGui::CalcTextSize("Apply").x + ImGui::CalcTextSize("Copy").x + 4.0f * style.FramePadding.x +
                               style.ItemSpacing.x;
    ImGui::SetNextItemWidth(-(buttonsWidth + style.ItemSpacing.x));
    ImGui::PushFont(fonts_.bold);
    const bool enter = ImGui::InputText("##program", &ui_.programText, ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::PopFont();
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip("Clinical notation, e.g.\n  C+ 1- 3.0mA 60us 130Hz   (monopolar)\n  1- 2+ 2.5V 90us 130Hz    "
                          "(bipolar)\n  C+ 2a-60%% 2b-40%% 2.0mA 60us 130Hz   (current shares)");
    }
    ImGui::SameLine();
    const bool apply = ImGui::Button("Apply");
    if (enter || apply) applyProgramText();
    ImGui::SameLine();
    if (ImGui::Button("Copy") && program) ImGui::SetClipboardText(program->toString().c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Copy the running program's text: the dbsprog command line takes the same");

    if (!ui_.programError.empty()) {
        wrappedColored(colors::kDanger, ui_.programError);
        if (program) wrappedColored(colors::kMuted, "Still running: " + program->toString());
    } else if (ui_.programTextEdited()) {
        ImGui::TextColored(colors::kCaution, "Edited \xE2\x80\x94 press Enter or Apply to check and run it.");
    }
    ImGui::Spacing();

    drawSettingRow("Amplitude", Setting::Amplitude);
    drawSettingRow("Pulse width", Setting::PulseWidth);
    drawSettingRow("Frequency", Setting::Frequency);

    bool on = sim_.stimulationOn;
    if (ImGui::Checkbox("Stimulation on", &on)) setStimulation(on);
    ImGui::SameLine();
    ImGui::TextColored(colors::kMuted, "(Space)");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Keys: Up/Down amplitude, Shift+Up/Down pulse width, PgUp/PgDn frequency, Space on/off");
    if (sim_.rampElapsedS && program) {
        // The soft start, as the generator reports it while it climbs.
        ImGui::SameLine();
        const std::string unit = settingUnit(program->mode, Setting::Amplitude);
        const std::string text = strf("soft start %.2f of %.2f %s", deliveredAmplitude(), program->amplitude, unit.c_str());
        ImGui::ProgressBar(static_cast<float>(std::clamp(*sim_.rampElapsedS / sim_.ipg.rampS, 0.0, 1.0)), ImVec2(-1.0f, 0.0f),
                           text.c_str());
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("Switched on, the generator climbs to the programmed amplitude over %.0f s.", sim_.ipg.rampS);
    }
    if (program) {
        const LeadDiagramResult diagram = drawLeadDiagram("##leadDiagram", sim_.lead, sim_.ipg, *program,
                                                          contactCurrentsFor(sim_.lead, *sim_.report), uiScale_, true, fonts_.bold);
        if (diagram.edited) ui_.pendingProgram = *diagram.edited;
        for (const DiagramHitBox& box : diagram.hitBoxes) {
            if (box.contact.empty()) continue;
            layout_.widgets["contact " + box.contact] = PixelRect{static_cast<int>(box.minX), static_cast<int>(box.minY),
                                                                   static_cast<int>(box.maxX - box.minX),
                                                                   static_cast<int>(box.maxY - box.minY)};
        }
    }
}

void GuiApp::drawSettingRow(const char* label, Setting setting) {
    const device::Program* program = sim_.program();
    const device::ControlMode mode = program ? program->mode : device::ControlMode::Current;
    const device::SteppedRange& range = rangeFor(sim_.ipg, mode, setting);
    const double value = program ? settingValue(*program, setting) : range.min;
    const std::string unit = settingUnit(mode, setting);
    const int decimals = decimalsForStep(range.step);
    const char* minus = fonts_.unicode ? "\xE2\x88\x92" : "-";

    ImGui::PushID(label);
    ImGui::BeginDisabled(program == nullptr);
    ImGui::AlignTextToFramePadding();
    ImGui::TextColored(colors::kLabel, "%s", label);
    ImGui::SameLine(96.0f * uiScale_);

    const float buttonSide = ImGui::GetFrameHeight();
    const float spacing = ImGui::GetStyle().ItemInnerSpacing.x;
    ImGui::BeginDisabled(value <= range.min);
    if (ImGui::Button(minus, ImVec2(buttonSide, buttonSide))) stepSetting(setting, -1);
    layout_.widgets[std::string(label) + " -"] = lastItemRect();
    ImGui::EndDisabled();
    ImGui::SameLine(0.0f, spacing);

    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - buttonSide - spacing);
    double edited = value;
    const std::string format = strf("%%.%df %s", decimals, unit.c_str());
    ImGui::PushFont(fonts_.bold);
    if (ImGui::SliderScalar("##value", ImGuiDataType_Double, &edited, &range.min, &range.max, format.c_str())) {
        setSetting(setting, edited);
    }
    ImGui::PopFont();
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip("%s\nCtrl+click to type a value", range.describe(unit).c_str());
    }
    ImGui::SameLine(0.0f, spacing);
    ImGui::BeginDisabled(value >= range.max - 0.5 * range.step);
    if (ImGui::Button("+", ImVec2(buttonSide, buttonSide))) stepSetting(setting, +1);
    layout_.widgets[std::string(label) + " +"] = lastItemRect();
    ImGui::EndDisabled();
    ImGui::EndDisabled();
    ImGui::PopID();
}

void GuiApp::drawContactsSection() {
    if (!sectionHeader("Contacts and charge", fonts_.bold)) return;
    if (!sim_.report) {
        ImGui::TextColored(colors::kMuted, "No program is running.");
        return;
    }
    const device::CheckReport& report = *sim_.report;

    // Worst warning per contact and kind, to colour the cells the warning concerns.
    auto hasWarning = [&](const std::string& contact, device::WarningKind kind) {
        return std::any_of(report.warnings.begin(), report.warnings.end(),
                           [&](const device::Warning& w) { return w.kind == kind && w.contact == contact; });
    };

    // Columns fit their content; Polarity takes what is left, so numbers never get cut off.
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuterH |
                                  ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit |
                                  ImGuiTableFlags_PadOuterX;
    if (ImGui::BeginTable("contacts", 6, flags)) {
        ImGui::TableSetupColumn("Contact");
        ImGui::TableSetupColumn("Polarity", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("Current");
        ImGui::TableSetupColumn("Charge");
        ImGui::TableSetupColumn("Density");
        ImGui::TableSetupColumn("k");
        ImGui::PushFont(fonts_.bold);
        ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
        for (int column = 0; column < 6; ++column) {
            ImGui::TableSetColumnIndex(column);
            ImGui::TableHeader(ImGui::TableGetColumnName(column));
        }
        ImGui::PopFont();
        if (ImGui::IsItemHovered()) {  // the last header: k
            ImGui::SetTooltip("Shannon k = log10(Q/A) + log10(Q), Q in \xC2\xB5" "C/phase, A in cm\xC2\xB2.\n"
                              "Conservative limit 1.5; tissue damage reported from 1.85 (Shannon 1992).");
        }
        // Units under the headers, as a programmer's table shows them.
        ImGui::TableNextRow();
        const char* units[] = {"", "", "mA", "\xC2\xB5" "C/phase", "\xC2\xB5" "C/cm\xC2\xB2", ""};
        for (int column = 0; column < 6; ++column) {
            ImGui::TableSetColumnIndex(column);
            if (column >= 2) {
                const ImVec4 muted = colors::kMuted;
                numberCell(units[column], &muted);
            }
        }

        const char* minus = fonts_.unicode ? "\xE2\x88\x92" : "-";
        for (const device::ContactLoad& load : report.contacts) {
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            ImGui::PushFont(fonts_.bold);
            ImGui::TextUnformatted(load.name.c_str());
            ImGui::PopFont();
            ImGui::TableSetColumnIndex(1);
            const bool cathode = load.polarity == device::Polarity::Cathode;
            ImGui::TextColored(polarityTextColor(load.polarity), "%s", cathode ? "cathode" : "anode");
            ImGui::TableSetColumnIndex(2);
            numberCell(signedNumber(load.currentMa, 2, minus));
            ImGui::TableSetColumnIndex(3);
            numberCell(strf("%.3f", load.chargeUc));
            ImGui::TableSetColumnIndex(4);
            const bool densityHigh = hasWarning(load.name, device::WarningKind::ChargeDensity);
            numberCell(strf("%.1f", load.chargeDensityUcPerCm2), densityHigh ? &colors::kCaution : nullptr);
            ImGui::TableSetColumnIndex(5);
            const ImVec4* kColor = hasWarning(load.name, device::WarningKind::ShannonDamage)         ? &colors::kDanger
                                   : hasWarning(load.name, device::WarningKind::ShannonConservative) ? &colors::kCaution
                                                                                                    : nullptr;
            if (load.shannonK) {
                numberCell(signedNumber(*load.shannonK, 2, minus), kColor);
            } else {
                const ImVec4 muted = colors::kMuted;  // zero charge: k is undefined
                numberCell("\xE2\x80\x94", &muted);
            }
        }
        if (report.program.monopolar()) {
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            ImGui::PushFont(fonts_.bold);
            ImGui::TextUnformatted("Case");
            ImGui::PopFont();
            ImGui::TableSetColumnIndex(1);
            const device::Polarity casePolarity =
                report.caseCurrentMa >= 0.0 ? device::Polarity::Anode : device::Polarity::Cathode;
            const bool cathode = casePolarity == device::Polarity::Cathode;
            ImGui::TextColored(polarityTextColor(casePolarity), "%s", cathode ? "cathode" : "anode");
            ImGui::TableSetColumnIndex(2);
            numberCell(signedNumber(report.caseCurrentMa, 2, minus));
            for (int column = 3; column < 6; ++column) {
                ImGui::TableSetColumnIndex(column);
                const ImVec4 muted = colors::kMuted;
                numberCell("\xE2\x80\x94", &muted);
            }
        }
        ImGui::EndTable();
    }

    ImGui::Spacing();
    if (report.warnings.empty()) {
        ImGui::TextColored(colors::kOk, "%s Within charge-density and Shannon limits.", fonts_.unicode ? "\xE2\x97\x8F" : "*");
    }
    for (const device::Warning& warning : report.warnings) {
        const ImVec4 color = warning.kind == device::WarningKind::ShannonDamage ? colors::kDanger : colors::kCaution;
        ImGui::TextColored(color, "%s", fonts_.unicode ? "\xE2\x96\xB2" : "!");
        ImGui::SameLine();
        ImGui::BeginGroup();  // hanging indent: wrapped lines align with the first
        wrappedColored(color, warning.message);
        ImGui::EndGroup();
    }
    drawImpedanceCheck();
}

void GuiApp::drawImpedanceCheck() {
    ImGui::Spacing();
    if (ImGui::Button("Check impedances")) checkImpedances();
    layout_.widgets["Check impedances"] = lastItemRect();
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Each contact against the case, as the programmer's impedance check measures it.\n"
                          "Below %.0f %s suggests a short circuit, above %.0f %s an open circuit (a broken wire).",
                          device::kImpedanceShortOhm, ohm().c_str(), device::kImpedanceOpenOhm, ohm().c_str());
    const auto& measured = sim_.contactImpedancesOhm;
    if (!measured || measured->size() != sim_.lead.contacts.size()) return;
    ImGui::SameLine();
    ImGui::TextColored(colors::kMuted, "monopolar, contact to case");
    // Contacts side by side, as many per row as fit: a directional lead's eight stay compact.
    const float cellWidth = ImGui::CalcTextSize("10c  0000 \xCE\xA9  open").x + 2.0f * ImGui::GetStyle().CellPadding.x;
    const int count = static_cast<int>(measured->size());
    const int fit = std::clamp(static_cast<int>(ImGui::GetContentRegionAvail().x / cellWidth), 1, count);
    const int rows = (count + fit - 1) / fit;
    const int columns = (count + rows - 1) / rows;  // rows as even as they can be: 4 as 2 + 2, not 3 + 1
    if (!ImGui::BeginTable("##impedances", columns, ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_BordersInnerV)) return;
    for (std::size_t i = 0; i < measured->size(); ++i) {
        ImGui::TableNextColumn();
        const double value = (*measured)[i];
        const bool shortCircuit = value < device::kImpedanceShortOhm, open = value > device::kImpedanceOpenOhm;
        ImGui::PushFont(fonts_.bold);
        ImGui::TextUnformatted(sim_.lead.contacts[i].name.c_str());
        ImGui::PopFont();
        ImGui::SameLine();
        ImGui::TextColored(shortCircuit || open ? colors::kDanger : colors::kOk, "%.0f %s%s", value, ohm().c_str(),
                           shortCircuit ? " short" : open ? " open" : "");
    }
    ImGui::EndTable();
    layout_.impedanceReadings = lastItemRect();
}

void GuiApp::drawEnergySection() {
    if (!sectionHeader("Energy and battery", fonts_.bold)) return;
    if (!sim_.report) {
        ImGui::TextColored(colors::kMuted, "No program is running.");
        return;
    }
    const device::CheckReport& report = *sim_.report;
    const device::Energy& energy = report.energy;
    if (beginInfoTable("energy", 150.0f * uiScale_)) {
        infoRow("Total current", strf("%.2f mA (cathodic)", report.totalCurrentMa));
        infoRow("Output voltage", strf("%.2f V", report.outputVoltageV));
        infoRow("Load impedance", strf("%.0f %s", report.impedanceOhm, ohm().c_str()));
        infoRow("TEED", strf("%.1f \xC2\xB5J/s (Koss 2005)", energy.teedUjPerS));
        infoRow("Battery drain", strf("%.1f \xC2\xB5" "A", energy.batteryCurrentUa));
        const char* about = fonts_.unicode ? "\xE2\x89\x88" : "about";
        auto batteryTooltip = [] {
            if (ImGui::IsItemHovered()) {
                ImGui::SetTooltip("With this program alone on the generator. Battery capacities are\n"
                                  "assumptions stated in the generator's model file, not maker's figures.");
            }
        };
        if (energy.batteryLifeMonths) {
            infoRow("Battery life", strf("%s %.0f months (%.1f years)", about,
                                         *energy.batteryLifeMonths, *energy.batteryLifeMonths / 12.0));
            batteryTooltip();
        }
        if (energy.rechargeIntervalDays) {
            infoRow("Recharge", strf("every %s %.1f days", about, *energy.rechargeIntervalDays));
            batteryTooltip();
        }
        ImGui::EndTable();
    }
}

void GuiApp::drawStatusBar(float x, float y, float width, float height) {
    ImGui::SetNextWindowPos(ImVec2(x, y));
    ImGui::SetNextWindowSize(ImVec2(width, height));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(10.0f * uiScale_, 4.0f * uiScale_));
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.075f, 0.085f, 0.095f, 1.0f));
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
    if (ImGui::Begin("##status", nullptr, flags)) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextColored(colors::kCaution, "Training simulator \xE2\x80\x94 not for clinical decisions.");
        ImGui::SameLine();
        // A case from elsewhere is named by its file: its id may repeat a shipped one.
        const std::string caseSource = sim_.caseFilePath.empty()
                                           ? sim_.patientCase.id
                                           : std::filesystem::path(sim_.caseFilePath).filename().string();
        ImGui::TextColored(colors::kMuted, "Case file: %s", caseSource.c_str());
        if (!sim_.caseFilePath.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", sim_.caseFilePath.c_str());
        ImGui::SameLine(0.0f, 24.0f * uiScale_);
        ImGui::TextColored(colors::kLabel, "Mode");
        const std::pair<Mode, const char*> modes[] = {
            {Mode::Clinician, "Clinician"}, {Mode::Patient, "Patient education"}, {Mode::Research, "Research"}};
        for (const auto& [mode, label] : modes) {
            ImGui::SameLine();
            if (ImGui::RadioButton(label, ui_.mode == mode)) setMode(mode);
        }

    }
    ImGui::End();
    ImGui::PopStyleColor();
    ImGui::PopStyleVar();
}

// ---- response and simulated time ----

namespace {

/// Clock speeds offered, simulated seconds per real second.
struct ClockSpeed {
    const char* label;
    double simSecondsPerSecond;
};
constexpr ClockSpeed kClockSpeeds[] = {{"Real time", 1.0}, {"1 h/s", 3600.0}, {"1 day/s", 86400.0}, {"1 week/s", 604800.0}};

/// Follow-up visits offered as jumps.
struct FollowUp {
    const char* label;
    double seconds;
};
const FollowUp kFollowUps[] = {{"+1 week", 7.0 * patient::kSecondsPerDay},
                               {"+1 month", patient::kSecondsPerMonth},
                               {"+3 months", 3.0 * patient::kSecondsPerMonth},
                               {"+6 months", 6.0 * patient::kSecondsPerMonth}};

/// Grade colours: nothing, noticeable, clear, strong, severe.
ImVec4 gradeColor(int grade) {
    if (grade <= 0) return colors::kOk;
    if (grade == 1) return colors::kMuted;
    if (grade == 2) return colors::kCaution;
    return colors::kDanger;
}

}  // namespace

void GuiApp::drawPatientPanel(float x, float y, float width, float height) {
    if (beginFixedPanel("Patient", x, y, width, height) && sim_.patient) {
        drawClockControls();
        ImGui::Separator();
        // Figure | response | timeline (and the window chart outside patient mode). Research mode
        // puts its numbers where the figure is, in sight without scrolling.
        const bool patientMode = ui_.mode == Mode::Patient, research = ui_.mode == Mode::Research;
        if (ImGui::BeginTable("##patientColumns", 3, ImGuiTableFlags_SizingStretchProp)) {
            ImGui::TableSetupColumn("figure", ImGuiTableColumnFlags_WidthStretch, patientMode || research ? 1.1f : 0.55f);
            ImGui::TableSetupColumn("response", ImGuiTableColumnFlags_WidthStretch, 1.0f);
            ImGui::TableSetupColumn("timeline", ImGuiTableColumnFlags_WidthStretch, patientMode ? 1.0f : 1.2f);
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            if (research) drawResearchSection();
            else drawFigureSection();
            ImGui::TableSetColumnIndex(1);
            // Its own scrolling region: several side effects must not push the panel into scrolling.
            if (ImGui::BeginChild("##response", ImVec2(0.0f, cellHeightLeft()), false, ImGuiWindowFlags_NoBackground))
                drawResponseSection();
            ImGui::EndChild();
            ImGui::TableSetColumnIndex(2);
            drawTimelineSection();
            ImGui::EndTable();
        }
    }
    ImGui::End();
}

void GuiApp::drawResponseSection() {
    if (ui_.mode == Mode::Patient) {
        drawPlainResponse();
        return;
    }
    const patient::Severity severity = sim_.patient->severity(sim_.patientState);
    const patient::Case& c = sim_.patientCase;

    bool on = sim_.stimulationOn;
    if (ImGui::Checkbox("Stimulation on", &on)) setStimulation(on);
    float stress = static_cast<float>(sim_.patientState.stress);
    ImGui::SetNextItemWidth(-1.0f);
    if (ImGui::SliderFloat("##stress", &stress, 0.0f, 1.0f, "Stress, fatigue, anxiety: %.2f"))
        setStress(static_cast<double>(stress));

    if (ImGui::BeginTable("##severity", 2, ImGuiTableFlags_SizingFixedFit)) {
        ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthFixed, 90.0f * uiScale_);
        ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
        infoRow("Severity", strf("%.1f of %.0f %s (off: %.1f)", severity.clinicalScore, c.clinicalScaleMax,
                                 c.clinicalScale.c_str(), c.baselineSeverity));
        infoRow("Relief now", strf("%.0f %%, heading for %.0f %% on this program", 100.0 * severity.relief,
                                   100.0 * sim_.evaluation.steadyRelief));
        for (const patient::RegionSeverity& region : severity.regions) {
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            ImGui::TextColored(colors::kLabel, "%s", region.id.c_str());
            ImGui::TableSetColumnIndex(1);
            ImGui::ProgressBar(static_cast<float>(region.percent / 100.0), ImVec2(-1.0f, 0.0f),
                               strf("%.0f %%", region.percent).c_str());
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", region.name.c_str());
        }
        ImGui::EndTable();
    }

    // Side effects: what the patient says, graded, acute ones first.
    bool any = false;
    auto showEffect = [&](const patient::SideEffectReading& effect) {
        if (effect.grade <= 0) return;
        any = true;
        wrappedColored(gradeColor(effect.grade), strf("Grade %d  %s", effect.grade, effect.name.c_str()));
        wrappedColored(colors::kLabel, "  \"" + effect.patientSays + "\" \xE2\x80\x94 " + effect.clinicianSees);
    };
    for (const patient::SideEffectReading& effect : sim_.evaluation.sideEffects)
        if (!effect.delayed) showEffect(effect);
    for (const patient::SideEffectReading& effect : severity.delayedSideEffects) showEffect(effect);
    if (!any) ImGui::TextColored(colors::kOk, "No side effects");
}

void GuiApp::drawFigureSection() {
    const patient::Severity severity = sim_.patient->severity(sim_.patientState);
    std::vector<FigureRegion> regions;
    for (std::size_t i = 0; i < severity.regions.size(); ++i) {
        const patient::BodyRegion& region = sim_.patientCase.regions[i];
        regions.push_back({region.movement, severity.regions[i].percent / 100.0, sideFromText(region.id + " " + region.name)});
    }
    // The figure moves in real time (tremor, phasic jerks) whatever the simulated clock does.
    const FigurePose pose = poseFor(regions, ImGui::GetTime());
    const ImVec2 size(ImGui::GetContentRegionAvail().x, std::max(cellHeightLeft(), 120.0f * uiScale_));
    const ImVec2 topLeft = ImGui::GetCursorScreenPos();
    drawPatientFigure(ImGui::GetWindowDrawList(), topLeft, size, pose);
    ImGui::Dummy(size);
    layout_.figure = PixelRect{static_cast<int>(topLeft.x), static_cast<int>(topLeft.y), static_cast<int>(size.x),
                               static_cast<int>(size.y)};
}

void GuiApp::drawTimelineSection() {
    TimelineData data;
    for (const TimelineSample& sample : sim_.history) data.samples.emplace_back(sample.timeS, sample.clinicalScore);
    for (const TimelineEvent& event : sim_.events) data.markers.emplace_back(event.timeS, event.label);
    data.scaleMax = sim_.patientCase.clinicalScaleMax;
    data.scaleName = sim_.patientCase.clinicalScale;
    data.nowS = sim_.patientState.timeS;
    data.baselineScore = sim_.patientCase.baselineSeverity;
    if (ui_.mode == Mode::Patient) {
        data.plainWords = true;
        data.scaleName = "How strong the symptoms are";
    }
    const float available = cellHeightLeft();
    const bool chart = ui_.mode != Mode::Patient;
    const float plotHeight = std::max(100.0f * uiScale_, chart ? available * 0.5f : available);
    const ImVec2 size(ImGui::GetContentRegionAvail().x, plotHeight);
    const ImVec2 topLeft = ImGui::GetCursorScreenPos();
    drawTimelinePlot(ImGui::GetWindowDrawList(), topLeft, size, data);
    ImGui::Dummy(size);
    layout_.timeline = PixelRect{static_cast<int>(topLeft.x), static_cast<int>(topLeft.y), static_cast<int>(size.x),
                                 static_cast<int>(size.y)};
    if (chart) drawWindowChartSection();
}

void GuiApp::drawWindowChartSection() {
    WindowChartData data;
    const device::Program* program = sim_.program();
    data.unit = settingUnit(program ? program->mode : device::ControlMode::Current, Setting::Amplitude);
    data.amplitudeMax = sim_.review ? sim_.review->maxAmplitude : rangeFor(sim_.ipg, program ? program->mode : device::ControlMode::Current, Setting::Amplitude).max;
    if (program) data.presentAmplitude = program->amplitude;
    for (const device::Contact& contact : sim_.lead.contacts) {
        ContactWindow row;
        row.contact = contact.name;
        if (auto found = sim_.foundThresholds.find(contact.name); found != sim_.foundThresholds.end()) {
            row.userEfficacy = found->second.efficacy;
            row.userSideEffect = found->second.sideEffect;
            row.sideEffectName = found->second.sideEffectName;
        }
        if (sim_.review && ui_.mode == Mode::Research)
            for (const patient::ReviewRow& r : sim_.review->rows)
                if (r.contact == contact.name) {
                    row.reviewEfficacy = r.efficacyThreshold;
                    row.reviewSideEffect = r.sideEffectThreshold;
                    if (row.sideEffectName.empty()) row.sideEffectName = r.firstSideEffect;
                }
        if (program)
            for (const device::ProgramContact& c : program->contacts)
                if (c.name == contact.name && c.polarity == device::Polarity::Cathode) row.active = true;
        data.contacts.push_back(std::move(row));
    }
    ImGui::TextColored(colors::kLabel, ui_.mode == Mode::Research ? "Therapeutic window" : "Therapeutic window per contact");
    if (ui_.mode == Mode::Research && !sim_.review) {
        ImGui::SameLine();
        if (ImGui::SmallButton("Run review")) runReview();
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("The automated monopolar review at this pulse width and frequency: each contact's\n"
                              "efficacy and side-effect thresholds, drawn as outlines in the chart.");
    }
    const ImVec2 size(ImGui::GetContentRegionAvail().x, std::max(cellHeightLeft(), 80.0f * uiScale_));
    drawWindowChart(ImGui::GetWindowDrawList(), ImGui::GetCursorScreenPos(), size, data);
    ImGui::Dummy(size);
}

void GuiApp::drawClockControls() {
    ImGui::TextColored(colors::kLabel, "Clock");
    ImGui::SameLine();
    if (ImGui::RadioButton("Pause", !ui_.clockRunning)) setClockSpeed(0.0);
    for (const ClockSpeed& speed : kClockSpeeds) {
        ImGui::SameLine();
        if (ImGui::RadioButton(speed.label, ui_.clockRunning && ui_.clockSpeed == speed.simSecondsPerSecond))
            setClockSpeed(speed.simSecondsPerSecond);
    }
    ImGui::TextColored(colors::kLabel, "Follow-up visit");
    for (const FollowUp& visit : kFollowUps) {
        ImGui::SameLine();
        if (ImGui::SmallButton(visit.label)) advanceTime(visit.seconds);
        layout_.widgets[visit.label] = lastItemRect();
    }
    // The simulated time, right-aligned on the follow-up row.
    const std::string elapsed = ui_.mode == Mode::Patient
                                    ? durationInWords(sim_.patientState.timeS) + " after the first setting"
                                    : formatDuration(sim_.patientState.timeS) + " since the case opened";
    const float textWidth = ImGui::CalcTextSize(elapsed.c_str()).x;
    ImGui::SameLine();
    const float right = ImGui::GetWindowContentRegionMax().x;
    if (ImGui::GetCursorPosX() + textWidth < right) {
        ImGui::SetCursorPosX(right - textWidth);
        ImGui::TextColored(colors::kMuted, "%s", elapsed.c_str());
    } else {
        ImGui::NewLine();
    }
}

}  // namespace dbsprog::gui
