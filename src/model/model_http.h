// POSTs JSON to an OpenAI-compatible endpoint with libcurl: Bearer key, connect and total
// timeouts, retries with exponential backoff on 429, 5xx and network errors (Retry-After
// honoured up to a cap). Errors name the status and the attempts, never the key or the
// posted text. The one retry loop of the embeddings and chat-completions clients.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "model/model_endpoint.h"

namespace parley {

struct HttpPolicy {
  int connect_timeout_ms = 5000;
  int timeout_ms = 30000;   // one attempt, connection included
  int max_attempts = 4;     // 1: no retry
  int retry_base_ms = 500;  // delay after the first failure; doubles each time
  int retry_cap_ms = 8000;  // no delay (nor Retry-After) is waited longer than this
};

// Waits between attempts; tests hand in one that records the delays instead of sleeping.
using SleepFn = std::function<void(std::chrono::milliseconds)>;
SleepFn real_sleep();

// How a caller takes part in one POST: what it reads of the answer and when it stops.
// Every hook is optional.
struct PostHooks {
  const char* accept = "application/json";
  // Before each attempt (counted from 0): forget what the previous attempt left.
  std::function<void(int attempt)> on_attempt;
  // Pieces of a 2xx answer's body as they arrive (error bodies are not passed on). An
  // error aborts the transfer and ends the call with that error, without retrying.
  std::function<Status(std::string_view)> on_body;
  // Called while the transfer runs: often while data flows, about once a second when
  // idle. An error aborts, as for on_body (timeouts of the caller's own, cancellation).
  std::function<Status()> on_tick;
  // After a 2xx transfer ended: an error (e.g. a stream cut before its end) counts as a
  // failed attempt, retried like a 5xx.
  std::function<Status()> on_complete;
  // After a failed attempt: false forbids another (e.g. an answer was partly delivered).
  std::function<bool()> may_retry;
};

class ModelHttp {
 public:
  ModelHttp(ModelEndpoint endpoint, HttpPolicy policy, SleepFn sleep = real_sleep())
      : endpoint_(std::move(endpoint)), policy_(policy), sleep_(std::move(sleep)) {}

  // POSTs `json_body` to <base_url>/<path> and returns the body of a 2xx answer. Failures:
  // unavailable (network, timeout, 429 or 5xx after the last attempt), invalid_argument
  // (another 4xx: a wrong key, model or URL; not retried).
  Result<std::string> post_json(std::string_view path, const std::string& json_body) const;

  // The same POST with the answer handed to `hooks` as it arrives (streaming). Failures as
  // for post_json, plus the hooks' own errors.
  Status post(std::string_view path, const std::string& json_body, const PostHooks& hooks) const;

  const ModelEndpoint& endpoint() const { return endpoint_; }
  const HttpPolicy& policy() const { return policy_; }

 private:
  ModelEndpoint endpoint_;
  HttpPolicy policy_;
  SleepFn sleep_;
};

// The delay before attempt `attempt + 1` (attempt counts from 0): base * 2^attempt, or the
// server's Retry-After, never more than the cap.
std::chrono::milliseconds retry_delay(const HttpPolicy& policy, int attempt,
                                      std::optional<int64_t> retry_after_seconds);

}  // namespace parley
