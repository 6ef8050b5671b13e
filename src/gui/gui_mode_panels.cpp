// The two modes beside the clinician's: patient education (plain words, no numbers a patient cannot
// read) and research (the model's internal numbers and exports).
#include <imgui.h>

#include <chrono>
#include <ctime>
#include <sstream>

#include "dbsprog/field/field_grid.hpp"
#include "dbsprog/io/nifti.hpp"
#include "dbsprog/io/paths.hpp"
#include "dbsprog/patient/duration.hpp"
#include "gui/gui_app.hpp"
#include "render/anatomy_view.hpp"
#include "render/lead_view.hpp"
#include "gui/text_format.hpp"
#include "gui/widgets.hpp"

namespace dbsprog::gui {

namespace {

/// Amplitude steps per "a little stronger / weaker" press in patient mode.
constexpr int kPatientStrengthSteps = 2;

const char* targetInPlainWords(const std::string& target) {
    if (target == "STN") return "the subthalamic nucleus, a small relay that helps start and stop movement";
    if (target == "VIM") return "the thalamus, a relay that passes movement signals from the cerebellum";
    return "the globus pallidus, a relay deep in the brain that helps control movement";
}

bool isTremorCase(const patient::Case& c) {
    for (const auto& comp : c.components)
        if (comp.kind == patient::ComponentKind::Tremor) return true;
    return false;
}

}  // namespace

void GuiApp::drawEducationPanel(float x, float y, float width, float height) {
    if (beginFixedPanel("Learn about DBS", x, y, width, height)) {
        const patient::Case& c = sim_.patientCase;
        auto heading = [&](const char* text) {
            ImGui::Spacing();
            ImGui::PushFont(fonts_.heading);
            ImGui::TextColored(colors::kAccent, "%s", text);
            ImGui::PopFont();
        };
        heading("What is deep brain stimulation?");
        wrappedText("A thin wire, the lead, is placed deep in the brain. A small stimulator under the skin of the "
                    "chest sends it gentle, very fast electrical pulses. They calm the faulty signals that cause "
                    "the twisting, pulling or shaking. Nothing is removed, and the settings can be changed at any "
                    "visit.");
        heading("Where the lead sits");
        wrappedText(std::string("In ") + targetInPlainWords(c.target) +
                    ". The picture on the right shows the lead, the area it should reach (green) and the nerve "
                    "paths nearby that cause side effects when they are reached too.");
        heading("What to expect, and when");
        if (isTremorCase(c)) {
            wrappedText("Tremor usually settles within seconds of switching on, and comes back within minutes "
                        "when the stimulator is off.");
        } else {
            wrappedText("Most people notice little on the first day. Jerky, twisting movements ease over days to "
                        "weeks; fixed postures over weeks to months, and improvement often continues for a year. "
                        "Stress and tiredness make contractions worse for a while.");
        }
        heading("Side effects");
        wrappedText("If a setting is a little too strong you may feel pulling in the hand or face, slurred speech, "
                    "tingling, or see flashes of light. They come at once, and they stop when the setting is "
                    "lowered.");

        heading("Try it");
        bool on = sim_.stimulationOn;
        if (ImGui::Checkbox("Stimulator on", &on)) setStimulation(on);
        if (ImGui::Button("A little weaker")) stepAmplitude(-kPatientStrengthSteps);
        ImGui::SameLine();
        if (ImGui::Button("A little stronger")) stepAmplitude(+kPatientStrengthSteps);
        if (!ui_.programError.empty()) wrappedColored(colors::kCaution, "The stimulator cannot go further that way.");
        ImGui::Spacing();
        wrappedColored(colors::kMuted, "Use \"Follow-up visit\" below to see how things may look weeks and months "
                                       "from now.");
    }
    ImGui::End();
}

void GuiApp::drawPlainResponse() {
    const patient::Severity severity = sim_.patient->severity(sim_.patientState);
    bool on = sim_.stimulationOn;
    if (ImGui::Checkbox("Stimulator on", &on)) setStimulation(on);
    ImGui::PushFont(fonts_.heading);
    const double relief = severity.relief;
    const char* how = relief < 0.05   ? "About the same as without stimulation"
                      : relief < 0.25 ? "A little better than without stimulation"
                      : relief < 0.5  ? "Clearly better than without stimulation"
                      : relief < 0.75 ? "Much better than without stimulation"
                                      : "Very much better than without stimulation";
    wrappedText(how);
    ImGui::PopFont();
    if (sim_.stimulationOn && severity.relief + 0.05 < sim_.evaluation.steadyRelief)
        wrappedText("More improvement is still to come with this setting.");
    bool any = false;
    for (const patient::SideEffectReading& effect : sim_.evaluation.sideEffects) {
        if (effect.delayed || effect.grade < 1) continue;
        any = true;
        wrappedColored(colors::kCaution, "You might feel: \"" + effect.patientSays + "\". It goes away when the setting is lowered.");
    }
    for (const patient::SideEffectReading& effect : severity.delayedSideEffects)
        if (effect.grade > 0) {
            any = true;
            wrappedColored(colors::kCaution, "Over weeks: \"" + effect.patientSays + "\"");
        }
    if (!any) ImGui::TextColored(colors::kOk, "No side effects at this setting");
    float stress = static_cast<float>(sim_.patientState.stress);
    ImGui::SetNextItemWidth(-1.0f);
    if (ImGui::SliderFloat("##stressPlain", &stress, 0.0f, 1.0f, stress < 0.33f ? "Calm" : stress < 0.66f ? "A bit stressed or tired" : "Very stressed or tired"))
        setStress(static_cast<double>(stress));
}

void GuiApp::drawResearchSection() {
    if (!sim_.patient) return;
    // Its own scrolling region: the panel keeps its layout however many pathways the anatomy has.
    if (ImGui::BeginChild("##research", ImVec2(0.0f, cellHeightLeft()))) {
        const patient::VirtualPatient& vp = *sim_.patient;
        const render::AnatomyView& anatomy = leadView_->anatomy();
        ImGui::PushFont(fonts_.bold);
        ImGui::TextUnformatted("Activation per pathway");
        ImGui::PopFont();
        if (ImGui::BeginTable("##pathways", 3, ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_RowBg)) {
            ImGui::TableSetupColumn("Pathway");
            ImGui::TableSetupColumn("Axons", ImGuiTableColumnFlags_WidthFixed);
            ImGui::TableSetupColumn("Firing", ImGuiTableColumnFlags_WidthFixed);
            ImGui::TableHeadersRow();
            for (std::size_t p = 0; p < vp.anatomy().pathways.size(); ++p) {
                const patient::Pathway& pathway = vp.anatomy().pathways[p];
                ImGui::TableNextRow();
                ImGui::TableSetColumnIndex(0);
                ImGui::TextUnformatted(pathway.name.c_str());
                if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s (%s)", pathway.name.c_str(), pathway.id.c_str());
                ImGui::TableSetColumnIndex(1);
                ImGui::Text("%zu", vp.engine().bundles()[p].axons.size());
                ImGui::TableSetColumnIndex(2);
                ImGui::Text("%5.1f %%", 100.0 * sim_.evaluation.pathwayActivation[p]);
            }
            ImGui::EndTable();
        }
        ImGui::Spacing();
        if (beginInfoTable("##numbers", 92.0f * uiScale_)) {
            if (anatomy.vtaGridReady())
                infoRow("VTA", strf("%.1f mm\xC2\xB3 inside |E| = %.3f V/mm (the 3D view's surface)", anatomy.vtaVolumeMm3(),
                                    anatomy.thresholdVPerMm()));
            infoRow("Evaluation", strf("%.3f ms", sim_.evaluateMs));
            infoRow("Frame", strf("%.1f ms", 1000.0f / std::max(ImGui::GetIO().Framerate, 1.0f)));
            infoRow("Patient build", strf("%.0f ms, unit potentials at %d nodes", sim_.patientBuildMs, vp.engine().nodeCount()));
            if (anatomy.vtaGridReady()) infoRow("VTA grid", strf("%.0f ms", anatomy.lastVtaGridBuildMs()));
            infoRow("Interface", strf("%.0f %s in series per contact", vp.interfaceResistanceOhm(), ohm().c_str()));
            infoRow("Conductor", vp.conductor().description());
            infoRow("Renderer", glInfo_);
            ImGui::EndTable();
        }
        const std::string stem = "dbsprog-" + sim_.patientCase.id;
        if (ImGui::Button("Export CSV")) {
            exportEvaluationCsv(stem + "-evaluation.csv");
            ui_.exportMessage = "wrote " + stem + "-evaluation.csv";
        }
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Pathway activation, relief and side-effect grades of this evaluation");
        if (anatomy.vtaGridReady()) {
            ImGui::SameLine();
            if (ImGui::Button("Export VTA NIfTI") && exportVtaNifti(stem + "-vta.nii")) ui_.exportMessage = "wrote " + stem + "-vta.nii";
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("The VTA of the 3D view as a 0/1 mask, lead frame, mm");
        }
        if (!ui_.exportMessage.empty()) wrappedColored(colors::kMuted, ui_.exportMessage);
        wrappedColored(colors::kMuted, "Anatomy positions are schematic; model assumptions are listed in the files under models/.");
    }
    ImGui::EndChild();
}

void GuiApp::exportEvaluationCsv(const std::string& path) const {
    std::ostringstream out;
    out << "# dbsprog evaluation: case " << sim_.patientCase.id << ", program "
        << (sim_.report ? sim_.report->program.toString() : "none") << (sim_.stimulationOn ? "" : " (off)")
        << ", simulated time " << patient::formatDuration(sim_.patientState.timeS) << "\n";
    out << "kind,id,value,unit\n";
    const auto& vp = *sim_.patient;
    for (std::size_t p = 0; p < vp.anatomy().pathways.size(); ++p)
        out << "activation," << vp.anatomy().pathways[p].id << "," << sim_.evaluation.pathwayActivation[p] << ",fraction\n";
    for (const auto& c : sim_.evaluation.components) out << "steady_relief," << c.id << "," << c.steadyRelief << ",fraction\n";
    for (const auto& e : sim_.evaluation.sideEffects) out << "side_effect_grade," << e.id << "," << e.grade << ",grade 0-4\n";
    const auto severity = vp.severity(sim_.patientState);
    out << "severity,clinical_score," << severity.clinicalScore << "," << sim_.patientCase.clinicalScale << "\n";
    for (const auto& r : severity.regions) out << "severity," << r.id << "," << r.percent << ",percent\n";
    const render::AnatomyView& anatomy = leadView_->anatomy();
    if (anatomy.vtaGridReady()) out << "vta,volume," << anatomy.vtaVolumeMm3() << ",mm3\n";
    io::writeFileAtomic(path, out.str());
}

bool GuiApp::exportVtaNifti(const std::string& path) const {
    // The grid and threshold the 3D view's surface comes from, at the amplitude delivered now.
    const render::AnatomyView& anatomy = leadView_->anatomy();
    const field::FieldGrid* grid = anatomy.vtaGrid();
    if (grid == nullptr) return false;
    io::Volume v = grid->grid().emptyVolume();
    if (sim_.evaluation.stimulating) {
        const auto mask = grid->activatedMask(sim_.patient->contactCurrentsMa(sim_.evaluation.program), anatomy.thresholdVPerMm());
        for (std::size_t i = 0; i < mask.size(); ++i) v.values[i] = mask[i];
    }
    v.description = "dbsprog VTA " + sim_.patientCase.id;
    io::writeNifti(path, v);
    return true;
}

}  // namespace dbsprog::gui
