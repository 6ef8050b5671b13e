// On-disk cache of the grid conductor's unit solutions (grid_internal.hpp).
//
// File: magic "DBSGRID1", u64 key length, key text (everything the solution depends on, compared in
// full so a hash collision cannot return a wrong solution), u64 payload size, u64 FNV-1a checksum of the
// payload, payload. Any mismatch (truncation, flipped bits, another key) makes the reader refuse the
// file, and the conductor recomputes and rewrites it. Written atomically (temp file + rename).
// Numbers are stored in the machine's native byte order; a file from another architecture fails the
// checks or the key and is recomputed.
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "dbsprog/io/paths.hpp"
#include "field/grid_internal.hpp"

namespace dbsprog::field::grid {

namespace {

constexpr char kMagic[8] = {'D', 'B', 'S', 'G', 'R', 'I', 'D', '1'};
// Sanity bounds for a payload read back (a corrupted count must not trigger a huge allocation).
constexpr std::uint64_t kMaxCacheBytes = 4ULL << 30;
constexpr int kMaxLevels = 64;
constexpr int kMaxContacts = 64;

class Writer {
public:
    template <class T>
    void put(const T& v) {
        const char* p = reinterpret_cast<const char*>(&v);
        out_.append(p, sizeof(T));
    }
    void putDoubles(const std::vector<double>& v) {
        put<std::uint64_t>(v.size());
        out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(double));
    }
    void putString(const std::string& s) {
        put<std::uint64_t>(s.size());
        out_.append(s);
    }
    std::string& bytes() { return out_; }

private:
    std::string out_;
};

struct Corrupt : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Reader {
public:
    Reader(const char* data, size_t size) : p_(data), end_(data + size) {}
    template <class T>
    T get() {
        need(sizeof(T));
        T v;
        std::memcpy(&v, p_, sizeof(T));
        p_ += sizeof(T);
        return v;
    }
    std::vector<double> getDoubles(size_t expected) {
        const auto n = get<std::uint64_t>();
        if (n != expected) throw Corrupt("array size");
        need(n * sizeof(double));
        std::vector<double> v(n);
        std::memcpy(v.data(), p_, n * sizeof(double));
        p_ += n * sizeof(double);
        return v;
    }
    std::string getString() {
        const auto n = get<std::uint64_t>();
        need(n);
        std::string s(p_, n);
        p_ += n;
        return s;
    }
    bool atEnd() const { return p_ == end_; }

private:
    void need(size_t n) const {
        if (static_cast<size_t>(end_ - p_) < n) throw Corrupt("truncated");
    }
    const char* p_;
    const char* end_;
};

}  // namespace

