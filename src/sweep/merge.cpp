// Shard bookkeeping: the first line of each sweep CSV, and joining the shards of one sweep.
#include <algorithm>
#include <sstream>

#include "dbsprog/error.hpp"
#include "dbsprog/io/paths.hpp"
#include "dbsprog/sweep/sweep.hpp"

namespace dbsprog::sweep {

namespace {

constexpr const char* kPartTag = "# dbsprog-sweep";
constexpr const char* kPartLineForm = "\"# dbsprog-sweep spec=<hash> rows=<first>:<end> total=<rows>\" as dbsprog sweep writes it";
/// Longest excerpt of a bad line quoted in an error.
constexpr std::size_t kShownChars = 80;

std::string shown(const std::string& s) {
    return "\"" + (s.size() > kShownChars ? s.substr(0, kShownChars) + "..." : s) + "\"";
}

bool parseCount(const std::string& text, std::size_t& out) {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return false;
    std::istringstream in(text);
    return static_cast<bool>(in >> out);
}

/// "a-b" for a human: inclusive row numbers.
std::string rowSpan(std::size_t begin, std::size_t end) {
    return end - begin == 1 ? "row " + std::to_string(begin) : "rows " + std::to_string(begin) + "-" + std::to_string(end - 1);
}

struct Part {
    std::string path;
    PartInfo info;
    std::string header;
    std::string rows;  ///< the row lines, each ending in '\n'
};

Part readPart(const std::string& path) {
    const std::string text = io::readFile(path);
    Part part;
    part.path = path;
    const auto firstEnd = text.find('\n');
    const auto headerEnd = firstEnd == std::string::npos ? std::string::npos : text.find('\n', firstEnd + 1);
    if (firstEnd == std::string::npos)
        throw InputError(path, "contents", text.empty() ? "(empty file)" : shown(text),
                         "a sweep CSV: the line " + std::string(kPartLineForm) + ", the header, then the rows");
    part.info = parsePartLine(text.substr(0, firstEnd), path);
    if (headerEnd == std::string::npos)
        throw InputError(path, "header", "(missing)", "the header line after the first line (a truncated file?)");
    part.header = text.substr(firstEnd + 1, headerEnd - firstEnd - 1);
    part.rows = text.substr(headerEnd + 1);
    if (!part.rows.empty() && part.rows.back() != '\n')
        throw InputError(path, "last line", "(no line end)", "complete rows, each ending in a line break (a truncated file?)");

    // Each row's first field is its index: they must run from the first line's start to its end.
    std::size_t expected = part.info.rows.begin, pos = 0;
    while (pos < part.rows.size()) {
        const auto lineEnd = part.rows.find('\n', pos);
        const std::string line = part.rows.substr(pos, lineEnd - pos);
        std::size_t index = 0;
        if (!parseCount(line.substr(0, line.find(',')), index) || index != expected || index >= part.info.rows.end)
            throw InputError(path, "line " + std::to_string(expected - part.info.rows.begin + 3), shown(line),
                             "row " + std::to_string(expected) + " next: this part holds " +
                                 rowSpan(part.info.rows.begin, part.info.rows.end) + " in order, as its first line says");
        ++expected;
        pos = lineEnd + 1;
    }
    if (expected != part.info.rows.end)
        throw InputError(path, "rows", std::to_string(expected - part.info.rows.begin) + " rows",
                         std::to_string(part.info.rows.size()) + " rows (" + rowSpan(part.info.rows.begin, part.info.rows.end) +
                             ") as its first line says (a truncated file?)");
    return part;
}

/// First column where two headers differ, for the error message.
std::string firstDifference(const std::string& a, const std::string& b) {
    std::istringstream ia(a), ib(b);
    std::string ca, cb;
    for (int column = 1;; ++column) {
        const bool moreA = static_cast<bool>(std::getline(ia, ca, ',')), moreB = static_cast<bool>(std::getline(ib, cb, ','));
        if (!moreA && !moreB) return "";
        if (!moreA || !moreB || ca != cb)
            return "column " + std::to_string(column) + " \"" + (moreB ? cb : "") + "\" where the first part has \"" + (moreA ? ca : "") + "\"";
    }
}

}  // namespace

std::string formatPartLine(const PartInfo& info) {
    return std::string(kPartTag) + " spec=" + info.fingerprint + " rows=" + std::to_string(info.rows.begin) + ":" +
           std::to_string(info.rows.end) + " total=" + std::to_string(info.totalRows);
}

PartInfo parsePartLine(const std::string& line, const std::string& source) {
    const auto fail = [&]() -> PartInfo { throw InputError(source, "first line", shown(line), kPartLineForm); };
    std::istringstream in(line);
    std::string hash, tag, spec, rows, total;
    if (!(in >> hash >> tag >> spec >> rows >> total) || hash + " " + tag != kPartTag) return fail();
    std::string extra;
    if (in >> extra) return fail();
    const auto value = [](const std::string& token, const std::string& key) {
        return token.compare(0, key.size(), key) == 0 ? token.substr(key.size()) : std::string();
    };
    PartInfo info;
    info.fingerprint = value(spec, "spec=");
    const std::string range = value(rows, "rows=");
    const auto colon = range.find(':');
    if (info.fingerprint.empty() || colon == std::string::npos || !parseCount(range.substr(0, colon), info.rows.begin) ||
        !parseCount(range.substr(colon + 1), info.rows.end) || !parseCount(value(total, "total="), info.totalRows) ||
        info.rows.begin > info.rows.end || info.rows.end > info.totalRows)
        return fail();
    return info;
}

std::string mergeParts(const std::vector<std::string>& partPaths) {
    if (partPaths.empty()) throw InputError("merge", "parts", "(none)", "one or more shard files written by dbsprog sweep --shard");
    std::vector<Part> parts;
    for (const auto& path : partPaths) parts.push_back(readPart(path));

    const Part& first = parts.front();
    for (const Part& p : parts) {
        if (p.info.fingerprint != first.info.fingerprint)
            throw InputError(p.path, "spec", p.info.fingerprint,
                             first.info.fingerprint + " as in " + first.path + ": parts of one sweep (the same spec file)");
        if (p.info.totalRows != first.info.totalRows)
            throw InputError(p.path, "total", std::to_string(p.info.totalRows),
                             std::to_string(first.info.totalRows) + " as in " + first.path + ": parts of one sweep");
        if (p.header != first.header)
            throw InputError(p.path, "header", firstDifference(first.header, p.header),
                             "the header of " + first.path + ": parts of one sweep run with the same models");
    }

    // Sorted by first row, the parts must tile 0..total with no gap and no overlap.
    std::vector<const Part*> order;
    for (const Part& p : parts) order.push_back(&p);
    std::stable_sort(order.begin(), order.end(), [](const Part* a, const Part* b) {
        return a->info.rows.begin != b->info.rows.begin ? a->info.rows.begin < b->info.rows.begin : a->info.rows.end < b->info.rows.end;
    });
    const std::size_t total = first.info.totalRows;
    const std::string allowed = "shards covering rows 0-" + (total ? std::to_string(total - 1) : std::string("(none)")) + " exactly once";
    std::size_t next = 0;
    const Part* previous = nullptr;
    for (const Part* p : order) {
        if (p->info.rows.begin > next)
            throw InputError("merge", "parts", rowSpan(next, p->info.rows.begin) + " missing (no part holds them)",
                             allowed + "; run the missing shard(s) and merge again");
        if (p->info.rows.begin < next && p->info.rows.size() > 0)
            throw InputError(p->path, "rows", rowSpan(p->info.rows.begin, std::min(next, p->info.rows.end)) + " also in " + previous->path,
                             allowed + " (each shard once)");
        if (p->info.rows.size() > 0) previous = p;
        next = std::max(next, p->info.rows.end);
    }
    if (next < total)
        throw InputError("merge", "parts", rowSpan(next, total) + " missing (no part holds them)",
                         allowed + "; run the missing shard(s) and merge again");

    std::string out = formatPartLine({first.info.fingerprint, {0, total}, total}) + "\n" + first.header + "\n";
    for (const Part* p : order) out += p->rows;
    return out;
}

}  // namespace dbsprog::sweep
