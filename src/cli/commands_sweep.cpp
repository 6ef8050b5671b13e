// sweep, merge: research sweeps over patients and settings, shardable across machines.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

#include "cli/cli.hpp"
#include "dbsprog/error.hpp"
#include "dbsprog/io/paths.hpp"
#include "dbsprog/sweep/spec.hpp"
#include "dbsprog/sweep/sweep.hpp"

namespace dbsprog::cli {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kProgressInterval{200};
constexpr int kProgressBarWidth = 40;

/// A progress bar redrawn on stderr while the sweep runs; only when stderr is a terminal, so logs
/// and batch systems get clean output.
class ProgressBar {
public:
    ProgressBar(const std::atomic<std::size_t>& done, std::size_t total) : done_(done), total_(total) {
        if (!isatty(STDERR_FILENO) || total_ == 0) return;
        thread_ = std::thread([this] {
            std::unique_lock<std::mutex> lock(mutex_);
            while (!cv_.wait_for(lock, kProgressInterval, [this] { return stop_; })) draw();
        });
    }
    ~ProgressBar() {
        if (!thread_.joinable()) return;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stop_ = true;
        }
        cv_.notify_one();
        thread_.join();
        draw();
        std::cerr << "\n";
    }

private:
    void draw() const {
        const std::size_t done = std::min(done_.load(std::memory_order_relaxed), total_);
        const int filled = static_cast<int>(kProgressBarWidth * done / total_);
        std::cerr << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
                  << std::string(static_cast<std::size_t>(kProgressBarWidth - filled), ' ') << "] " << done << "/" << total_
                  << " settings" << std::flush;
    }

    const std::atomic<std::size_t>& done_;
    std::size_t total_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool stop_ = false;
    std::thread thread_;
};

int defaultThreads() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

}  // namespace

void addSweepCommands(CLI::App& app, const Options& options, Action& action) {
    struct Args {
        std::string spec, out, shard = "1/1";
        int threads = defaultThreads();
        std::vector<std::string> parts;
    };
    auto args = std::make_shared<Args>();

    auto* sweepCmd = app.add_subcommand("sweep", "evaluate every setting of a sweep spec on every patient; one CSV row per setting");
    sweepCmd->add_option("spec", args->spec, "sweep spec (JSON): cases or cohort, configurations, amplitudes, pulse widths, frequencies")
        ->required();
    sweepCmd->add_option("--out", args->out, "CSV file to write (atomically)")->required();
    sweepCmd->add_option("--threads", args->threads, "worker threads (results do not depend on it)")->capture_default_str();
    sweepCmd->add_option("--shard", args->shard, "run shard K of N (1-based): a contiguous share of the rows, for array jobs")
        ->capture_default_str();
    sweepCmd->callback([&, args] {
        action = [&, args] {
            if (args->threads < 1)
                throw InputError("--threads", "--threads", std::to_string(args->threads), "a whole number >= 1");
            sweep::SweepOptions so;
            so.shard = sweep::parseShard(args->shard);
            so.threads = args->threads;
            const sweep::Sweep plan(sweep::loadSweepSpec(args->spec), options.modelsDir);
            const sweep::RowRange rows = sweep::shardRows(plan.rowCount(), so.shard);

            std::atomic<std::size_t> done{0};
            so.rowsDone = &done;
            const auto start = Clock::now();
            std::string csv;
            {
                ProgressBar bar(done, rows.size());
                csv = plan.run(so);
            }
            io::writeFileAtomic(args->out, csv);
            const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
            std::cout << "wrote " << args->out << ": " << rows.size() << " settings (rows " << rows.begin << "-"
                      << (rows.size() ? rows.end - 1 : rows.begin) << " of " << plan.rowCount() << ", shard " << so.shard.index
                      << "/" << so.shard.count << ") on " << plan.cases().size() << " patient(s) in " << fixed(seconds, 2)
                      << " s with " << so.threads << " thread(s)\n";
        };
    });

    auto* mergeCmd = app.add_subcommand("merge", "join the shards of one sweep into the file a single run writes");
    mergeCmd->add_option("parts", args->parts, "shard CSV files written by 'dbsprog sweep --shard K/N' (any order)")->required();
    mergeCmd->add_option("--out", args->out, "CSV file to write (atomically)")->required();
    mergeCmd->callback([&, args] {
        action = [&, args] {
            io::writeFileAtomic(args->out, sweep::mergeParts(args->parts));
            std::cout << "wrote " << args->out << " from " << args->parts.size() << " part(s)\n";
        };
    });
}

}  // namespace dbsprog::cli
