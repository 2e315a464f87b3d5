// Asks an OpenAI-compatible POST /chat/completions for an answer, whole or streamed as
// Server-Sent Events with each text delta handed to the caller as it arrives. Timeouts for
// the connection, the first token and the whole call; retries with backoff (ModelHttp's)
// only until the first token was delivered; a shared circuit breaker fails calls fast
// while the endpoint is down. Called by the generative answerer, which falls back to the
// extractive answer on any error.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "model/chat_types.h"
#include "model/circuit_breaker.h"
#include "model/model_http.h"

namespace parley {

struct ChatPolicy {
  HttpPolicy http{.connect_timeout_ms = 3000,
                  .timeout_ms = 60000,
                  .max_attempts = 3,
                  .retry_base_ms = 250,
                  .retry_cap_ms = 2000};
  int first_token_timeout_ms = 15000;  // from the start of an attempt to its first delta
  int total_timeout_ms = 90000;        // the whole call: every attempt and every wait
};

class ChatClient {
 public:
  // `breaker` may be null (no circuit breaking); it outlives the client when given.
  ChatClient(ModelEndpoint endpoint, ChatPolicy policy, CircuitBreaker* breaker = nullptr,
             SleepFn sleep = real_sleep());

  // One answer, whole. Failures: unavailable (endpoint down, slow, failing, circuit open,
  // malformed answer), invalid_argument (a 4xx: key, model or URL wrong).
  Result<ChatAnswer> complete(const ChatRequest& request) const;
  // The same answer streamed: `on_delta` sees every piece of text in order, and their
  // concatenation is the returned text. Once a delta was delivered, nothing is retried: a
  // later failure is returned as an error (the caller decides what to show).
  Result<ChatAnswer> stream(const ChatRequest& request, const DeltaFn& on_delta) const;

  const ModelEndpoint& endpoint() const { return http_.endpoint(); }

 private:
  Result<ChatAnswer> guarded(const std::function<Result<ChatAnswer>()>& call) const;
  Result<ChatAnswer> complete_unguarded(const ChatRequest& request) const;
  Result<ChatAnswer> stream_unguarded(const ChatRequest& request, const DeltaFn& on_delta) const;

  ModelHttp http_;
  ChatPolicy policy_;
  CircuitBreaker* breaker_;
  std::string breaker_key_;
};

// The JSON body of a request. Exposed for tests.
std::string chat_request_json(const std::string& model, const ChatRequest& request, bool stream);
// Parses a whole (non-streamed) answer. Exposed for tests.
Result<ChatAnswer> parse_chat_answer(std::string_view body);

}  // namespace parley
