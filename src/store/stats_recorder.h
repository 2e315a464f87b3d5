// Counts commits, acknowledged writes and commit latencies for StoreStats, from the
// threads that commit, without a lock. Shared by both backends.
#pragma once

#include <atomic>
#include <cstdint>

#include "store/database.h"

namespace parley {

class StatsRecorder {
 public:
  // One committed transaction that acknowledged `writes` write functions.
  void record_commit(uint64_t writes, uint64_t commit_micros);
  void record_retry() { retries_.fetch_add(1, std::memory_order_relaxed); }
  StoreStats snapshot() const;

 private:
  std::atomic<uint64_t> commits_{0};
  std::atomic<uint64_t> writes_{0};
  std::atomic<uint64_t> retries_{0};
  std::atomic<uint64_t> commit_micros_sum_{0};
  std::atomic<uint64_t> batch_buckets_[5] = {};
  std::atomic<uint64_t> latency_buckets_[10] = {};
};

}  // namespace parley