std::uint64_t fnv1a64(const void* data, size_t size, std::uint64_t seed) {
    // FNV-1a, 64-bit (Fowler, Noll, Vo): offset basis 14695981039346656037, prime 1099511628211.
    const auto* p = static_cast<const unsigned char*>(data);
    std::uint64_t h = seed;
    for (size_t i = 0; i < size; ++i) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

void writeCacheFile(const std::string& path, const std::string& keyText, const Solution& s, const GridStats& stats) {
    Writer w;
    const int contacts = static_cast<int>(s.potential.size());
    w.put<std::int32_t>(contacts);
    w.put<std::int32_t>(static_cast<std::int32_t>(s.boxes.size()));
    for (const auto& b : s.boxes) {
        w.put<double>(b.h);
        for (int a = 0; a < 3; ++a) w.put<std::int32_t>(b.lo[a]);
        for (int a = 0; a < 3; ++a) w.put<std::int32_t>(b.n[a]);
    }
    for (int a = 0; a < 3; ++a) w.put<double>(s.farOriginMm[a]);
    w.put<double>(s.radiusMm);
    for (int k = 0; k < contacts; ++k)
        for (int c = 0; c < contacts; ++c) w.put<double>(s.contactPotentials(c, k));
    for (int c = 0; c < contacts; ++c)
        for (const auto& level : s.potential[c]) w.putDoubles(level);
    // Statistics of the original computation, for reports.
    w.put<std::int64_t>(stats.unknowns);
    w.put<double>(stats.setupSeconds);
    w.put<double>(stats.solveSeconds);
    w.put<std::int32_t>(static_cast<std::int32_t>(stats.solves.size()));
    for (const auto& r : stats.solves) {
        w.put<std::int32_t>(r.iterations);
        w.put<double>(r.relativeResidual);
        w.put<double>(r.seconds);
    }
    w.put<std::int32_t>(static_cast<std::int32_t>(stats.levels.size()));
    for (const auto& l : stats.levels) {
        w.put<double>(l.spacingMm);
        for (int a = 0; a < 3; ++a) w.put<std::int32_t>(l.cells[a]);
        for (int a = 0; a < 3; ++a) w.put<double>(l.minMm[a]);
        for (int a = 0; a < 3; ++a) w.put<double>(l.maxMm[a]);
        w.put<std::int64_t>(l.compositeCells);
    }
    const std::string& payload = w.bytes();

    Writer file;
    file.bytes().append(kMagic, sizeof kMagic);
    file.putString(keyText);
    file.put<std::uint64_t>(payload.size());
    file.put<std::uint64_t>(fnv1a64(payload.data(), payload.size()));
    file.bytes().append(payload);
    io::writeFileAtomic(path, file.bytes());
}

bool readCacheFile(const std::string& path, const std::string& keyText, Solution& s, GridStats& stats,
                   std::string& why) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) {
        why = "cannot open " + path;
        return false;
    }
    const std::streamoff size = in.tellg();
    if (size < 0 || static_cast<std::uint64_t>(size) > kMaxCacheBytes) {
        why = "implausible size";
        return false;
    }
    std::string bytes(static_cast<size_t>(size), '\0');
    in.seekg(0);
    if (!in.read(bytes.data(), size)) {
        why = "read error";
        return false;
    }
    try {
        Reader r(bytes.data(), bytes.size());
        char magic[8];
        for (char& ch : magic) ch = r.get<char>();
        if (std::memcmp(magic, kMagic, sizeof kMagic) != 0) throw Corrupt("not a dbsprog grid cache file");
        if (r.getString() != keyText) throw Corrupt("key mismatch");
        const auto payloadSize = r.get<std::uint64_t>();
        const auto checksum = r.get<std::uint64_t>();
        const size_t headerSize = sizeof kMagic + 8 + keyText.size() + 16;
        if (headerSize + payloadSize != bytes.size()) throw Corrupt("size mismatch (truncated or padded)");
        if (fnv1a64(bytes.data() + headerSize, payloadSize) != checksum) throw Corrupt("checksum mismatch");

        Solution out;
        const int contacts = r.get<std::int32_t>();
        const int levels = r.get<std::int32_t>();
        if (contacts < 1 || contacts > kMaxContacts || levels < 1 || levels > kMaxLevels) throw Corrupt("counts");
        for (int l = 0; l < levels; ++l) {
            Box b;
            b.h = r.get<double>();
            for (int a = 0; a < 3; ++a) b.lo[a] = r.get<std::int32_t>();
            for (int a = 0; a < 3; ++a) b.n[a] = r.get<std::int32_t>();
            for (int a = 0; a < 3; ++a)
                if (b.n[a] < 2 || b.n[a] > 100000) throw Corrupt("box size");
            if (!(b.h > 0.0)) throw Corrupt("spacing");
            out.boxes.push_back(b);
        }
        for (int a = 0; a < 3; ++a) out.farOriginMm[a] = r.get<double>();
        out.radiusMm = r.get<double>();
        out.contactPotentials.resize(contacts, contacts);
        for (int k = 0; k < contacts; ++k)
            for (int c = 0; c < contacts; ++c) out.contactPotentials(c, k) = r.get<double>();
        out.potential.resize(contacts);
        for (int c = 0; c < contacts; ++c)
            for (int l = 0; l < levels; ++l)
                out.potential[c].push_back(r.getDoubles(static_cast<size_t>(out.boxes[l].size())));
        GridStats st;
        st.unknowns = r.get<std::int64_t>();
        st.setupSeconds = r.get<double>();
        st.solveSeconds = r.get<double>();
        const int solves = r.get<std::int32_t>();
        if (solves != contacts) throw Corrupt("solve count");
        for (int i = 0; i < solves; ++i) {
            GridContactSolve g;
            g.iterations = r.get<std::int32_t>();
            g.relativeResidual = r.get<double>();
            g.seconds = r.get<double>();
            st.solves.push_back(g);
        }
        const int infos = r.get<std::int32_t>();
        if (infos != levels) throw Corrupt("level count");
        for (int i = 0; i < infos; ++i) {
            GridLevelInfo li;
            li.spacingMm = r.get<double>();
            for (int a = 0; a < 3; ++a) li.cells[a] = r.get<std::int32_t>();
            for (int a = 0; a < 3; ++a) li.minMm[a] = r.get<double>();
            for (int a = 0; a < 3; ++a) li.maxMm[a] = r.get<double>();
            li.compositeCells = r.get<std::int64_t>();
            st.levels.push_back(li);
        }
        if (!r.atEnd()) throw Corrupt("trailing bytes");
        s = std::move(out);
        stats = std::move(st);
        return true;
    } catch (const Corrupt& e) {
        why = e.what();
        return false;
    }
}

}  // namespace dbsprog::field::grid
