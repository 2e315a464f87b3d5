#include "model/circuit_breaker.h"

#include <algorithm>

namespace parley {

std::string CircuitBreaker::key_of(const ModelEndpoint& endpoint) {
  std::string base = endpoint.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + " " + endpoint.model;  // a space: in neither a URL nor a model name
}

Status CircuitBreaker::admit(const std::string& key) {
  std::lock_guard lock(mutex_);
  Entry& entry = entries_[key];
  const TimePoint now = clock_.now();
  if (entry.state == CircuitState::open && now - entry.opened_at >= options_.cool_down) {
    entry.state = CircuitState::half_open;
    entry.trial_in_flight = false;
  }
  if (entry.state == CircuitState::half_open &&
      (!entry.trial_in_flight || now - entry.trial_started >= options_.cool_down)) {
    entry.trial_in_flight = true;
    entry.trial_started = now;
    return ok_status();
  }
  if (entry.state == CircuitState::closed) return ok_status();
  const TimePoint retry_at = entry.state == CircuitState::open
                                 ? entry.opened_at + options_.cool_down
                                 : entry.trial_started + options_.cool_down;
  const auto left = std::chrono::duration_cast<std::chrono::seconds>(retry_at - now).count();
  Error error =
      make_error(ErrorCode::unavailable,
                 "model endpoint is failing: calls paused (circuit open) after " +
                     std::to_string(options_.failure_threshold) + " consecutive failures");
  error.retry_after_seconds = std::max<int64_t>(1, left + 1);
  return error;
}

void CircuitBreaker::record_success(const std::string& key) {
  std::lock_guard lock(mutex_);
  entries_[key] = Entry{};
}

void CircuitBreaker::record_failure(const std::string& key) {
  std::lock_guard lock(mutex_);
  Entry& entry = entries_[key];
  entry.trial_in_flight = false;
  ++entry.failures;
  if (entry.state == CircuitState::open) return;  // a late report does not extend the pause
  if (entry.state == CircuitState::half_open ||
      entry.failures >= std::max(1, options_.failure_threshold)) {
    entry.state = CircuitState::open;
    entry.opened_at = clock_.now();
  }
}

void CircuitBreaker::record_neutral(const std::string& key) {
  std::lock_guard lock(mutex_);
  entries_[key].trial_in_flight = false;
}

CircuitState CircuitBreaker::state(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return CircuitState::closed;
  if (it->second.state == CircuitState::open &&
      clock_.now() - it->second.opened_at >= options_.cool_down) {
    return CircuitState::half_open;  // the next admit lets a trial through
  }
  return it->second.state;
}

}  // namespace parley
