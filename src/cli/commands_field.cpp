// field, vta, threshold: the potential, |E|, volume of tissue activated and axon thresholds of a program.
#include <cmath>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>
#include <thread>

#include "cli/cli.hpp"
#include "dbsprog/device/catalog.hpp"
#include "dbsprog/device/check.hpp"
#include "dbsprog/error.hpp"
#include "dbsprog/field/conductor_factory.hpp"
#include "dbsprog/field/field_grid.hpp"
#include "dbsprog/field/stimulus.hpp"
#include "dbsprog/io/nifti.hpp"
#include "dbsprog/io/paths.hpp"
#include "dbsprog/tissue/activation.hpp"
#include "dbsprog/tissue/mrg_axon.hpp"

namespace dbsprog::cli {

namespace {

using nlohmann::json;

struct FieldArgs {
    std::string lead, ipg, program, conductor = "homogeneous", inactive = "floating", tissue;
    double sigmaSPerM = 0.2;
    double interfaceOhm = field::kDefaultInterfaceResistanceOhm;
    int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    bool json = false;
    // field
    std::string pointsCsv;
    // vta
    double thresholdVPerMm = 0.0;
    double spacingMm = 0.25;
    double regionMm = 0.0;  // 0: sized from the current
    std::string niftiPath, fieldNiftiPath;
    // threshold
    std::string axon;
    double diameterUm = 5.7;
    std::string axonModel = "mrg";
};

/// Options every field command shares.
void addConductorOptions(CLI::App* cmd, FieldArgs& a, bool withProgram = true) {
    cmd->add_option("--lead", a.lead, "lead id (see 'dbsprog leads')")->required();
    if (withProgram) {
        cmd->add_option("--program", a.program, "program, e.g. \"C+ 1- 3.0mA 90us 130Hz\"")->required();
        cmd->add_option("--ipg", a.ipg, "generator id: also check the program against its limits");
    }
    cmd->add_option("--conductor", a.conductor, "volume conductor model: homogeneous or grid")->capture_default_str();
    cmd->add_option("--sigma", a.sigmaSPerM, "tissue conductivity of the homogeneous model, S/m")->capture_default_str();
    cmd->add_option("--tissue", a.tissue, "grid model: tissue model file (default models/tissue/default.json)");
    cmd->add_option("--inactive", a.inactive, "inactive contacts: floating (metal) or insulating")->capture_default_str();
    cmd->add_option("--interface-resistance", a.interfaceOhm, "voltage mode: electrode-tissue interface resistance per contact, ohm")
        ->capture_default_str();
    cmd->add_option("--threads", a.threads, "worker threads (results do not depend on it)")->capture_default_str();
    cmd->add_flag("--json", a.json, "machine-readable output");
}

struct Setup {
    device::Catalog catalog;
    const device::Lead* lead = nullptr;
    device::Program program;
    std::unique_ptr<field::VolumeConductor> conductor;
    Eigen::VectorXd currentsMa;  ///< per lead contact at the program's amplitude
};

/// The program with its contacts checked against the lead (and against the generator, if given).
device::Program programForLead(const std::string& text, const device::Lead& lead, const device::Catalog& cat, const std::string& ipgId) {
    device::Program p = device::parseProgram(text);
    if (!ipgId.empty()) return device::validateProgram(p, lead, cat.ipg(ipgId));
    for (auto& c : p.contacts) {
        if (c.isCase()) continue;
        const auto idx = lead.contactIndex(c.name);
        if (!idx) throw InputError("program", "contact", "\"" + c.name + "\"", "contacts of the " + lead.displayName + ": " + lead.contactNames() + ", or C (case)");
        c.name = lead.contacts[static_cast<size_t>(*idx)].name;
    }
    return p;
}

field::ConductorOptions conductorOptions(const FieldArgs& a) {
    if (a.threads < 1) throw InputError("--threads", "threads", std::to_string(a.threads), "1 or more");
    field::ConductorOptions co;
    co.kind = field::parseConductorKind(a.conductor);
    co.inactiveContacts = field::parseInactiveContacts(a.inactive);
    co.sigmaSPerM = a.sigmaSPerM;
    co.tissueModelPath = a.tissue;
    co.threads = a.threads;
    return co;
}

Setup setUp(const FieldArgs& a, const Options& options) {
    const field::ConductorOptions co = conductorOptions(a);
    Setup s;
    s.catalog = device::loadCatalog(options.modelsDir);
    s.lead = &s.catalog.lead(a.lead);
    s.program = programForLead(a.program, *s.lead, s.catalog, a.ipg);
    s.conductor = field::makeConductor(*s.lead, co, options.modelsDir);
    s.currentsMa = field::contactCurrentsMa(s.program, *s.conductor, a.interfaceOhm);
    return s;
}

json currentsJson(const Setup& s) {
    json j = json::object();
    for (int c = 0; c < s.conductor->contactCount(); ++c)
        if (s.currentsMa(c) != 0.0) j[s.lead->contacts[static_cast<size_t>(c)].name] = s.currentsMa(c);
    return j;
}

void printHeader(const Setup& s) {
    std::cout << "Conductor   " << s.conductor->description() << "\n"
              << "Program     " << s.program.toString() << " on " << s.lead->displayName << "\n"
              << "Currents    ";
    for (int c = 0; c < s.conductor->contactCount(); ++c)
        if (s.currentsMa(c) != 0.0) std::cout << s.lead->contacts[static_cast<size_t>(c)].name << " " << fixed(s.currentsMa(c), 3) << " mA  ";
    std::cout << "\n";
}

std::vector<Eigen::Vector3d> readPointsCsv(const std::string& path) {
    std::istringstream in(io::readFile(path));
    std::string line;
    if (!std::getline(in, line)) throw InputError(path, "header", "(empty file)", "a header line x_mm,y_mm,z_mm");
    std::vector<std::string> header;
    {
        std::stringstream ss(line);
        for (std::string cell; std::getline(ss, cell, ',');) {
            while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
            header.push_back(cell);
        }
    }
    int col[3] = {-1, -1, -1};
    const char* names[3] = {"x_mm", "y_mm", "z_mm"};
    for (int d = 0; d < 3; ++d)
        for (size_t i = 0; i < header.size(); ++i)
            if (header[i] == names[d]) col[d] = static_cast<int>(i);
    for (int d = 0; d < 3; ++d)
        if (col[d] < 0) throw InputError(path, "header", "\"" + line + "\"", "columns x_mm, y_mm and z_mm");
    std::vector<Eigen::Vector3d> points;
    for (int lineNo = 2; std::getline(in, line); ++lineNo) {
        if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
        std::vector<std::string> cells;
        std::stringstream ss(line);
        for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
        Eigen::Vector3d p;
        for (int d = 0; d < 3; ++d) {
            const std::string field = "line " + std::to_string(lineNo) + " " + names[d];
            if (static_cast<size_t>(col[d]) >= cells.size()) throw InputError(path, field, "(missing)", "a number in mm");
            try {
                size_t used = 0;
                p(d) = std::stod(cells[static_cast<size_t>(col[d])], &used);
                if (cells[static_cast<size_t>(col[d])].find_first_not_of(" \r\t", used) != std::string::npos || !std::isfinite(p(d)))
                    throw std::invalid_argument("trailing");
            } catch (const std::exception&) {
                throw InputError(path, field, "\"" + cells[static_cast<size_t>(col[d])] + "\"", "a number in mm");
            }
        }
        points.push_back(p);
    }
    if (points.empty()) throw InputError(path, "points", "(none)", "at least one row of x_mm,y_mm,z_mm");
    return points;
}

void runField(const FieldArgs& a, const Options& options) {
    const Setup s = setUp(a, options);
    const auto points = readPointsCsv(a.pointsCsv);
    Eigen::Matrix3Xd p(3, static_cast<Eigen::Index>(points.size()));
    for (size_t i = 0; i < points.size(); ++i) p.col(static_cast<Eigen::Index>(i)) = points[i];
    const auto unit = s.conductor->unitFields(p, true, a.threads);
    const Eigen::VectorXd potential = unit.potentialVPerMa * s.currentsMa;
    Eigen::Matrix3Xd e(3, p.cols());
    for (int d = 0; d < 3; ++d) e.row(d) = -(unit.gradientVPerMmPerMa[d] * s.currentsMa).transpose();
    const auto value = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
    if (a.json) {
        json rows = json::array();
        for (Eigen::Index i = 0; i < p.cols(); ++i)
            rows.push_back({{"x_mm", p(0, i)}, {"y_mm", p(1, i)}, {"z_mm", p(2, i)}, {"potential_V", value(potential(i))},
                            {"e_V_per_mm", value(e.col(i).norm())}, {"inside_lead", !std::isfinite(potential(i))}});
        printJson({{"conductor", s.conductor->description()}, {"program", s.program.toString()}, {"lead", s.lead->id},
                   {"contact_currents_mA", currentsJson(s)}, {"points", rows}});
        return;
    }
    printHeader(s);
    std::cout << "\nx_mm,y_mm,z_mm,potential_V,e_V_per_mm\n";
    for (Eigen::Index i = 0; i < p.cols(); ++i) {
        std::cout << p(0, i) << "," << p(1, i) << "," << p(2, i) << ",";
        if (std::isfinite(potential(i))) std::cout << potential(i) << "," << e.col(i).norm() << "\n";
        else std::cout << "inside lead,inside lead\n";
    }
}

void runVta(const FieldArgs& a, const Options& options) {
    if (!(a.thresholdVPerMm > 0.0)) throw InputError("--threshold", "threshold", std::to_string(a.thresholdVPerMm) + " V/mm", "a field strength > 0 V/mm (e.g. 0.2)");
    if (!(a.spacingMm >= 0.05 && a.spacingMm <= 2.0)) throw InputError("--spacing", "spacing", std::to_string(a.spacingMm) + " mm", "0.05 to 2 mm");
    const Setup s = setUp(a, options);
    // Region: centred on the current-weighted centre of the active contacts; unless given, sized so a
    // point source of the whole current in the model's conductivity stays below the threshold outside
    // it, and doubled while the VTA touches its edge.
    Eigen::Vector3d centre = Eigen::Vector3d::Zero();
    double total = 0.0, zMin = 1e9, zMax = -1e9;
    for (int c = 0; c < s.conductor->contactCount(); ++c) {
        const double w = std::fabs(s.currentsMa(c));
        if (w == 0.0) continue;
        const auto& contact = s.lead->contacts[static_cast<size_t>(c)];
        centre.z() += w * contact.centreZMm();
        total += w;
        zMin = std::min(zMin, contact.zMinMm), zMax = std::max(zMax, contact.zMaxMm);
    }
    if (total == 0.0) throw InputError("--program", "amplitude", "0", "a non-zero amplitude for a VTA");
    centre /= total;
    constexpr double kPi = 3.14159265358979323846;
    double side = a.regionMm > 0.0 ? a.regionMm
                                    : 2.0 * std::sqrt(total / (4 * kPi * a.sigmaSPerM * a.thresholdVPerMm)) + (zMax - zMin) + 2.0;
    std::unique_ptr<field::FieldGrid> grid;
    std::vector<unsigned char> mask;
    for (int attempt = 0;; ++attempt) {
        grid = std::make_unique<field::FieldGrid>(*s.conductor, field::RegionGrid::cube(centre, side, a.spacingMm), a.threads);
        mask = grid->activatedMask(s.currentsMa, a.thresholdVPerMm);
        const auto& d = grid->grid().dims;
        bool touches = false;
        for (int k = 0; k < d[2] && !touches; ++k)
            for (int j = 0; j < d[1] && !touches; ++j)
                for (int i = 0; i < d[0]; ++i)
                    if ((i == 0 || j == 0 || k == 0 || i == d[0] - 1 || j == d[1] - 1 || k == d[2] - 1) && mask[grid->grid().index(i, j, k)]) {
                        touches = true;
                        break;
                    }
        if (!touches || a.regionMm > 0.0 || attempt == 3) {
            if (touches) std::cerr << "warning: the VTA reaches the edge of the " << side << " mm region; the volume is a lower bound\n";
            break;
        }
        side *= 2.0;
    }
    const auto& g = grid->grid();
    const double volume = static_cast<double>(std::count(mask.begin(), mask.end(), 1)) * g.voxelVolumeMm3();
    if (!a.niftiPath.empty()) {
        io::Volume v = g.emptyVolume();
        for (size_t i = 0; i < mask.size(); ++i) v.values[i] = mask[i];
        v.description = "dbsprog VTA |E|>=" + fixed(a.thresholdVPerMm, 3) + " V/mm " + s.program.toString();
        io::writeNifti(a.niftiPath, v);
    }
    if (!a.fieldNiftiPath.empty()) {
        io::Volume v = g.emptyVolume();
        v.values = grid->fieldMagnitude(s.currentsMa);
        v.description = "dbsprog |E| V/mm " + s.program.toString();
        io::writeNifti(a.fieldNiftiPath, v);
    }
    if (a.json) {
        printJson({{"conductor", s.conductor->description()}, {"program", s.program.toString()}, {"lead", s.lead->id},
                   {"contact_currents_mA", currentsJson(s)}, {"threshold_V_per_mm", a.thresholdVPerMm}, {"volume_mm3", volume},
                   {"grid", {{"spacing_mm", g.spacingMm}, {"dims", g.dims}, {"origin_mm", {g.originMm.x(), g.originMm.y(), g.originMm.z()}}}},
                   {"nifti", a.niftiPath.empty() ? json(nullptr) : json(a.niftiPath)},
                   {"field_nifti", a.fieldNiftiPath.empty() ? json(nullptr) : json(a.fieldNiftiPath)}});
        return;
    }
    printHeader(s);
    std::cout << "Grid        " << g.dims[0] << "^3 voxels of " << g.spacingMm << " mm (" << fixed(g.spacingMm * (g.dims[0] - 1), 1) << " mm cube)\n"
              << "VTA         " << fixed(volume, 2) << " mm3 where |E| >= " << a.thresholdVPerMm << " V/mm\n";
    if (!a.niftiPath.empty()) std::cout << "Wrote       " << a.niftiPath << " (VTA mask, lead frame, mm)\n";
    if (!a.fieldNiftiPath.empty()) std::cout << "Wrote       " << a.fieldNiftiPath << " (|E|, V/mm)\n";
}

/// "x0,y0,z0:x1,y1,z1[:...]" -> polyline.
std::vector<Eigen::Vector3d> parseAxon(const std::string& text) {
    std::vector<Eigen::Vector3d> path;
    std::stringstream ss(text);
    for (std::string point; std::getline(ss, point, ':');) {
        std::stringstream ps(point);
        Eigen::Vector3d p;
        int d = 0;
        for (std::string cell; std::getline(ps, cell, ','); ++d) {
            size_t used = 0;
            double v = std::numeric_limits<double>::quiet_NaN();
            try {
                v = std::stod(cell, &used);
            } catch (const std::exception&) {
            }
            if (d >= 3 || used != cell.size() || !std::isfinite(v))
                throw InputError("--axon", "point " + std::to_string(path.size() + 1), "\"" + point + "\"", "x,y,z in mm, points separated by ':'");
            p(d) = v;
        }
        if (d != 3) throw InputError("--axon", "point " + std::to_string(path.size() + 1), "\"" + point + "\"", "x,y,z in mm");
        path.push_back(p);
    }
    if (path.size() < 2) throw InputError("--axon", "axon", "\"" + text + "\"", "at least two points: x0,y0,z0:x1,y1,z1");
    return path;
}

void runThreshold(const FieldArgs& a, const Options& options) {
    if (!(a.diameterUm >= 1.0 && a.diameterUm <= 20.0)) throw InputError("--diameter", "fibre diameter", std::to_string(a.diameterUm) + " um", "1 to 20 um");
    if (a.axonModel != "mrg" && a.axonModel != "fast") throw InputError("--axon-model", "axon model", "\"" + a.axonModel + "\"", "mrg or fast");
    const auto path = parseAxon(a.axon);
    const Setup s = setUp(a, options);
    // The program's shape at amplitude 1 (1 mA or 1 V): both axon models are driven by the potential,
    // which is linear in the amplitude.
    device::Program unitProgram = s.program;
    unitProgram.amplitude = 1.0;
    const Eigen::VectorXd unitCurrents = field::contactCurrentsMa(unitProgram, *s.conductor, a.interfaceOhm);
    double amplitude = 0.0;
    int nodes = 0, simulations = 0;
    std::string modelText;
    if (a.axonModel == "mrg") {
        // McIntyre-Richardson-Grill double cable; bisection on the amplitude to 0.2 %.
        const auto model = tissue::loadMrgModel(options.modelsDir + "/axons/mrg.json");
        const tissue::MrgAxon axon(model, a.diameterUm, path);
        Eigen::Matrix3Xd centres(3, axon.compartmentCount());
        for (int i = 0; i < axon.compartmentCount(); ++i) centres.col(i) = axon.compartmentCentresMm()[static_cast<size_t>(i)];
        const Eigen::VectorXd potential = s.conductor->unitFields(centres, false, a.threads).potentialVPerMa * unitCurrents;
        if (!potential.allFinite()) throw InputError("--axon", "axon", "\"" + a.axon + "\"", "a path that does not pass through the lead");
        tissue::MrgStimulus stimulus;
        stimulus.pulseWidthUs = s.program.pulseWidthUs;
        stimulus.polarity = tissue::Polarity::Anodic;  // the potential already carries the program's signs
        const auto t = tissue::findThreshold(axon, potential, stimulus);
        amplitude = t.thresholdMa;
        nodes = axon.nodeCount();
        simulations = t.simulations;
        modelText = "MRG double cable (McIntyre, Richardson & Grill 2002; models/axons/mrg.json), bisection to 0.2 %";
    } else {
        const auto params = tissue::defaultActivationParams(options.modelsDir);
        tissue::ActivationEngine engine(*s.conductor, {{"axon", {tissue::Axon{path, a.diameterUm}}}}, params, a.threads);
        if (engine.axonCount() == 0) throw InputError("--axon", "axon", "\"" + a.axon + "\"", "a path that does not pass through the lead");
        amplitude = engine.thresholdAmplitudes(unitCurrents, s.program.pulseWidthUs).at(0);
        nodes = engine.nodeCount();
        modelText = "activating function driving a passive myelinated cable (models/axons/activation.json)";
    }
    const bool voltage = s.program.mode == device::ControlMode::Voltage;
    const double cathodicMa = -unitCurrents.cwiseMin(0.0).sum() * amplitude;
    const auto finite = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
    if (a.json) {
        json out = {{"conductor", s.conductor->description()}, {"axon_model", modelText}, {"program", s.program.toString()},
                    {"lead", s.lead->id}, {"pulse_width_us", s.program.pulseWidthUs}, {"diameter_um", a.diameterUm},
                    {"nodes", nodes}, {"threshold_mA", finite(cathodicMa)}};
        if (voltage) out["threshold_V"] = finite(amplitude);
        if (simulations) out["simulations"] = simulations;
        printJson(out);
        return;
    }
    printHeader(s);
    std::cout << "Axon model  " << modelText << "\n"
              << "Axon        " << a.diameterUm << " um, " << nodes << " nodes of Ranvier\n";
    if (!std::isfinite(amplitude)) {
        std::cout << "Threshold   none: this program's shape does not fire the axon within the search range\n";
        return;
    }
    std::cout << "Threshold   " << fixed(cathodicMa, 3) << " mA";
    if (voltage) std::cout << " (" << fixed(amplitude, 3) << " V)";
    std::cout << " at " << s.program.pulseWidthUs << " us\n";
}

void runImpedance(const FieldArgs& a, const Options& options) {
    if (!(a.interfaceOhm >= 0.0)) throw InputError("--interface-resistance", "interface resistance", std::to_string(a.interfaceOhm), ">= 0 ohm");
    const field::ConductorOptions co = conductorOptions(a);
    const auto catalog = device::loadCatalog(options.modelsDir);
    const auto& lead = catalog.lead(a.lead);
    const auto conductor = field::makeConductor(lead, co, options.modelsDir);
    const Eigen::VectorXd ohm = field::monopolarImpedancesOhm(*conductor, a.interfaceOhm);
    // As a programmer's impedance check flags them (FACTS.md): < 50 ohm a short, > 2000 ohm an open circuit.
    const auto status = [](double z) {
        return z < device::kImpedanceShortOhm ? "possible short" : z > device::kImpedanceOpenOhm ? "possible open circuit" : "ok";
    };
    if (a.json) {
        json contacts = json::array();
        for (int c = 0; c < conductor->contactCount(); ++c)
            contacts.push_back({{"name", lead.contacts[static_cast<size_t>(c)].name}, {"impedance_ohm", ohm(c)}, {"status", status(ohm(c))}});
        printJson({{"conductor", conductor->description()}, {"lead", lead.id}, {"interface_resistance_ohm", a.interfaceOhm},
                   {"contacts", contacts}});
        return;
    }
    std::cout << "Conductor   " << conductor->description() << "\n"
              << "Monopolar impedance per contact (tissue + " << fixed(a.interfaceOhm, 0) << " ohm interface):\n";
    for (int c = 0; c < conductor->contactCount(); ++c)
        std::cout << "  " << lead.contacts[static_cast<size_t>(c)].name << "  " << fixed(ohm(c), 0) << " ohm  " << status(ohm(c)) << "\n";
}

}  // namespace

void addFieldCommands(CLI::App& app, const Options& options, Action& action) {
    auto a = std::make_shared<FieldArgs>();

    auto* field = app.add_subcommand("field", "potential (V) and |E| (V/mm) of a program at points in the lead frame");
    addConductorOptions(field, *a);
    field->add_option("--points", a->pointsCsv, "CSV file with columns x_mm,y_mm,z_mm (lead frame)")->required();
    field->callback([&, a] { action = [&, a] { runField(*a, options); }; });

    auto* vta = app.add_subcommand("vta", "volume of tissue activated: where |E| >= a threshold");
    addConductorOptions(vta, *a);
    vta->add_option("--threshold", a->thresholdVPerMm, "field threshold, V/mm (Lead-DBS heuristics: GPi 0.2, STN 0.19, VIM 0.165)")->required();
    vta->add_option("--spacing", a->spacingMm, "voxel size, mm")->capture_default_str();
    vta->add_option("--region", a->regionMm, "side of the cubic region, mm (default: sized from the current)");
    vta->add_option("--nifti", a->niftiPath, "write the VTA mask as NIfTI-1 (.nii)");
    vta->add_option("--field-nifti", a->fieldNiftiPath, "write |E| (V/mm) as NIfTI-1 (.nii)");
    vta->callback([&, a] { action = [&, a] { runVta(*a, options); }; });

    auto* threshold = app.add_subcommand("threshold", "amplitude at which an axon fires for a program's shape and pulse width");
    addConductorOptions(threshold, *a);
    threshold->add_option("--axon", a->axon, "axon path in mm: \"x0,y0,z0:x1,y1,z1[:...]\"")->required();
    threshold->add_option("--diameter", a->diameterUm, "fibre diameter, um")->capture_default_str();
    threshold->add_option("--axon-model", a->axonModel, "mrg (the MRG cable model, bisection) or fast (the per-frame criterion)")
        ->capture_default_str();
    threshold->callback([&, a] { action = [&, a] { runThreshold(*a, options); }; });

    auto* impedance = app.add_subcommand("impedance", "impedance check: each contact's monopolar impedance from the conductor model");
    addConductorOptions(impedance, *a, false);
    impedance->callback([&, a] { action = [&, a] { runImpedance(*a, options); }; });
}

}  // namespace dbsprog::cli
