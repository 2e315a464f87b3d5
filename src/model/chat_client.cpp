#include "model/chat_client.h"

#include <boost/json.hpp>
#include <chrono>
#include <memory>

#include "model/chat_stream.h"

namespace parley {
namespace json = boost::json;
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

SteadyTime steady_now() { return std::chrono::steady_clock::now(); }

Error malformed(std::string_view what) {
  return make_error(ErrorCode::unavailable, "chat endpoint: " + std::string(what));
}

Error timed_out(std::string_view what, int ms) {
  return make_error(ErrorCode::unavailable, "model endpoint: " + std::string(what) + " within " +
                                                std::to_string(ms) + " ms");
}

bool passed(SteadyTime since, int ms) {
  return steady_now() - since >= std::chrono::milliseconds(ms);
}

}  // namespace

std::string chat_request_json(const std::string& model, const ChatRequest& request, bool stream) {
  json::array messages;
  for (const ModelMessage& message : request.messages) {
    messages.emplace_back(json::object{{"role", message.role}, {"content", message.content}});
  }
  json::object body{{"model", model},
                    {"messages", std::move(messages)},
                    {"temperature", request.temperature},
                    {"max_tokens", request.max_tokens},
                    {"stream", stream}};
  if (stream && request.include_usage) {
    body["stream_options"] = json::object{{"include_usage", true}};
  }
  return json::serialize(body);
}

Result<ChatAnswer> parse_chat_answer(std::string_view body) {
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec || !value.is_object()) return malformed("the answer is not a JSON object");
  const json::object& object = value.as_object();
  const json::value* choices = object.if_contains("choices");
  if (!choices || !choices->is_array() || choices->as_array().empty()) {
    return malformed("the answer has no choices");
  }
  const json::object* choice = choices->as_array()[0].if_object();
  const json::value* message = choice ? choice->if_contains("message") : nullptr;
  const json::value* content =
      message && message->is_object() ? message->as_object().if_contains("content") : nullptr;
  if (!content || !content->is_string()) return malformed("the answer has no message content");
  ChatAnswer answer;
  answer.text = content->as_string();
  answer.usage = read_usage(object);
  if (const json::value* reason = choice->if_contains("finish_reason");
      reason && reason->is_string()) {
    answer.finish_reason = reason->as_string();
  }
  return answer;
}

ChatClient::ChatClient(ModelEndpoint endpoint, ChatPolicy policy, CircuitBreaker* breaker,
                       SleepFn sleep)
    : http_(std::move(endpoint), policy.http, std::move(sleep)),
      policy_(policy),
      breaker_(breaker),
      breaker_key_(CircuitBreaker::key_of(http_.endpoint())) {}

Result<ChatAnswer> ChatClient::complete(const ChatRequest& request) const {
  return guarded([&] { return complete_unguarded(request); });
}

Result<ChatAnswer> ChatClient::stream(const ChatRequest& request, const DeltaFn& on_delta) const {
  return guarded([&] { return stream_unguarded(request, on_delta); });
}

// Asks the breaker first and tells it the outcome: only an endpoint that is down, slow or
// broken counts against it; a 4xx or the caller's stop judges nothing.
Result<ChatAnswer> ChatClient::guarded(const std::function<Result<ChatAnswer>()>& call) const {
  if (breaker_) {
    Status admitted = breaker_->admit(breaker_key_);
    if (!admitted) return admitted.error();
  }
  Result<ChatAnswer> answer = call();
  if (breaker_) {
    if (answer.ok() && !answer->cancelled) {
      breaker_->record_success(breaker_key_);
    } else if (!answer.ok() && answer.error().code == ErrorCode::unavailable) {
      breaker_->record_failure(breaker_key_);
    } else {
      breaker_->record_neutral(breaker_key_);
    }
  }
  return answer;
}

Result<ChatAnswer> ChatClient::complete_unguarded(const ChatRequest& request) const {
  const SteadyTime start = steady_now();
  std::string body;
  PostHooks hooks;
  hooks.on_attempt = [&](int) { body.clear(); };
  hooks.on_body = [&](std::string_view piece) -> Status {
    body.append(piece);
    return ok_status();
  };
  hooks.on_tick = [&]() -> Status {
    if (passed(start, policy_.total_timeout_ms)) {
      return timed_out("no answer", policy_.total_timeout_ms);
    }
    return ok_status();
  };
  hooks.may_retry = [&] { return !passed(start, policy_.total_timeout_ms); };
  Status status =
      http_.post("chat/completions", chat_request_json(endpoint().model, request, false), hooks);
  if (!status) return status.error();
  return parse_chat_answer(body);
}

// Each attempt reads with a fresh ChatStream; once one has delivered a delta, its failure
// is the call's (the caller has shown text that a retry would repeat or contradict).
Result<ChatAnswer> ChatClient::stream_unguarded(const ChatRequest& request,
                                                const DeltaFn& on_delta) const {
  const SteadyTime start = steady_now();
  SteadyTime attempt_start = start;
  std::unique_ptr<ChatStream> reader;
  PostHooks hooks;
  hooks.accept = "text/event-stream";
  hooks.on_attempt = [&](int) {
    reader = std::make_unique<ChatStream>(on_delta);
    attempt_start = steady_now();
  };
  hooks.on_body = [&](std::string_view piece) { return reader->feed(piece); };
  hooks.on_tick = [&]() -> Status {
    if (passed(start, policy_.total_timeout_ms)) {
      return timed_out("no complete answer", policy_.total_timeout_ms);
    }
    // Not retried: the visitor has already waited this long; the fallback answers now.
    if (reader->deltas() == 0 && passed(attempt_start, policy_.first_token_timeout_ms)) {
      return timed_out("no first token", policy_.first_token_timeout_ms);
    }
    return ok_status();
  };
  hooks.on_complete = [&] { return reader->finish(); };
  hooks.may_retry = [&] {
    return reader->deltas() == 0 && !passed(start, policy_.total_timeout_ms);
  };
  Status status =
      http_.post("chat/completions", chat_request_json(endpoint().model, request, true), hooks);
  if (reader && reader->cancelled()) return reader->take_answer();
  if (!status) {
    if (reader && reader->deltas() > 0) {
      return make_error(ErrorCode::unavailable, "model stream broke after " +
                                                    std::to_string(reader->deltas()) +
                                                    " deltas: " + status.error().message);
    }
    return status.error();
  }
  return reader->take_answer();
}

}  // namespace parley
