#include "core/rate_limiter.h"

#include <algorithm>

namespace parley {
namespace {

int64_t micros(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::microseconds>(clock.now().time_since_epoch())
      .count();
}

}  // namespace

RateDecision RateLimiter::acquire(std::string_view key, const RateLimit& limit) {
  const int64_t window_us = std::max<int64_t>(
      1, std::chrono::duration_cast<std::chrono::microseconds>(limit.window).count());
  const int64_t tokens = std::max<int64_t>(1, limit.tokens);
  // Rounded up: a limit is never more generous than it says. A full bucket holds `tokens`
  // intervals (the window, or a few microseconds more).
  const int64_t interval_us = (window_us + tokens - 1) / tokens;
  const int64_t capacity_us = interval_us * tokens;
  const int64_t now_us = micros(clock_);

  std::lock_guard lock(mutex_);
  forget_idle(now_us);
  auto found = buckets_.find(key);
  int64_t full_at_us = found == buckets_.end() ? now_us : found->second->full_at_us;
  const int64_t next_full_at_us = std::max(full_at_us, now_us) + interval_us;
  if (found != buckets_.end()) lru_.splice(lru_.begin(), lru_, found->second);
  if (next_full_at_us - now_us > capacity_us) {
    // Refused requests take no token, so a client that keeps asking is not held back longer;
    // they do count as use, so that a flood of new keys cannot push this one out.
    const int64_t wait_us = next_full_at_us - capacity_us - now_us;
    return {false, std::max<int64_t>(1, (wait_us + 999'999) / 1'000'000)};
  }
  if (found != buckets_.end()) {
    found->second->full_at_us = next_full_at_us;
  } else {
    if (buckets_.size() >= options_.max_keys && !lru_.empty()) {
      buckets_.erase(lru_.back().key);
      lru_.pop_back();
    }
    lru_.push_front({std::string(key), next_full_at_us});
    buckets_.emplace(lru_.front().key, lru_.begin());
  }
  return {true, 0};
}

// A bucket that is full again holds nothing a new one would not: forget it. The least
// recently used come first; the sweep stops at the first one still filling, so its cost is
// paid once per bucket.
void RateLimiter::forget_idle(int64_t now_us) {
  while (!lru_.empty() && lru_.back().full_at_us <= now_us) {
    buckets_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

size_t RateLimiter::size() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

}  // namespace parley
