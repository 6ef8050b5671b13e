#include "dbsprog/patient/case.hpp"

#include <algorithm>
#include <filesystem>

#include "dbsprog/error.hpp"
#include "dbsprog/io/paths.hpp"
#include "io/json_reader.hpp"

namespace dbsprog::patient {

Case loadCase(const std::string& path) {
    const auto doc = io::JsonReader::parse(io::readFile(path), path);
    Case c;
    c.id = doc.string("id");
    c.title = doc.string("title");
    c.diagnosis = doc.string("diagnosis");
    c.target = doc.choice("target", {"GPi", "STN", "VIM"});
    c.hemisphere = doc.choice("hemisphere", {"left", "right"});
    c.description = doc.string("description");
    const auto device = doc.object("device");
    c.leadId = device.string("lead");
    c.ipgId = device.string("ipg");
    c.impedanceOhm = device.number("impedance_ohm", 1.0, 100000.0);
    const std::string programText = device.string("program");
    try {
        c.program = device::parseProgram(programText);
    } catch (const InputError& e) {
        throw InputError(path, device.fieldPath("program"), "\"" + programText + "\"", e.what());
    }
    const auto scale = doc.object("clinical_scale");
    c.clinicalScale = scale.string("name");
    c.clinicalScaleMax = scale.positive("max", 1000.0);
    c.baselineSeverity = scale.number("baseline", 0.0, c.clinicalScaleMax);
    return c;
}

std::vector<Case> loadCases(const std::string& modelsDir) {
    namespace fs = std::filesystem;
    const std::string dir = modelsDir + "/patients";
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw InputError(dir, "models directory", "", "a directory of case files (*.json)");
    std::vector<Case> cases;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.is_regular_file() && entry.path().extension() == ".json") cases.push_back(loadCase(entry.path().string()));
    std::sort(cases.begin(), cases.end(), [](const Case& a, const Case& b) { return a.id < b.id; });
    for (size_t i = 1; i < cases.size(); ++i)
        if (cases[i].id == cases[i - 1].id) throw InputError(dir, "id", "\"" + cases[i].id + "\"", "one case file per id");
    return cases;
}

Case findCase(const std::string& modelsDir, const std::string& id) {
    const auto cases = loadCases(modelsDir);
    for (const auto& c : cases)
        if (c.id == id) return c;
    std::string known;
    for (const auto& c : cases) known += (known.empty() ? "" : ", ") + c.id;
    throw InputError("--case", "id", "\"" + id + "\"", known);
}

}  // namespace dbsprog::patient
