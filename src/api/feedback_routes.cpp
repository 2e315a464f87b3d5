// POST /api/v1/conversations/{conversation_id}/messages/{message_id}/feedback: a visitor
// rates the bot's answer; GET /api/v1/bots/{bot_id}/unanswered: the questions the bot
// could not answer, grouped. The shapes are a contract (docs/openapi.yaml).
#include <boost/json.hpp>

#include "api/feedback_json.h"
#include "api/json_fields.h"
#include "api/routes.h"
#include "api/tenant_routes.h"

namespace parley {
namespace json = boost::json;
namespace {

Result<FeedbackInput> feedback_input(const Request& request) {
  auto fields = JsonFields::of(request);
  if (!fields) return fields.error();
  if (auto s = fields->only({"rating", "comment"}, "feedback"); !s) return s.error();
  return feedback_input_from(*fields);
}

json::object group_json(const QuestionGroup& g) {
  json::array examples;
  for (const QuestionExample& e : g.examples) {
    examples.push_back(json::object{
        {"conversation_id", e.conversation_id}, {"message_id", e.message_id}, {"text", e.text}});
  }
  return {{"question", g.question},
          {"count", g.count},
          {"fallbacks", g.fallbacks},
          {"thumbs_down", g.thumbs_down},
          {"last_asked_at", iso_time(g.last_asked_at)},
          {"examples", std::move(examples)}};
}

}  // namespace

void add_feedback_routes(Router& router, const ApiDeps& deps) {
  FeedbackService& feedback = deps.feedback;

  // The visitor's side, like the chat route: any member; keys need "chat".
  router.add("POST", "/api/v1/conversations/{conversation_id}/messages/{message_id}/feedback",
             {Access::member("viewer", "chat"), BodyKind::json}, [&feedback](Request& request) {
               auto input = feedback_input(request);
               if (!input) return error_response(input.error());
               auto rated =
                   feedback.rate(request.principal.workspace_id, request.param("conversation_id"),
                                 request.param("message_id"), *input);
               if (!rated) return error_response(rated.error());
               return json_response(rated->created ? 201 : 200, feedback_json(rated->feedback));
             });

  // Visitors' questions are their personal data: agents and up, keys "read".
  router.add("GET", "/api/v1/bots/{bot_id}/unanswered", {Access::member("agent", "read")},
             [&feedback](Request& request) {
               auto limit = page_limit(request, 20);
               if (!limit) return error_response(limit.error());
               auto groups = feedback.unanswered(request.principal.workspace_id,
                                                 request.param("bot_id"), *limit);
               if (!groups) return error_response(groups.error());
               json::array data;
               for (const QuestionGroup& group : *groups) data.push_back(group_json(group));
               return json_response(200, json::object{{"data", std::move(data)}});
             });
}

}  // namespace parley
