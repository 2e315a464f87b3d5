// Human handoff and the live inbox:
// POST /api/v1/conversations/{conversation_id}/handoff: the visitor asks for a person;
// POST .../take, .../messages, .../return, .../close: an agent takes the conversation,
// replies, gives it back to the bot or ends it;
// GET /api/v1/workspaces/{ws_id}/inbox: the conversations people own;
// GET /api/v1/workspaces/{ws_id}/inbox/events: the agents' live event stream (SSE);
// GET /api/v1/conversations/{conversation_id}/events: the visitor's (SSE).
// The shapes are a contract (docs/openapi.yaml).
#include <boost/json.hpp>

#include "api/chat_json.h"
#include "api/event_stream.h"
#include "api/json_fields.h"
#include "api/routes.h"
#include "api/tenant_routes.h"

namespace parley {
namespace json = boost::json;
namespace {

constexpr size_t kMaxReplyField = 64 * 1024;  // the service names its own, smaller limit

Response conversation_response(const Result<ConversationView>& conversation) {
  if (!conversation) return error_response(conversation.error());
  return json_response(200, conversation_json(*conversation, false));
}

Result<std::optional<std::string>> visitor_of(const Request& request) {
  auto fields = JsonFields::of(request);
  if (!fields) return fields.error();
  for (const auto& [key, value] : request.json->as_object()) {
    if (key != "visitor_id") {
      return make_error(ErrorCode::invalid_argument,
                        std::string(key) + " is not a handoff field (visitor_id)");
    }
  }
  return fields->optional_string("visitor_id", 64);
}

}  // namespace

void add_handoff_routes(Router& router, const ApiDeps& deps) {
  HandoffService& handoff = deps.handoff;
  LiveEvents& events = deps.live_events;

  // The visitor's side, like chat: any member, keys with "chat".
  router.add("POST", "/api/v1/conversations/{conversation_id}/handoff",
             {Access::member("viewer", "chat"), BodyKind::json}, [&handoff](Request& request) {
               auto visitor = visitor_of(request);
               if (!visitor) return error_response(visitor.error());
               return conversation_response(handoff.request(
                   request.principal.workspace_id, request.param("conversation_id"), *visitor));
             });

  router.add("GET", "/api/v1/conversations/{conversation_id}/events",
             {Access::member("viewer", "chat")}, [&events](Request& request) {
               // Only the conversation's own events: agent replies and its state.
               return event_stream(
                   events, LiveEvents::conversation_topic(request.param("conversation_id")));
             });

  // The agents' side: agents and up; keys with "write" act as an agent named by the key.
  const RouteOptions agent_action{Access::member("agent", "write")};
  router.add("POST", "/api/v1/conversations/{conversation_id}/take", agent_action,
             [&handoff](Request& request) {
               return conversation_response(handoff.take(request.principal.workspace_id,
                                                         request.param("conversation_id"),
                                                         request.principal.actor_id()));
             });
  router.add("POST", "/api/v1/conversations/{conversation_id}/return", agent_action,
             [&handoff](Request& request) {
               return conversation_response(handoff.give_back(request.principal.workspace_id,
                                                              request.param("conversation_id"),
                                                              request.principal.actor_id()));
             });
  router.add("POST", "/api/v1/conversations/{conversation_id}/close", agent_action,
             [&handoff](Request& request) {
               return conversation_response(
                   handoff.close(request.principal.workspace_id, request.param("conversation_id")));
             });
  router.add("POST", "/api/v1/conversations/{conversation_id}/messages",
             {Access::member("agent", "write"), BodyKind::json}, [&handoff](Request& request) {
               auto fields = JsonFields::of(request);
               if (!fields) return error_response(fields.error());
               auto text = fields->required_string("text", kMaxReplyField);
               if (!text) return error_response(text.error());
               auto sent =
                   handoff.reply(request.principal.workspace_id, request.param("conversation_id"),
                                 request.principal.actor_id(), *text);
               if (!sent) return error_response(sent.error());
               return json_response(201, message_json(*sent));
             });

  router.add("GET", "/api/v1/workspaces/{ws_id}/inbox", {Access::member("agent", "read")},
             [&handoff](Request& request) {
               auto inbox = handoff.inbox(request.principal.workspace_id);
               if (!inbox) return error_response(inbox.error());
               json::array data;
               for (const ConversationView& c : *inbox) data.push_back(conversation_json(c, false));
               return json_response(200, list_page(std::move(data), std::nullopt));
             });
  router.add("GET", "/api/v1/workspaces/{ws_id}/inbox/events", {Access::member("agent", "read")},
             [&events](Request& request) {
               return event_stream(events, LiveEvents::inbox_topic(request.principal.workspace_id));
             });
}

}  // namespace parley
