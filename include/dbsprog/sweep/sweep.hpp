#pragma once
/// Research sweeps: every setting of a spec's grid evaluated on every patient, one CSV row each.
///
/// Rows are numbered in a fixed order: case, configuration, pulse width, frequency, amplitude
/// (amplitude varies fastest). Each row is computed from its own inputs only, so the output is
/// bit-identical for any thread count and any split into shards (DESIGN.md "Determinism").
///
/// Cost: one VirtualPatient per case, one amplitude scan per (case, configuration, pulse width), and
/// per amplitude and frequency only the cheap path (activation from the scan's sorted thresholds,
/// response, device check).
#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "dbsprog/device/catalog.hpp"
#include "dbsprog/patient/case.hpp"
#include "dbsprog/sweep/spec.hpp"

namespace dbsprog::patient {
class VirtualPatient;
}

namespace dbsprog::sweep {

/// Shard K of N (1-based): a contiguous share of the rows by row index.
struct Shard {
    int index = 1;
    int count = 1;
};

/// "K/N" with 1 <= K <= N; throws InputError naming `source` (e.g. "--shard").
Shard parseShard(const std::string& text, const std::string& source = "--shard");

/// Half-open range of row indices [begin, end).
struct RowRange {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::size_t size() const { return end - begin; }
};

/// Rows of shard K/N out of `totalRows`: [total*(K-1)/N, total*K/N). The shards cover every row
/// exactly once whatever N is.
RowRange shardRows(std::size_t totalRows, const Shard& shard);

struct SweepOptions {
    int threads = 1;   ///< worker threads; the result does not depend on it
    Shard shard;       ///< which share of the rows to run (1/1 = all)
    /// When set, incremented by the number of rows finished as work completes (progress display).
    std::atomic<std::size_t>* rowsDone = nullptr;
};

/// One configuration of one case, resolved.
struct PlannedConfiguration {
    std::string text;                  ///< as written in the spec ("C+ 2a-60% 2b-40%") or generated
    std::vector<device::ProgramContact> contacts;
};

/// One patient of the sweep with what its rows need that is cheap to know up front.
struct PlannedCase {
    patient::Case caseData;
    device::ControlMode mode = device::ControlMode::Voltage;  ///< the unit its rows use
    std::vector<PlannedConfiguration> configurations;
    std::size_t firstRow = 0;           ///< index of the case's first row
    std::vector<int> pathwayColumn;     ///< per anatomy pathway: index among the activation columns
    std::vector<int> sideEffectColumn;  ///< per anatomy side effect: index among the grade columns
};

/// A planned sweep: cases resolved (cohort drawn), configurations expanded, columns fixed. Cheap to
/// build (no patient is built); run() does the work.
class Sweep {
public:
    /// Resolves case and cohort ids against `modelsDir` (InputError naming the spec file otherwise).
    Sweep(SweepSpec spec, std::string modelsDir);

    const SweepSpec& spec() const { return spec_; }
    const std::vector<PlannedCase>& cases() const { return cases_; }
    std::size_t rowCount() const { return rowCount_; }
    /// Pathway ids and side-effect ids over every case's anatomy, first-seen order.
    const std::vector<std::string>& pathwayIds() const { return pathwayIds_; }
    const std::vector<std::string>& sideEffectIds() const { return sideEffectIds_; }
    /// The CSV header line (no newline).
    std::string header() const;

    /// The CSV text for the options' shard: a "# dbsprog-sweep" line, the header, the rows.
    std::string run(const SweepOptions& options = {}) const;

    /// CSV lines (each ending in '\n') for rows [rows.begin, rows.end) of case `caseIndex`, computed on
    /// one thread with a patient already built for it (benchmarks, tests). `rows` must lie within the
    /// case's rows.
    std::string caseRows(std::size_t caseIndex, const patient::VirtualPatient& patient, RowRange rows) const;
    /// Rows of case `caseIndex`.
    RowRange caseRowRange(std::size_t caseIndex) const;

private:
    SweepSpec spec_;
    std::string modelsDir_;
    device::Catalog catalog_;
    std::vector<PlannedCase> cases_;
    std::vector<std::string> pathwayIds_, sideEffectIds_;
    std::size_t rowCount_ = 0;
};

/// First line of every sweep CSV: "# dbsprog-sweep spec=<fingerprint> rows=<begin>:<end> total=<n>".
/// Tools reading the CSV skip it as a comment (pandas: comment="#").
struct PartInfo {
    std::string fingerprint;
    RowRange rows;
    std::size_t totalRows = 0;
};
std::string formatPartLine(const PartInfo& info);
/// Parses the line written by formatPartLine; throws InputError naming `source` otherwise.
PartInfo parsePartLine(const std::string& line, const std::string& source);

/// Joins shard outputs (file paths, any order) into the CSV a single run writes, byte for byte.
/// Refuses (InputError naming the file) parts of different sweeps, differing headers, missing or
/// overlapping rows, and parts whose rows do not match their first line.
std::string mergeParts(const std::vector<std::string>& partPaths);

}  // namespace dbsprog::sweep
