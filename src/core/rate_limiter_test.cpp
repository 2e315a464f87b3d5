// The rate limiter on a manual clock: a burst up to the limit, then refusals saying when to
// come back, tokens returning over time, keys apart, limits changed between calls, idle keys
// forgotten, the key cap, and many threads at once.
#include "core/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace parley {
namespace {

using namespace std::chrono_literals;

constexpr RateLimit kThreePerMinute{3, 1min};

TEST(RateLimiter, AllowsABurstUpToTheLimitThenSaysWhenToComeBack) {
  ManualClock clock;
  RateLimiter limiter(clock);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.acquire("a", kThreePerMinute).allowed) << i;
  RateDecision refused = limiter.acquire("a", kThreePerMinute);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 20);  // one token every 20 seconds

  clock.advance(19s);
  refused = limiter.acquire("a", kThreePerMinute);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 1);
  clock.advance(1s);
  EXPECT_TRUE(limiter.acquire("a", kThreePerMinute).allowed);
  EXPECT_FALSE(limiter.acquire("a", kThreePerMinute).allowed);
}

TEST(RateLimiter, RefusalsTakeNoTokenAndAWholeWindowRefillsTheBucket) {
  ManualClock clock;
  RateLimiter limiter(clock);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.acquire("a", kThreePerMinute).allowed);
  for (int i = 0; i < 50; ++i) EXPECT_FALSE(limiter.acquire("a", kThreePerMinute).allowed);
  clock.advance(20s);
  EXPECT_TRUE(limiter.acquire("a", kThreePerMinute).allowed);

  clock.advance(1min);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.acquire("a", kThreePerMinute).allowed) << i;
  EXPECT_FALSE(limiter.acquire("a", kThreePerMinute).allowed);
}

TEST(RateLimiter, KeysHaveTheirOwnBuckets) {
  ManualClock clock;
  RateLimiter limiter(clock);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.acquire("a", kThreePerMinute).allowed);
  EXPECT_FALSE(limiter.acquire("a", kThreePerMinute).allowed);
  EXPECT_TRUE(limiter.acquire("b", kThreePerMinute).allowed);
}

TEST(RateLimiter, RoundsTheIntervalUpAndTheWaitToWholeSeconds) {
  ManualClock clock;
  RateLimiter limiter(clock);
  const RateLimit seven{7, 1min};  // 8.57... seconds apart
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(limiter.acquire("a", seven).allowed) << i;
  RateDecision refused = limiter.acquire("a", seven);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 9);
  clock.advance(8s);
  EXPECT_FALSE(limiter.acquire("a", seven).allowed);
  clock.advance(600ms);
  EXPECT_TRUE(limiter.acquire("a", seven).allowed);
}

TEST(RateLimiter, ALowerLimitAppliesAtTheNextCall) {
  ManualClock clock;
  RateLimiter limiter(clock);
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(limiter.acquire("a", {20, 1min}).allowed);
  // Lowered to 1 a minute: the two just taken count against it.
  RateDecision refused = limiter.acquire("a", {1, 1min});
  EXPECT_FALSE(refused.allowed);
  EXPECT_GT(refused.retry_after_seconds, 0);
}

TEST(RateLimiter, ForgetsKeysOnceTheyAreFullAgain) {
  ManualClock clock;
  RateLimiter limiter(clock);
  for (int i = 0; i < 100; ++i)
    ASSERT_TRUE(limiter.acquire("k" + std::to_string(i), kThreePerMinute).allowed);
  EXPECT_EQ(limiter.size(), 100u);
  clock.advance(19s);  // each key took one token: full again after 20 seconds
  ASSERT_TRUE(limiter.acquire("fresh", kThreePerMinute).allowed);
  EXPECT_EQ(limiter.size(), 101u);
  clock.advance(1s);
  ASSERT_TRUE(limiter.acquire("fresh", kThreePerMinute).allowed);
  EXPECT_EQ(limiter.size(), 1u);
}

TEST(RateLimiter, KeepsAtMostMaxKeysDroppingTheLeastRecentlyUsed) {
  ManualClock clock;
  RateLimiter limiter(clock, {.max_keys = 3});
  for (const char* key : {"a", "b", "c"}) {
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.acquire(key, kThreePerMinute).allowed);
  }
  // "a" was used last of all, then "d" arrives: "b", the least recently used, goes.
  EXPECT_FALSE(limiter.acquire("a", kThreePerMinute).allowed);
  EXPECT_FALSE(limiter.acquire("c", kThreePerMinute).allowed);
  ASSERT_TRUE(limiter.acquire("d", kThreePerMinute).allowed);
  EXPECT_EQ(limiter.size(), 3u);
  EXPECT_TRUE(limiter.acquire("b", kThreePerMinute).allowed);  // forgotten: a fresh bucket
  EXPECT_EQ(limiter.size(), 3u);
}

TEST(RateLimiter, CountsExactlyUnderManyThreads) {
  ManualClock clock;
  RateLimiter limiter(clock);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (limiter.acquire("shared", {100, 1min}).allowed) ++allowed;
        limiter.acquire("own" + std::to_string(i), {100, 1min});
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(allowed.load(), 100);
}

}  // namespace
}  // namespace parley
