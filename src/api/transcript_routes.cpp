// GET /api/v1/conversations/{conversation_id}: a transcript with its citations and
// feedback; GET /api/v1/bots/{bot_id}/conversations: a bot's conversations, newest first,
// filtered by ?state= and searched by ?q=; GET /api/v1/bots/{bot_id}/conversations/export:
// all of them as JSON or CSV. The shapes are a contract (docs/openapi.yaml).
#include <boost/json.hpp>

#include "api/chat_json.h"
#include "api/json_fields.h"
#include "api/routes.h"
#include "api/tenant_routes.h"
#include "api/transcript_csv.h"

namespace parley {
namespace json = boost::json;
namespace {

constexpr size_t kMaxSearchBytes = 1000;

Result<TranscriptQuery> transcript_query(const Request& request) {
  TranscriptQuery query;
  auto limit = page_limit(request);
  if (!limit) return limit.error();
  query.limit = *limit;
  query.q = request.query_param("q");
  if (query.q.size() > kMaxSearchBytes) {
    return make_error(ErrorCode::invalid_argument,
                      "q: at most " + std::to_string(kMaxSearchBytes) + " bytes");
  }
  query.state = request.query_param("state");
  query.cursor = request.query_param("cursor");
  return query;
}

// An attachment named after the bot, e.g. bot_01J...-conversations.csv.
Response attachment(const char* content_type, std::string body, std::string_view bot_id,
                    std::string_view extension, bool truncated) {
  Response response = body_response(200, content_type, std::move(body));
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"" +
                                                           std::string(bot_id) + "-conversations." +
                                                           std::string(extension) + "\"");
  response.headers.emplace_back("Cache-Control", "no-store");
  if (truncated) response.headers.emplace_back("X-Parley-Export-Truncated", "true");
  return response;
}

}  // namespace

void add_transcript_routes(Router& router, const ApiDeps& deps) {
  TranscriptService& transcripts = deps.transcripts;

  // Transcripts hold visitors' personal data: agents and up (those who answer them).
  router.add("GET", "/api/v1/conversations/{conversation_id}", {Access::member("agent", "read")},
             [&transcripts](Request& request) {
               auto conversation = transcripts.get(request.principal.workspace_id,
                                                   request.param("conversation_id"));
               if (!conversation) return error_response(conversation.error());
               return json_response(200, conversation_json(*conversation, true));
             });

  router.add("GET", "/api/v1/bots/{bot_id}/conversations", {Access::member("agent", "read")},
             [&transcripts](Request& request) {
               auto query = transcript_query(request);
               if (!query) return error_response(query.error());
               auto page = transcripts.list(request.principal.workspace_id, request.param("bot_id"),
                                            *query);
               if (!page) return error_response(page.error());
               json::array data;
               for (const ConversationView& c : page->conversations) {
                 data.push_back(conversation_json(c, false));
               }
               return json_response(200, list_page(std::move(data), page->next_cursor));
             });

  router.add(
      "GET", "/api/v1/bots/{bot_id}/conversations/export", {Access::member("agent", "read")},
      [&transcripts](Request& request) {
        const std::string format = request.query_param("format");
        if (format != "json" && format != "csv") {
          return error_response(make_error(ErrorCode::invalid_argument, "format: json or csv"));
        }
        const std::string bot_id(request.param("bot_id"));
        auto exported = transcripts.export_all(request.principal.workspace_id, bot_id);
        if (!exported) return error_response(exported.error());
        if (format == "csv") {
          return attachment("text/csv; charset=utf-8", transcripts_csv(exported->conversations),
                            bot_id, "csv", exported->truncated);
        }
        json::array data;
        for (const ConversationView& c : exported->conversations) {
          data.push_back(conversation_json(c, true));
        }
        return attachment("application/json", json::serialize(data), bot_id, "json",
                          exported->truncated);
      });
}

}  // namespace parley
