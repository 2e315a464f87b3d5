// POST /api/v1/bots/{bot_id}/chat: a visitor's message in, the bot's cited answer out,
// as JSON or, with "stream": true, as Server-Sent Events (chat_turn.h: delta, then done).
// The shapes are a contract (docs/openapi.yaml).
#include <boost/json.hpp>

#include "api/chat_json.h"
#include "api/chat_turn.h"
#include "api/routes.h"

namespace parley {

void add_chat_routes(Router& router, const ApiDeps& deps) {
  ChatService& chat = deps.chat;

  // Any member may talk to the workspace's bots (the widget lets anyone); keys need "chat".
  router.add(
      "POST", "/api/v1/bots/{bot_id}/chat", {Access::member("viewer", "chat"), BodyKind::json},
      [&chat](Request& request) {
        auto asked = chat_turn_request(request);
        if (!asked) return error_response(asked.error());
        if (asked->stream) {
          return chat_event_stream([&chat, workspace_id = request.principal.workspace_id,
                                    bot_id = std::string(request.param("bot_id")),
                                    input = std::move(asked->input)](const DeltaFn& on_delta) {
            return chat.chat(workspace_id, bot_id, input, on_delta);
          });
        }
        auto reply =
            chat.chat(request.principal.workspace_id, request.param("bot_id"), asked->input);
        if (!reply) return error_response(reply.error());
        return json_response(200, boost::json::value(reply_json(*reply)));
      });
}

}  // namespace parley
