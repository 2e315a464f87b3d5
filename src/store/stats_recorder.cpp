#include "store/stats_recorder.h"

#include <algorithm>
#include <iterator>

namespace parley {
namespace {

// Upper bounds of the buckets documented in StoreStats; the last bucket takes the rest.
constexpr uint64_t kBatchBounds[] = {1, 4, 16, 64};
constexpr uint64_t kLatencyBounds[] = {100, 250, 500, 1000, 2500, 5000, 10000, 25000, 100000};

template <size_t N>
size_t bucket_of(const uint64_t (&bounds)[N], uint64_t value) {
  return static_cast<size_t>(std::lower_bound(std::begin(bounds), std::end(bounds), value) -
                             std::begin(bounds));
}

}  // namespace

void StatsRecorder::record_commit(uint64_t writes, uint64_t commit_micros) {
  constexpr auto relaxed = std::memory_order_relaxed;
  commits_.fetch_add(1, relaxed);
  writes_.fetch_add(writes, relaxed);
  commit_micros_sum_.fetch_add(commit_micros, relaxed);
  batch_buckets_[bucket_of(kBatchBounds, writes)].fetch_add(1, relaxed);
  latency_buckets_[bucket_of(kLatencyBounds, commit_micros)].fetch_add(1, relaxed);
}

StoreStats StatsRecorder::snapshot() const {
  constexpr auto relaxed = std::memory_order_relaxed;
  StoreStats stats;
  stats.commits = commits_.load(relaxed);
  stats.writes = writes_.load(relaxed);
  stats.retries = retries_.load(relaxed);
  stats.commit_micros_sum = commit_micros_sum_.load(relaxed);
  for (size_t i = 0; i < std::size(batch_buckets_); ++i) {
    stats.batch_buckets[i] = batch_buckets_[i].load(relaxed);
  }
  for (size_t i = 0; i < std::size(latency_buckets_); ++i) {
    stats.commit_latency_buckets[i] = latency_buckets_[i].load(relaxed);
  }
  return stats;
}

}  // namespace parley
