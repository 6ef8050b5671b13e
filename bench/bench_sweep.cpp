// Research sweep throughput (issue 4 goal: >= 5,000 settings per second per core): the shipped case
// dyt1-generalized, every contact of its 3389 as a monopolar cathode, 0-5 V in 0.1 V, three pulse
// widths and three frequencies = 4 x 51 x 3 x 3 = 1,836 settings per iteration, on one thread. The
// VirtualPatient is built once outside the timed loop (a sweep builds it once per patient); the
// amplitude scans, responses, device checks, windows and CSV formatting are all timed.
#include <benchmark/benchmark.h>

#include <memory>

#include "dbsprog/patient/case.hpp"
#include "dbsprog/patient/virtual_patient.hpp"
#include "dbsprog/sweep/spec.hpp"
#include "dbsprog/sweep/sweep.hpp"

using namespace dbsprog;

namespace {

constexpr const char* kCaseId = "dyt1-generalized";
constexpr const char* kSpecJson = R"({
  "cases": ["dyt1-generalized"],
  "contacts": "monopolar",
  "amplitudes": {"from": 0, "to": 5, "step": 0.1},
  "unit": "V",
  "pulse_widths_us": [60, 90, 120],
  "frequencies_hz": [60, 130, 185]
})";

struct Fixture {
    sweep::Sweep plan{sweep::parseSweepSpec(kSpecJson, "bench_sweep"), DBSPROG_BENCH_MODELS_DIR};
    std::unique_ptr<patient::VirtualPatient> patient =
        std::make_unique<patient::VirtualPatient>(patient::findCase(DBSPROG_BENCH_MODELS_DIR, kCaseId), DBSPROG_BENCH_MODELS_DIR);
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

void BM_SweepSettingsPerCore(benchmark::State& state) {
    Fixture& f = fixture();
    const sweep::RowRange rows = f.plan.caseRowRange(0);
    for (auto _ : state) {
        std::string csv = f.plan.caseRows(0, *f.patient, rows);
        benchmark::DoNotOptimize(csv.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows.size()));
    state.counters["settings"] = static_cast<double>(rows.size());
}
// CPU time of the one thread (the patient is built with one thread, so nothing runs elsewhere): a
// per-core figure that a shared, loaded machine does not distort.
BENCHMARK(BM_SweepSettingsPerCore)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
