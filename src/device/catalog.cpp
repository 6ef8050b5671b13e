#include "dbsprog/device/catalog.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "dbsprog/error.hpp"

namespace dbsprog::device {

namespace {

std::vector<std::string> jsonFiles(const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw InputError(dir, "models directory", "", "a directory of *.json model files");
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

bool sameId(const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

template <typename T>
const T& find(const std::vector<T>& items, const std::string& id, const char* what) {
    for (const auto& item : items)
        if (sameId(item.id, id)) return item;
    std::string known;
    for (const auto& item : items) known += (known.empty() ? "" : ", ") + item.id;
    throw InputError(what, "id", "\"" + id + "\"", known);
}

template <typename T, typename Loader>
std::vector<T> loadAll(const std::string& dir, Loader load) {
    std::vector<T> items;
    for (const auto& file : jsonFiles(dir)) {
        T item = load(file);
        for (const auto& other : items)
            if (sameId(other.id, item.id)) throw InputError(file, "id", "\"" + item.id + "\"", "an id no other file in " + dir + " uses");
        items.push_back(std::move(item));
    }
    std::sort(items.begin(), items.end(), [](const T& a, const T& b) { return a.id < b.id; });
    return items;
}

}  // namespace

const Lead& Catalog::lead(const std::string& id) const { return find(leads, id, "--lead"); }
const Ipg& Catalog::ipg(const std::string& id) const { return find(ipgs, id, "--ipg"); }

Catalog loadCatalog(const std::string& modelsDir) {
    Catalog c;
    c.leads = loadAll<Lead>(modelsDir + "/leads", loadLead);
    c.ipgs = loadAll<Ipg>(modelsDir + "/ipgs", loadIpg);
    return c;
}

}  // namespace dbsprog::device
