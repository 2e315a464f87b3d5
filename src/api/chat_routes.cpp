// POST /api/v1/bots/{bot_id}/chat: a visitor's message in, the bot's cited answer out,
// as JSON or, with "stream": true, as Server-Sent Events (delta, then done);
// GET /api/v1/conversations/{conversation_id}: a transcript with its citations;
// GET /api/v1/bots/{bot_id}/conversations: a bot's conversations, newest first.
// The shapes are a contract (docs/openapi.yaml).
#include <boost/json.hpp>

#include "api/json_fields.h"
#include "api/routes.h"
#include "api/tenant_routes.h"

namespace parley {
namespace json = boost::json;
namespace {

// Larger than the service's own limit, so that the service names the real one.
constexpr size_t kMaxMessageField = 64 * 1024;

json::object citation_json(const Citation& c) {
  return {{"n", c.n},
          {"source", json::object{{"id", c.source.id},
                                  {"external_id", optional_text(c.source.external_id)},
                                  {"title", c.source.title},
                                  {"url", optional_text(c.source.url)}}},
          {"chunk_id", c.chunk_id}};
}

json::object message_json(const ChatMessage& m) {
  json::array citations;
  for (const Citation& c : m.citations) citations.push_back(citation_json(c));
  json::object out{{"id", m.id},
                   {"role", m.role},
                   {"text", m.text},
                   {"citations", std::move(citations)},
                   {"confidence", nullptr},
                   {"fallback", m.fallback},
                   {"created_at", iso_time(m.created_at)}};
  if (m.confidence) out["confidence"] = *m.confidence;
  return out;
}

json::object reply_json(const ChatReply& reply) {
  return {{"conversation_id", reply.conversation_id},
          {"visitor_id", reply.visitor_id},
          {"state", reply.state},
          {"message",
           reply.message ? json::value(message_json(*reply.message)) : json::value(nullptr)}};
}

json::object conversation_json(const ConversationView& c, bool with_messages) {
  json::object out{{"id", c.id},
                   {"bot_id", c.bot_id},
                   {"visitor_id", c.visitor_id},
                   {"state", c.state},
                   {"message_count", c.message_count},
                   {"created_at", iso_time(c.created_at)},
                   {"updated_at", iso_time(c.updated_at)}};
  if (with_messages) {
    json::array messages;
    for (const ChatMessage& m : c.messages) messages.push_back(message_json(m));
    out["messages"] = std::move(messages);
  }
  return out;
}

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

  // Transcripts hold visitors' personal data: agents and up (those who answer them).
  router.add("GET", "/api/v1/conversations/{conversation_id}", {Access::member("agent", "read")},
             [&chat](Request& request) {
               auto conversation =
                   chat.get(request.principal.workspace_id, request.param("conversation_id"));
               if (!conversation) return error_response(conversation.error());
               return json_response(200, conversation_json(*conversation, true));
             });

  router.add("GET", "/api/v1/bots/{bot_id}/conversations", {Access::member("agent", "read")},
             [&chat](Request& request) {
               auto limit = page_limit(request);
               if (!limit) return error_response(limit.error());
               auto page = chat.list(request.principal.workspace_id, request.param("bot_id"),
                                     request.query_param("cursor"), *limit);
               if (!page) return error_response(page.error());
               json::array data;
               for (const ConversationView& c : page->conversations) {
                 data.push_back(conversation_json(c, false));
               }
               return json_response(200, list_page(std::move(data), page->next_cursor));
             });
}

}  // namespace parley
