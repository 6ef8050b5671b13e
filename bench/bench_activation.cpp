// One program evaluation: superposition + activation of 5,000 axons x 21 nodes (issue 3: <= 0.3 ms
// median on one core), and the VTA on a 40 mm region at 0.5 mm added (<= 3 ms).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>

#include "dbsprog/device/catalog.hpp"
#include "dbsprog/field/field_grid.hpp"
#include "dbsprog/field/homogeneous_conductor.hpp"
#include "dbsprog/tissue/activation.hpp"

using namespace dbsprog;

namespace {

constexpr int kAxons = 5000;
constexpr int kNodesPerAxon = 21;

struct Fixture {
    device::Catalog catalog = device::loadCatalog(DBSPROG_BENCH_MODELS_DIR);
    field::HomogeneousConductor conductor{catalog.lead("3389")};
    tissue::ActivationParams params = tissue::defaultActivationParams(DBSPROG_BENCH_MODELS_DIR);
    std::unique_ptr<tissue::ActivationEngine> engine;
    std::unique_ptr<field::FieldGrid> grid;

    Fixture() {
        // 5,000 straight 5.7 um axons (0.5 mm internodes -> 21 nodes over 10 mm) in random directions
        // through random points 1-10 mm from the lead, around its contacts. Fixed seed.
        std::mt19937 rng(12345);
        std::uniform_real_distribution<double> u(0.0, 1.0);
        tissue::AxonBundle bundle{"benchmark", {}};
        while (static_cast<int>(bundle.axons.size()) < kAxons) {
            const double r = 1.0 + 9.0 * u(rng), a = 2 * M_PI * u(rng), z = 1.0 + 9.0 * u(rng);
            const Eigen::Vector3d mid(r * std::cos(a), r * std::sin(a), z);
            Eigen::Vector3d dir(u(rng) - 0.5, u(rng) - 0.5, u(rng) - 0.5);
            dir.normalize();
            const double halfMm = 0.5 * (kNodesPerAxon - 1) * params.internodeMm(5.7);
            // Keep axons that stay 0.3 mm clear of the lead (closest approach of the segment to the axis).
            const Eigen::Vector2d m = mid.head<2>(), d = dir.head<2>();
            const double t = d.squaredNorm() > 0 ? std::clamp(-m.dot(d) / d.squaredNorm(), -halfMm, halfMm) : 0.0;
            if ((m + t * d).norm() < conductor.lead().radiusMm() + 0.3) continue;
            bundle.axons.push_back({{mid - halfMm * dir, mid + halfMm * dir}, 5.7});
        }
        engine = std::make_unique<tissue::ActivationEngine>(conductor, std::vector<tissue::AxonBundle>{bundle}, params, 2);
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

Eigen::VectorXd program(double ma) {
    Eigen::VectorXd i = Eigen::VectorXd::Zero(4);
    i(1) = -ma * 0.6, i(2) = -ma * 0.4;
    return i;
}

}  // namespace

static void BM_ActivationEvaluate(benchmark::State& state) {
    auto& f = fixture();
    tissue::ActivationEngine& engine = *f.engine;
    engine.evaluate(program(1.0), 60.0);  // response matrix for this pulse width built outside the timing
    double ma = 1.0;
    for (auto _ : state) {
        ma = ma > 5.0 ? 1.0 : ma + 0.1;  // a new amplitude every evaluation, as a user ramps
        auto r = engine.evaluate(program(ma), 60.0);
        benchmark::DoNotOptimize(r.fractionActivated.data());
    }
    state.counters["axons"] = engine.axonCount();
    state.counters["nodes"] = engine.nodeCount();
}
BENCHMARK(BM_ActivationEvaluate)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);

static void BM_PulseWidthChange(benchmark::State& state) {
    // A pulse width not seen before builds the per-axon response matrices (then cached).
    auto& f = fixture();
    double pulseWidthUs = 300.0;
    for (auto _ : state) {
        pulseWidthUs += 10.0;
        auto r = f.engine->evaluate(program(2.0), pulseWidthUs);
        benchmark::DoNotOptimize(r.fractionActivated.data());
    }
}
BENCHMARK(BM_PulseWidthChange)->Unit(benchmark::kMillisecond)->Iterations(3);

static void BM_VtaOn40mmRegion(benchmark::State& state) {
    auto& f = fixture();
    if (!f.grid) f.grid = std::make_unique<field::FieldGrid>(f.conductor, field::RegionGrid::cube(Eigen::Vector3d(0, 0, 5.25), 40.0, 0.5), 2);
    double ma = 1.0;
    for (auto _ : state) {
        ma = ma > 5.0 ? 1.0 : ma + 0.1;
        benchmark::DoNotOptimize(f.grid->activatedVolumeMm3(program(ma), 0.2));
    }
    state.counters["voxels"] = static_cast<double>(f.grid->grid().voxelCount());
}
BENCHMARK(BM_VtaOn40mmRegion)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);

BENCHMARK_MAIN();
