#include "model/chat_stream.h"

#include <boost/json.hpp>

namespace parley {
namespace json = boost::json;
namespace {

Error broken(std::string_view what) {
  return make_error(ErrorCode::unavailable, "model stream: " + std::string(what));
}

int64_t count_of(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  if (value && value->is_int64()) return value->as_int64();
  if (value && value->is_uint64()) return static_cast<int64_t>(value->as_uint64());
  return 0;
}

}  // namespace

std::optional<ChatUsage> read_usage(const json::object& holder) {
  const json::value* usage = holder.if_contains("usage");
  if (!usage || !usage->is_object()) return std::nullopt;  // absent, or null in early chunks
  const json::object& object = usage->as_object();
  ChatUsage out{count_of(object, "prompt_tokens"), count_of(object, "completion_tokens"),
                count_of(object, "total_tokens")};
  if (out.total_tokens == 0) out.total_tokens = out.prompt_tokens + out.completion_tokens;
  return out;
}

ChatStream::ChatStream(const DeltaFn& on_delta)
    : on_delta_(on_delta), parser_([this](std::string_view data) { return on_event(data); }) {}

Status ChatStream::feed(std::string_view bytes) {
  if (!done_) parser_.feed(bytes);  // after [DONE], nothing more is read
  if (error_) return *error_;
  return ok_status();
}

Status ChatStream::finish() {
  if (!done_) parser_.finish();
  if (error_) return *error_;
  if (done_ || !answer_.finish_reason.empty()) return ok_status();
  return broken("the connection closed before the answer ended");
}

// One event's data; false stops the parser (the end, an error, or the caller's stop).
bool ChatStream::on_event(std::string_view data) {
  if (data == "[DONE]") {
    done_ = true;
    return false;
  }
  boost::system::error_code ec;
  json::value chunk = json::parse(data, ec);
  if (ec || !chunk.is_object()) {
    error_ = broken("an event is not a JSON object");
    return false;
  }
  const json::object& object = chunk.as_object();
  if (object.contains("error")) {
    // Its message is not repeated: servers may quote the prompt in it.
    error_ = broken("the endpoint reported an error mid-answer");
    return false;
  }
  if (auto usage = read_usage(object)) answer_.usage = usage;
  const json::value* choices = object.if_contains("choices");
  if (!choices || !choices->is_array() || choices->as_array().empty()) return true;
  const json::object* choice = choices->as_array()[0].if_object();
  if (!choice) return true;
  if (const json::value* reason = choice->if_contains("finish_reason");
      reason && reason->is_string()) {
    answer_.finish_reason = reason->as_string();
  }
  const json::value* delta = choice->if_contains("delta");
  const json::value* content =
      delta && delta->is_object() ? delta->as_object().if_contains("content") : nullptr;
  if (!content || !content->is_string() || content->as_string().empty()) return true;
  const std::string_view text(content->as_string().data(), content->as_string().size());
  answer_.text.append(text);
  ++deltas_;
  if (!on_delta_(text)) {
    cancelled_ = true;
    answer_.cancelled = true;
    error_ = make_error(ErrorCode::unavailable, "model stream: stopped by the caller");
    return false;
  }
  return true;
}

}  // namespace parley
