// POST /api/v1/bots/{bot_id}/chat: a visitor's message in, the bot's cited answer out,
// as JSON or, with "stream": true, as Server-Sent Events (delta, then done).
// The shapes are a contract (docs/openapi.yaml).
#include <boost/json.hpp>

#include "api/chat_json.h"
#include "api/json_fields.h"
#include "api/routes.h"
#include "api/tenant_routes.h"

namespace parley {
namespace json = boost::json;
namespace {

// Larger than the service's own limit, so that the service names the real one.
constexpr size_t kMaxMessageField = 64 * 1024;

void add_event(std::string& out, std::string_view event, const json::value& data) {
  out += "event: ";
  out += event;
  out += "\ndata: ";
  out += json::serialize(data);
  out += "\n\n";
}

// The answer as Server-Sent Events. An extractive answer is whole at once: one delta with
// its text, then done with the full message. The server has no streamed bodies yet, so
// the events go out as one body; the generative answerer will send deltas as they come.
Response sse_response(const ChatReply& reply) {
  Response response;
  response.content_type = "text/event-stream";
  response.headers.emplace_back("Cache-Control", "no-cache");
  if (reply.message) add_event(response.body, "delta", json::object{{"text", reply.message->text}});
  add_event(response.body, "done", reply_json(reply));
  return response;
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
               auto reply =
                   chat.chat(request.principal.workspace_id, request.param("bot_id"), asked->input);
               if (!reply) return error_response(reply.error());
               if (asked->stream) return sse_response(*reply);
               return json_response(200, reply_json(*reply));
             });
}

}  // namespace parley
