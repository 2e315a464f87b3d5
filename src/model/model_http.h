// POSTs JSON to an OpenAI-compatible endpoint with libcurl: Bearer key, connect and total
// timeouts, retries with exponential backoff on 429, 5xx and network errors (Retry-After
// honoured up to a cap). Errors name the status and the attempts, never the key or the
// posted text. Base of the embeddings client and, later, the chat-completions client.
#pragma once

#include <chrono>
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

class ModelHttp {
 public:
  ModelHttp(ModelEndpoint endpoint, HttpPolicy policy, SleepFn sleep = real_sleep())
      : endpoint_(std::move(endpoint)), policy_(policy), sleep_(std::move(sleep)) {}

  // POSTs `json_body` to <base_url>/<path> and returns the body of a 2xx answer. Failures:
  // unavailable (network, timeout, 429 or 5xx after the last attempt), invalid_argument
  // (another 4xx: a wrong key, model or URL; not retried).
  Result<std::string> post_json(std::string_view path, const std::string& json_body) const;

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
