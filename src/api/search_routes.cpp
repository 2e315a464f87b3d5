// POST /api/v1/bots/{bot_id}/search: the passages that best answer a query, with their
// source for citations. The response shape is a contract.
#include <boost/json.hpp>

#include "api/json_fields.h"
#include "api/routes.h"

namespace parley {
namespace json = boost::json;
namespace {

constexpr size_t kMaxQueryBytes = 10 * 1024;

json::object result_json(const SearchResult& r) {
  json::array highlights;
  for (const std::string& word : r.highlights) highlights.emplace_back(word);
  return {{"chunk_id", r.chunk_id},
          {"score", r.score},
          {"text", r.text},
          {"highlights", std::move(highlights)},
          {"source", json::object{{"id", r.source.id},
                                  {"external_id", optional_text(r.source.external_id)},
                                  {"title", r.source.title},
                                  {"url", optional_text(r.source.url)}}}};
}

}  // namespace

void add_search_routes(Router& router, const ApiDeps& deps) {
  SearchService& search = deps.search;
  router.add("POST", "/api/v1/bots/{bot_id}/search",
             {Access::member("viewer", "read"), BodyKind::json}, [&search](Request& request) {
               auto fields = JsonFields::of(request);
               if (!fields) return error_response(fields.error());
               auto query = fields->required_string("query", kMaxQueryBytes);
               if (!query) return error_response(query.error());
               auto limit = fields->optional_integer("limit");
               if (!limit) return error_response(limit.error());
               int64_t wanted = limit->value_or(10);
               if (wanted < 1 || wanted > 100) {
                 return error_response(make_error(ErrorCode::invalid_argument,
                                                  "limit: a whole number from 1 to 100"));
               }
               auto results = search.search(request.principal.workspace_id, request.param("bot_id"),
                                            *query, static_cast<size_t>(wanted));
               if (!results) return error_response(results.error());
               json::array data;
               for (const SearchResult& result : *results) data.push_back(result_json(result));
               return json_response(200, json::object{{"results", std::move(data)}});
             });
}

}  // namespace parley
