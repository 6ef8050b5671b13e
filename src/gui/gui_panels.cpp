// The left panel (patient, program, contacts, energy) and the status bar. Widgets read the
// simulation state, write UI state and queue edits through GuiApp's actions; they compute no
// physics: every number shown comes from the core's CheckReport.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "gui/gui_app.hpp"
#include "gui/text_format.hpp"
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

/// Text wrapped at spaces only. ImGui 1.86 also breaks after '.', which splits numbers ("1." / "5");
/// a single word longer than the line still falls back to ImGui's own wrapping.
void wrappedText(const std::string& text) {
    const float width = std::max(ImGui::GetContentRegionAvail().x, 1.0f);
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        const std::string paragraph = text.substr(start, end - start);
        std::string line;
        std::size_t at = 0;
        while (at <= paragraph.size()) {
            const std::size_t space = std::min(paragraph.find(' ', at), paragraph.size());
            const std::string word = paragraph.substr(at, space - at);
            const std::string candidate = line.empty() ? word : line + " " + word;
            if (line.empty() || ImGui::CalcTextSize(candidate.c_str()).x <= width) {
                line = candidate;
            } else {
                lines.push_back(line);
                line = word;
            }
            at = space + 1;
        }
        lines.push_back(line);
        start = end + 1;
    }
    // Lines of one paragraph sit closer together than separate items.
    const ImVec2 spacing = ImGui::GetStyle().ItemSpacing;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const bool last = i + 1 == lines.size();
        if (!last) ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(spacing.x, 1.0f));
        if (ImGui::CalcTextSize(lines[i].c_str()).x <= width) {
            ImGui::TextUnformatted(lines[i].c_str());
        } else {
            ImGui::PushTextWrapPos(0.0f);
            ImGui::TextUnformatted(lines[i].c_str());
            ImGui::PopTextWrapPos();
        }
        if (!last) ImGui::PopStyleVar();
    }
}

void wrappedColored(const ImVec4& color, const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    wrappedText(text);
    ImGui::PopStyleColor();
}

/// One "label   value" row of a two-column info table.
void infoRow(const char* label, const std::string& value, const ImVec4* valueColor = nullptr) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::TextColored(colors::kLabel, "%s", label);
    ImGui::TableSetColumnIndex(1);
    if (valueColor) ImGui::PushStyleColor(ImGuiCol_Text, *valueColor);
    wrappedText(value);
    if (valueColor) ImGui::PopStyleColor();
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

bool beginInfoTable(const char* id, float labelWidth) {
    if (!ImGui::BeginTable(id, 2, ImGuiTableFlags_SizingFixedFit)) return false;
    ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthFixed, labelWidth);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    return true;
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

bool sectionHeader(const char* label, ImFont* font) {
    ImGui::PushFont(font);
    const bool open = ImGui::CollapsingHeader(label, ImGuiTreeNodeFlags_DefaultOpen);
    ImGui::PopFont();
    return open;
}

}  // namespace

void GuiApp::buildUi() {
    const ImGuiIO& io = ImGui::GetIO();
    const float width = io.DisplaySize.x, height = io.DisplaySize.y;
    const float statusHeight = ImGui::GetFrameHeight() + 8.0f * uiScale_;
    // The panel keeps a readable width; the view takes the rest, so resizing grows the view.
    float leftWidth = std::clamp(width * 0.37f, 450.0f * uiScale_, 560.0f * uiScale_);
    if (width < 2.0f * leftWidth) leftWidth = 0.5f * width;

    drawLeftPanel(0.0f, 0.0f, leftWidth, height - statusHeight);
    drawViewPanel(leftWidth, 0.0f, width - leftWidth, height - statusHeight);
    drawStatusBar(0.0f, height - statusHeight, width, statusHeight);

    const ImVec2 scale = io.DisplayFramebufferScale;
    auto toPixels = [&](float x, float y, float w, float h) {
        return PixelRect{static_cast<int>(std::lround(x * scale.x)), static_cast<int>(std::lround(y * scale.y)),
                         static_cast<int>(std::lround(w * scale.x)), static_cast<int>(std::lround(h * scale.y))};
    };
    layout_.leftPanel = toPixels(0.0f, 0.0f, leftWidth, height - statusHeight);
    layout_.statusBar = toPixels(0.0f, height - statusHeight, width, statusHeight);
}

void GuiApp::drawLeftPanel(float x, float y, float width, float height) {
    ImGui::SetNextWindowPos(ImVec2(x, y));
    ImGui::SetNextWindowSize(ImVec2(width, height));
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                   ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                   ImGuiWindowFlags_NoBringToFrontOnFocus;
    if (ImGui::Begin("Programmer", nullptr, flags)) {
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
    ImGui::SetNextItemWidth(-1.0f);
    if (ImGui::BeginCombo("##case", c.id.c_str())) {
        for (const patient::Case& option : cases_) {
            const bool selected = option.id == c.id;
            const std::string label = option.id + "  \xC2\xB7  " + option.title;
            if (ImGui::Selectable(label.c_str(), selected)) openCase(option.id);
            if (selected) ImGui::SetItemDefaultFocus();
        }
        ImGui::EndCombo();
    }
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
    const float applyWidth = ImGui::CalcTextSize("Apply").x + 2.0f * ImGui::GetStyle().FramePadding.x;
    ImGui::SetNextItemWidth(-(applyWidth + ImGui::GetStyle().ItemSpacing.x));
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
        ImGui::TextColored(colors::kMuted, "Case file: %s", sim_.patientCase.id.c_str());
        const float infoWidth = ImGui::CalcTextSize(glInfo_.c_str()).x;
        ImGui::SameLine(std::max(ImGui::GetCursorPosX() + 20.0f, width - infoWidth - 12.0f * uiScale_));
        ImGui::TextColored(colors::kMuted, "%s", glInfo_.c_str());
    }
    ImGui::End();
    ImGui::PopStyleColor();
    ImGui::PopStyleVar();
}

}  // namespace dbsprog::gui
