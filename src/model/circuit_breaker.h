// Stops calling a model endpoint that keeps failing, so that answers fall back at once
// instead of each waiting out timeouts: per endpoint (base URL + model), closed → open
// after N consecutive failed calls → after a cool-down, half-open: one trial call; its
// success closes the circuit, its failure opens it again. Shared by every chat client of
// the process; thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "model/model_endpoint.h"

namespace parley {

struct CircuitBreakerOptions {
  int failure_threshold = 5;  // consecutive failed calls (each after its own retries)
  std::chrono::milliseconds cool_down{30000};
};

enum class CircuitState { closed, open, half_open };

class CircuitBreaker {
 public:
  CircuitBreaker(CircuitBreakerOptions options, const Clock& clock)
      : options_(options), clock_(clock) {}

  static std::string key_of(const ModelEndpoint& endpoint);

  // Whether a call may go out now. Open: unavailable, with the seconds left of the
  // cool-down. The first caller after the cool-down is the half-open trial; others fail
  // fast until it reports (or until another cool-down passes, should it never report).
  Status admit(const std::string& key);
  // What became of an admitted call.
  void record_success(const std::string& key);
  void record_failure(const std::string& key);
  // Neither: cancelled by the caller, or refused for its own content (a 4xx). Frees the
  // half-open trial without judging the endpoint.
  void record_neutral(const std::string& key);

  CircuitState state(const std::string& key) const;

 private:
  struct Entry {
    CircuitState state = CircuitState::closed;
    int failures = 0;
    TimePoint opened_at{};
    bool trial_in_flight = false;
    TimePoint trial_started{};
  };

  CircuitBreakerOptions options_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace parley
