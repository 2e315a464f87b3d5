// Per-key rate limits in memory: a token bucket per key (a visitor of a widget, an address),
// refilled from an injected clock, so tests move time instead of sleeping. Memory is
// bounded: a key idle long enough to be full again is forgotten (it would be allowed
// anyway), and past `max_keys` the least recently used key goes. Thread-safe. Used by the
// widget's public routes (src/widget); counts are per process, not shared between nodes.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"

namespace parley {

// `tokens` requests per `window`, all of them at once if the bucket is full: 20 a minute
// allows a burst of 20, then one every 3 seconds.
struct RateLimit {
  int64_t tokens = 20;
  std::chrono::milliseconds window = std::chrono::minutes(1);
};

struct RateDecision {
  bool allowed = true;
  int64_t retry_after_seconds = 0;  // refused: when one more request will be allowed (>= 1)
};

struct RateLimiterOptions {
  size_t max_keys = 100000;  // about 100 bytes each, plus the key
};

class RateLimiter {
 public:
  explicit RateLimiter(const Clock& clock, RateLimiterOptions options = {})
      : clock_(clock), options_(options) {}

  // Takes a token from `key`'s bucket, or says when one will be there. A bucket's limit is
  // the one given with each call (a bot's setting may change between calls).
  RateDecision acquire(std::string_view key, const RateLimit& limit);

  size_t size() const;

 private:
  // The bucket is kept as one instant (GCRA, the token bucket's equivalent): when it will
  // be full again. Each request moves it one emission interval (window / tokens) later; a
  // request that would move it more than `tokens` intervals (a window) past now is refused.
  struct Bucket {
    std::string key;
    int64_t full_at_us = 0;
  };
  using Lru = std::list<Bucket>;  // most recently used first

  void forget_idle(int64_t now_us);

  const Clock& clock_;
  const RateLimiterOptions options_;
  mutable std::mutex mutex_;
  Lru lru_;
  std::unordered_map<std::string_view, Lru::iterator> buckets_;  // views of Bucket::key
};

}  // namespace parley
