// The circuit breaker with a clock moved by hand: opens after N consecutive failures, fails
// fast while open, lets one trial through after the cool-down, closes on its success.
#include "model/circuit_breaker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace parley {
namespace {

using std::chrono::seconds;

class CircuitBreakerTest : public ::testing::Test {
 protected:
  CircuitBreakerTest() : breaker_({.failure_threshold = 3, .cool_down = seconds(30)}, clock_) {}

  void fail(int times) {
    for (int i = 0; i < times; ++i) {
      ASSERT_TRUE(breaker_.admit(key_).ok());
      breaker_.record_failure(key_);
    }
  }

  ManualClock clock_;
  CircuitBreaker breaker_;
  const std::string key_ = CircuitBreaker::key_of({"http://127.0.0.1:9/v1/", "m1", "sk"});
};

TEST_F(CircuitBreakerTest, OpensAfterConsecutiveFailuresAndFailsFast) {
  fail(2);
  EXPECT_EQ(breaker_.state(key_), CircuitState::closed);
  fail(1);
  EXPECT_EQ(breaker_.state(key_), CircuitState::open);
  Status refused = breaker_.admit(key_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::unavailable);
  EXPECT_NE(refused.error().message.find("circuit open"), std::string::npos);
  EXPECT_GE(refused.error().retry_after_seconds, 29);
  EXPECT_LE(refused.error().retry_after_seconds, 31);
  clock_.advance(seconds(29));
  EXPECT_FALSE(breaker_.admit(key_).ok());
}

TEST_F(CircuitBreakerTest, ASuccessResetsTheCount) {
  fail(2);
  ASSERT_TRUE(breaker_.admit(key_).ok());
  breaker_.record_success(key_);
  fail(2);
  EXPECT_EQ(breaker_.state(key_), CircuitState::closed);
}

TEST_F(CircuitBreakerTest, HalfOpensForOneTrialThatClosesItOnSuccess) {
  fail(3);
  clock_.advance(seconds(30));
  EXPECT_EQ(breaker_.state(key_), CircuitState::half_open);
  ASSERT_TRUE(breaker_.admit(key_).ok());   // the trial
  EXPECT_FALSE(breaker_.admit(key_).ok());  // others wait for it
  breaker_.record_success(key_);
  EXPECT_EQ(breaker_.state(key_), CircuitState::closed);
  EXPECT_TRUE(breaker_.admit(key_).ok());
  EXPECT_TRUE(breaker_.admit(key_).ok());
}

TEST_F(CircuitBreakerTest, AFailedTrialOpensItForAnotherCoolDown) {
  fail(3);
  clock_.advance(seconds(31));
  ASSERT_TRUE(breaker_.admit(key_).ok());
  breaker_.record_failure(key_);
  EXPECT_EQ(breaker_.state(key_), CircuitState::open);
  clock_.advance(seconds(29));
  EXPECT_FALSE(breaker_.admit(key_).ok());
  clock_.advance(seconds(1));
  EXPECT_TRUE(breaker_.admit(key_).ok());
}

TEST_F(CircuitBreakerTest, ANeutralTrialFreesTheSlotAndATrialThatNeverReportsExpires) {
  fail(3);
  clock_.advance(seconds(30));
  ASSERT_TRUE(breaker_.admit(key_).ok());
  breaker_.record_neutral(key_);  // cancelled by the visitor: says nothing of the endpoint
  ASSERT_TRUE(breaker_.admit(key_).ok());
  EXPECT_FALSE(breaker_.admit(key_).ok());
  clock_.advance(seconds(30));  // that trial never reported
  EXPECT_TRUE(breaker_.admit(key_).ok());
}

TEST_F(CircuitBreakerTest, EndpointsAreJudgedApart) {
  fail(3);
  const std::string other_model = CircuitBreaker::key_of({"http://127.0.0.1:9/v1", "m2", "sk"});
  EXPECT_EQ(breaker_.state(key_), CircuitState::open);
  EXPECT_EQ(breaker_.state(other_model), CircuitState::closed);
  EXPECT_TRUE(breaker_.admit(other_model).ok());
  // A trailing slash does not make another endpoint.
  EXPECT_EQ(key_, CircuitBreaker::key_of({"http://127.0.0.1:9/v1", "m1", "other key"}));
}

TEST_F(CircuitBreakerTest, CountsFromManyThreads) {
  CircuitBreaker breaker({.failure_threshold = 1000, .cool_down = seconds(30)}, clock_);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 250; ++i) {
        if (breaker.admit(key_).ok()) breaker.record_failure(key_);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(breaker.state(key_), CircuitState::open);  // exactly the 1000th opened it
}

}  // namespace
}  // namespace parley
