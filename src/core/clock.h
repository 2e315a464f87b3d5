// Time for everything that expires, retains or rate-limits. Components take a Clock& in
// their constructor so that tests move time instead of sleeping.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace parley {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;

  int64_t now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now().time_since_epoch()).count();
  }
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// A clock that only moves when told to: for tests of expiry and retention.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{std::chrono::milliseconds{1'700'000'000'000}})
      : ms_(std::chrono::duration_cast<std::chrono::milliseconds>(start.time_since_epoch())
                .count()) {}
  TimePoint now() const override { return TimePoint{std::chrono::milliseconds{ms_.load()}}; }
  void advance(std::chrono::milliseconds by) { ms_ += by.count(); }

 private:
  std::atomic<int64_t> ms_;
};

}  // namespace parley
