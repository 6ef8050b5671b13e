// Grid conductor: unit solutions for a Medtronic 3389 in the default tissue model (issue 3: <= 5 s for
// a 4-contact lead on a 2-core machine), opening them from the on-disk cache, and evaluating them.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "dbsprog/device/catalog.hpp"
#include "dbsprog/field/grid_conductor.hpp"
#include "dbsprog/field/tissue_model.hpp"
#include "dbsprog/io/paths.hpp"

using namespace dbsprog;
using namespace dbsprog::field;

namespace {

const device::Lead& lead3389() {
    static const device::Catalog catalog = device::loadCatalog(io::modelsDir());
    return catalog.lead("3389");
}

GridSettings defaultSettings(int threads) {
    GridSettings s;
    s.tissue = findTissueModel(io::modelsDir(), "default");
    s.threads = threads;
    s.useCache = false;
    return s;
}

void reportStats(benchmark::State& state, const GridConductor& g) {
    int iterations = 0;
    for (const auto& s : g.stats().solves) iterations = std::max(iterations, s.iterations);
    state.counters["unknowns"] = static_cast<double>(g.stats().unknowns);
    state.counters["cg_iterations"] = iterations;
    state.counters["setup_s"] = g.stats().setupSeconds;
    state.counters["solve_s"] = g.stats().solveSeconds;
}

// All four unit solutions, no cache; arg = threads (0 = all hardware threads).
void BM_GridUnitSolutions3389(benchmark::State& state) {
    const GridSettings settings = defaultSettings(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        GridConductor g(lead3389(), settings);
        benchmark::DoNotOptimize(g.contactPotentialsVPerMa());
        state.PauseTiming();
        reportStats(state, g);
        state.ResumeTiming();
    }
}
BENCHMARK(BM_GridUnitSolutions3389)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

// The second opening of the same case: read from the cache.
void BM_GridOpenCached3389(benchmark::State& state) {
    std::string dir = (std::filesystem::temp_directory_path() / "dbsprog-bench-grid-XXXXXX").string();
    if (!mkdtemp(dir.data())) {
        state.SkipWithError("mkdtemp failed");
        return;
    }
    GridSettings settings = defaultSettings(0);
    settings.useCache = true;
    settings.cacheDir = dir;
    { GridConductor warm(lead3389(), settings); }
    for (auto _ : state) {
        GridConductor g(lead3389(), settings);
        if (!g.stats().fromCache) state.SkipWithError("not read from the cache");
        benchmark::DoNotOptimize(g.contactPotentialsVPerMa());
    }
    std::filesystem::remove_all(dir);
}
BENCHMARK(BM_GridOpenCached3389)->Unit(benchmark::kMillisecond)->UseRealTime();

// Potential and gradient of all four unit solutions at 10,000 points around the lead.
void BM_GridUnitFields10k(benchmark::State& state) {
    static const GridConductor g(lead3389(), defaultSettings(0));
    Eigen::Matrix3Xd points = Eigen::Matrix3Xd::Random(3, 10000) * 10.0;
    points.row(2).array() += 5.0;
    for (auto _ : state) benchmark::DoNotOptimize(g.unitFields(points, true, 1));
    state.SetItemsProcessed(state.iterations() * points.cols());
}
BENCHMARK(BM_GridUnitFields10k)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
