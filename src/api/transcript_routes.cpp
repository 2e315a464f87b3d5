// GET /api/v1/conversations/{conversation_id}: a transcript with its citations;
// GET /api/v1/bots/{bot_id}/conversations: a bot's conversations, newest first.
// The shapes are a contract (docs/openapi.yaml).
#include <boost/json.hpp>

#include "api/chat_json.h"
#include "api/json_fields.h"
#include "api/routes.h"
#include "api/tenant_routes.h"

namespace parley {
namespace json = boost::json;

void add_transcript_routes(Router& router, const ApiDeps& deps) {
  ChatService& chat = deps.chat;

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
