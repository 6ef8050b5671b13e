#pragma once
// Splits [0, count) into `threads` contiguous chunks and runs body(begin, end) on each, the first on
// the calling thread. Every index is handled by one chunk with the same arithmetic, so results do not
// depend on the thread count (the project's determinism rule). Internal to the core.
#include <algorithm>
#include <thread>
#include <vector>

namespace dbsprog::util {

template <typename Index, typename Body>
void parallelFor(Index count, int threads, Body body) {
    const Index workers = std::max<Index>(1, std::min<Index>(static_cast<Index>(std::max(1, threads)), count));
    std::vector<std::thread> pool;
    for (Index t = 1; t < workers; ++t) pool.emplace_back([=] { body(count * t / workers, count * (t + 1) / workers); });
    body(Index(0), count / workers);
    for (auto& th : pool) th.join();
}

}  // namespace dbsprog::util
