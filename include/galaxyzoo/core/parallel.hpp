#pragma once
/// @file
/// Running independent work items on a pool of threads.
///
/// @code
/// galaxyzoo::parallel_for(files.size(), /*num_threads=*/4, [&](std::size_t i) {
///   process(files[i]);   // called once per index, from some thread
/// });
/// @endcode

#include <cstddef>
#include <functional>

namespace galaxyzoo {

/// Number of threads to use for a request of @p requested: itself if positive, else one
/// per hardware thread (at least 1).
int thread_count(int requested) noexcept;

/// Calls @p work(i) for every i in [0, n) on thread_count(num_threads) threads (the
/// calling thread is one of them), then calls @p on_progress(done, total) with total = n,
/// if given, after each item, one call at a time. Items are handed out in increasing order.
/// @throws the first exception @p work throws: no new items start, and it is rethrown once
///         the running ones end.
void parallel_for(std::size_t n, int num_threads, const std::function<void(std::size_t)>& work,
                  const std::function<void(std::size_t, std::size_t)>& on_progress = {});

}  // namespace galaxyzoo
