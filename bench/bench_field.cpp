// The homogeneous (boundary-element) conductor: building unit solutions per lead, evaluating them at
// sample points, and superposing a program at 5,000 axons x 21 nodes from precomputed unit fields.
#include <benchmark/benchmark.h>

#include <cmath>
#include <memory>
#include <random>
#include <string>

#include "dbsprog/device/lead.hpp"
#include "dbsprog/field/homogeneous_conductor.hpp"
#include "dbsprog/field/unit_solutions.hpp"

using namespace dbsprog;

namespace {

constexpr int kAxons = 5000;
constexpr int kNodesPerAxon = 21;
constexpr double kInternodeMm = 0.5;  // 5.7 um fibre (FACTS.md: ~100 x diameter)

device::Lead lead(const std::string& stem) {
    return device::loadLead(std::string(DBSPROG_BENCH_MODELS_DIR) + "/leads/" + stem + ".json");
}

/// Straight axons in random directions through random points 1-10 mm from the lead axis, around the
/// contacts, nodes every 0.5 mm (fixed seed).
Eigen::Matrix3Xd axonNodes(int axons) {
    std::mt19937 rng(20240611);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    Eigen::Matrix3Xd nodes(3, axons * kNodesPerAxon);
    int filled = 0;
    while (filled < axons) {
        const double r = 1.0 + 9.0 * u(rng), a = 2.0 * M_PI * u(rng), z = 1.0 + 9.0 * u(rng);
        const Eigen::Vector3d mid(r * std::cos(a), r * std::sin(a), z);
        const Eigen::Vector3d dir = Eigen::Vector3d(u(rng) - 0.5, u(rng) - 0.5, u(rng) - 0.5).normalized();
        bool clear = true;  // keep every node in tissue, at least 0.9 mm from the axis
        for (int k = 0; k < kNodesPerAxon && clear; ++k)
            clear = (mid + (k - kNodesPerAxon / 2) * kInternodeMm * dir).head<2>().norm() > 0.9;
        if (!clear) continue;
        for (int k = 0; k < kNodesPerAxon; ++k)
            nodes.col(filled * kNodesPerAxon + k) = mid + (k - kNodesPerAxon / 2) * kInternodeMm * dir;
        ++filled;
    }
    return nodes;
}

// ---- building unit solutions (once per lead, conductivity and contact mode) ----

void BM_BuildUnitSolutions(benchmark::State& state, const std::string& stem) {
    const device::Lead l = lead(stem);
    int unknowns = 0, rows = 0;
    for (auto _ : state) {
        const field::HomogeneousConductor hc(l);
        unknowns = hc.stats().unknowns;
        rows = hc.stats().rows;
        benchmark::DoNotOptimize(hc.contactPotentialsVPerMa().data());
    }
    state.counters["rows"] = rows;
    state.counters["unknowns"] = unknowns;
}
BENCHMARK_CAPTURE(BM_BuildUnitSolutions, 3389, std::string("3389"))
    ->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK_CAPTURE(BM_BuildUnitSolutions, DB2202, std::string("db-2202"))
    ->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1)->Repetitions(3)->ReportAggregatesOnly(true);

// ---- unit fields at sample points (once per point set) ----

void BM_UnitFieldsAtAxonNodes(benchmark::State& state, const std::string& stem) {
    const field::HomogeneousConductor hc(lead(stem));
    const Eigen::Matrix3Xd nodes = axonNodes(static_cast<int>(state.range(0)));
    const bool gradient = state.range(1) != 0;
    for (auto _ : state) {
        const field::UnitFields f = hc.unitFields(nodes, gradient, 1);
        benchmark::DoNotOptimize(f.potentialVPerMa.data());
    }
    // Seconds per point (shown with an SI prefix, e.g. "13.3u").
    state.counters["per_point"] = benchmark::Counter(
        static_cast<double>(nodes.cols()), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
// (axons, gradient): 500 x 21 nodes; the per-point time scales to any count.
BENCHMARK_CAPTURE(BM_UnitFieldsAtAxonNodes, 3389, std::string("3389"))
    ->Args({500, 0})->Args({500, 1})->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK_CAPTURE(BM_UnitFieldsAtAxonNodes, DB2202, std::string("db-2202"))
    ->Args({100, 1})->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

// ---- superposition: one program at 5,000 x 21 nodes from precomputed unit fields ----

struct SuperpositionFixture {
    field::HomogeneousConductor conductor{lead("3389")};
    field::UnitSolutions units{conductor, axonNodes(kAxons), true, 1};
};

const SuperpositionFixture& fixture() {
    static const SuperpositionFixture f;  // built once (a few seconds), outside the timed loops
    return f;
}

Eigen::VectorXd program() {
    Eigen::VectorXd currents(4);
    currents << 0.0, -2.1, -0.9, 0.0;  // C+ 1- 70% 2- 30%, 3 mA
    return currents;
}

void BM_SuperposePotential(benchmark::State& state) {
    const auto& f = fixture();
    const Eigen::VectorXd currents = program();
    Eigen::VectorXd out(f.units.pointCount());
    for (auto _ : state) {
        f.units.potentialV(currents, out);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.counters["points"] = static_cast<double>(f.units.pointCount());
}
BENCHMARK(BM_SuperposePotential)->Unit(benchmark::kMicrosecond)->Repetitions(10)->ReportAggregatesOnly(true);

void BM_SuperposeFieldMagnitude(benchmark::State& state) {
    const auto& f = fixture();
    const Eigen::VectorXd currents = program();
    Eigen::VectorXd out(f.units.pointCount());
    for (auto _ : state) {
        f.units.fieldMagnitudeVPerMm(currents, out);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.counters["points"] = static_cast<double>(f.units.pointCount());
}
BENCHMARK(BM_SuperposeFieldMagnitude)->Unit(benchmark::kMicrosecond)->Repetitions(10)->ReportAggregatesOnly(true);

}  // namespace

BENCHMARK_MAIN();
