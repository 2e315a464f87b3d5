#include "api/chat_turn.h"

#include <boost/json.hpp>

#include "api/chat_json.h"
#include "api/json_fields.h"
#include "http/response_stream.h"

namespace parley {
namespace json = boost::json;
namespace {

// Larger than the service's own limit, so that the service names the real one.
constexpr size_t kMaxMessageField = 64 * 1024;

std::string sse_event(std::string_view event, std::string_view data) {
  std::string out;
  out.reserve(data.size() + event.size() + 16);
  out += "event: ";
  out += event;
  out += "\ndata: ";
  out += data;
  out += "\n\n";
  return out;
}

std::string delta_event(std::string_view text) {
  return sse_event("delta", json::serialize(json::object{{"text", text}}));
}

}  // namespace

Result<ChatTurnRequest> chat_turn_request(const Request& request) {
  auto fields = JsonFields::of(request);
  if (!fields) return fields.error();
  if (auto s = fields->only({"message", "conversation_id", "visitor_id", "stream"}, "chat"); !s) {
    return s.error();
  }
  auto message = fields->required_string("message", kMaxMessageField);
  if (!message) return message.error();
  auto conversation = fields->optional_string("conversation_id", 64);
  if (!conversation) return conversation.error();
  auto visitor = fields->optional_string("visitor_id", 64);
  if (!visitor) return visitor.error();
  auto stream = fields->optional_bool("stream");
  if (!stream) return stream.error();
  return ChatTurnRequest{{std::move(*message), std::move(*conversation), std::move(*visitor)},
                         stream->value_or(false)};
}

Response chat_event_stream(ChatTurn turn,
                           std::vector<std::pair<std::string, std::string>> failure_headers) {
  return streamed_response(
      "text/event-stream",
      [turn = std::move(turn), headers = std::move(failure_headers)](ResponseStream& out) {
        bool streamed = false;
        auto reply = turn([&](std::string_view delta) {
          streamed = true;
          return out.write(delta_event(delta));
        });
        if (!reply) {
          if (!out.started()) {
            Response failed = error_response(reply.error());
            failed.headers.insert(failed.headers.end(), headers.begin(), headers.end());
            return out.fail(std::move(failed));
          }
          out.write(sse_event("error", error_response(reply.error()).body));
          return;
        }
        if (reply->message && !streamed) out.write(delta_event(reply->message->text));
        out.write(sse_event("done", json::serialize(reply_json(*reply))));
      });
}

}  // namespace parley
