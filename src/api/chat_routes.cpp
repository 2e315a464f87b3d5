// POST /api/v1/bots/{bot_id}/chat: a visitor's message in, the bot's cited answer out,
// as JSON or, with "stream": true, as Server-Sent Events (delta, then done).
// The shapes are a contract (docs/openapi.yaml).
#include <boost/json.hpp>

#include "api/chat_json.h"
#include "api/json_fields.h"
#include "api/routes.h"
#include "api/tenant_routes.h"
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

// The answer as Server-Sent Events: `delta` events with the text as it comes (a generative
// bot's pieces as its model writes them; an extractive answer whole, in one), then `done`
// with the reply as stored, or `error` when the turn failed after the first delta (before
// it, the error is the response itself, with its status).
Response sse_chat(ChatService& chat, std::string workspace_id, std::string bot_id,
                  ChatInput input) {
  return streamed_response("text/event-stream", [&chat, workspace_id = std::move(workspace_id),
                                                 bot_id = std::move(bot_id),
                                                 input = std::move(input)](ResponseStream& out) {
    bool streamed = false;
    auto reply = chat.chat(workspace_id, bot_id, input, [&](std::string_view delta) {
      streamed = true;
      return out.write(sse_event("delta", json::serialize(json::object{{"text", delta}})));
    });
    if (!reply) {
      if (!out.started()) return out.fail(error_response(reply.error()));
      out.write(sse_event("error", error_response(reply.error()).body));
      return;
    }
    if (reply->message && !streamed) {
      out.write(sse_event("delta", json::serialize(json::object{{"text", reply->message->text}})));
    }
    out.write(sse_event("done", json::serialize(reply_json(*reply))));
  });
}

struct ChatRequest {
  ChatInput input;
  bool stream = false;
};

Result<ChatRequest> chat_request_from(const Request& request) {
  auto fields = JsonFields::of(request);
  if (!fields) return fields.error();
  for (const auto& [key, value] : request.json->as_object()) {
    if (key != "message" && key != "conversation_id" && key != "visitor_id" && key != "stream") {
      return make_error(
          ErrorCode::invalid_argument,
          std::string(key) + " is not a chat field (message, conversation_id, visitor_id, stream)");
    }
  }
  ChatRequest out;
  auto message = fields->required_string("message", kMaxMessageField);
  if (!message) return message.error();
  auto conversation = fields->optional_string("conversation_id", 64);
  if (!conversation) return conversation.error();
  auto visitor = fields->optional_string("visitor_id", 64);
  if (!visitor) return visitor.error();
  auto stream = fields->optional_bool("stream");
  if (!stream) return stream.error();
  out.input = {std::move(*message), std::move(*conversation), std::move(*visitor)};
  out.stream = stream->value_or(false);
  return out;
}

}  // namespace

void add_chat_routes(Router& router, const ApiDeps& deps) {
  ChatService& chat = deps.chat;

  // Any member may talk to the workspace's bots (the widget lets anyone); keys need "chat".
  router.add("POST", "/api/v1/bots/{bot_id}/chat",
             {Access::member("viewer", "chat"), BodyKind::json}, [&chat](Request& request) {
               auto asked = chat_request_from(request);
               if (!asked) return error_response(asked.error());
               if (asked->stream) {
                 return sse_chat(chat, request.principal.workspace_id,
                                 std::string(request.param("bot_id")), std::move(asked->input));
               }
               auto reply =
                   chat.chat(request.principal.workspace_id, request.param("bot_id"), asked->input);
               if (!reply) return error_response(reply.error());
               return json_response(200, reply_json(*reply));
             });
}

}  // namespace parley
