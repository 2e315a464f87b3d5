// The OpenAI-compatible API, so that any OpenAI client talks to a bot: GET /v1/models (the
// workspace's bots), GET /v1/models/{model}, POST /v1/chat/completions (model = bot id),
// whole or streamed as OpenAI's chunks. Callers are API keys with the chat scope, acting in
// their own workspace (Access::api_key): another workspace's bot is an unknown model (404).
// Errors in OpenAI's shape. Each completion is a new conversation with the last user
// message as the question; earlier messages are not used yet (ChatService takes no
// history), the answer is stored like any other and its conversation named in "parley".
#include <boost/json.hpp>

#include "api/chat_json.h"
#include "api/openai_json.h"
#include "api/routes.h"
#include "core/ids.h"
#include "http/response_stream.h"

namespace parley {
namespace json = boost::json;
namespace {

RouteOptions openai_route(BodyKind body) {
  RouteOptions options{Access::api_key("chat"), body};
  options.shape_errors = openai_shaped;
  return options;
}

// Without a conversation id, the only thing chat finds missing is the bot: the model.
OpenAiError chat_error(const Error& error, std::string_view model) {
  if (error.code == ErrorCode::not_found) return model_not_found(model);
  if (error.code == ErrorCode::invalid_argument) return openai_error_of(error, "messages");
  return openai_error_of(error);
}

// A new conversation each request (OpenAI's API keeps no state), with the client's earlier
// messages as its history, so that a follow-up is understood.
ChatInput question_of(const CompletionRequest& asked) {
  return {asked.question, std::nullopt, std::nullopt, asked.history};
}

// The answer as OpenAI's chunks: the role, the text as it comes (a generative bot's pieces
// as its model writes them; an extractive answer whole, in one), the stop with Parley's
// reply, the usage when asked, [DONE]. The completion's id is made here: the conversation
// and message ids exist only once the answer is stored (the last chunk names them).
Response stream_completion(ChatService& chat, const Clock& clock, std::string workspace_id,
                           CompletionRequest asked) {
  ChunkHead head{"chatcmpl-" + new_id("cmpl", clock), clock.now_ms() / 1000, asked.model,
                 asked.include_usage};
  return streamed_response(
      "text/event-stream", [&chat, workspace_id = std::move(workspace_id), asked = std::move(asked),
                            head = std::move(head)](ResponseStream& out) {
        std::string streamed;
        bool opened = false;
        // The role goes with the first text, so that an error before it keeps its status.
        auto send = [&](std::string_view text) {
          if (!opened) {
            opened = true;
            json::object role{{"role", "assistant"}, {"content", ""}};
            if (!out.write(chunk_event(head, std::move(role), std::nullopt))) return false;
          }
          if (text.empty()) return true;
          streamed += text;
          return out.write(chunk_event(head, json::object{{"content", text}}, std::nullopt));
        };
        auto reply = chat.chat(workspace_id, asked.model, question_of(asked), send);
        if (!reply) {
          const OpenAiError error = chat_error(reply.error(), asked.model);
          if (!out.started()) return out.fail(openai_error_response(error));
          out.write(error_event(error));
          return;
        }
        const std::string text = reply->message ? reply->message->text : std::string();
        if (streamed.empty()) {
          if (!send(text)) return;
        } else if (text != streamed) {
          // The model failed after its first words and the extractive answer was stored
          // instead: a client cannot be told to take back what it has shown.
          out.write(error_event({502, "server_error",
                                 "the bot's model stopped mid-answer; the answer stored is in "
                                 "conversation " +
                                     reply->conversation_id,
                                 std::nullopt, "model_interrupted"}));
          return;
        }
        if (!out.write(chunk_event(head, json::object{}, "stop", reply_json(*reply)))) return;
        if (asked.include_usage &&
            !out.write(usage_chunk_event(head, usage_of(asked.question, text)))) {
          return;
        }
        out.write(kDoneEvent);
      });
}

}  // namespace

void add_openai_routes(Router& router, const ApiDeps& deps) {
  BotService& bots = deps.bots;
  ChatService& chat = deps.chat;
  const Clock& clock = deps.accounts_context.clock;

  router.add("GET", "/v1/models", openai_route(BodyKind::none), [&bots](Request& request) {
    const std::string& workspace_id = request.principal.workspace_id;
    json::array data;
    std::string cursor;
    do {
      auto page = bots.list(workspace_id, cursor, 100);
      if (!page) return openai_error_response(openai_error_of(page.error()));
      for (const BotView& bot : page->bots) {
        data.push_back(model_json(bot.id, bot.created_at, workspace_id));
      }
      cursor = page->next_cursor.value_or("");
    } while (!cursor.empty());
    return json_response(200, json::object{{"object", "list"}, {"data", std::move(data)}});
  });

  router.add("GET", "/v1/models/{model}", openai_route(BodyKind::none), [&bots](Request& request) {
    const std::string& workspace_id = request.principal.workspace_id;
    auto bot = bots.get(workspace_id, request.param("model"));
    if (!bot) {
      return openai_error_response(bot.error().code == ErrorCode::not_found
                                       ? model_not_found(request.param("model"))
                                       : openai_error_of(bot.error()));
    }
    return json_response(200, model_json(bot->id, bot->created_at, workspace_id));
  });

  // The body is read here rather than by the server, so that every refusal of it is in
  // OpenAI's shape.
  router.add("POST", "/v1/chat/completions", openai_route(BodyKind::any),
             [&chat, &clock](Request& request) {
               auto parsed = parse_completion_request(request.header("content-type"), request.body);
               if (auto* error = std::get_if<OpenAiError>(&parsed)) {
                 return openai_error_response(*error);
               }
               CompletionRequest asked = std::move(std::get<CompletionRequest>(parsed));
               const std::string& workspace_id = request.principal.workspace_id;
               if (asked.stream) {
                 return stream_completion(chat, clock, workspace_id, std::move(asked));
               }
               auto reply = chat.chat(workspace_id, asked.model, question_of(asked));
               if (!reply) return openai_error_response(chat_error(reply.error(), asked.model));
               const std::string text = reply->message ? reply->message->text : std::string();
               const std::string id = reply->message ? reply->message->id : reply->conversation_id;
               return json_response(
                   200, completion_json("chatcmpl-" + id, clock.now_ms() / 1000, asked.model,
                                        *reply, usage_of(asked.question, text)));
             });
}

}  // namespace parley
