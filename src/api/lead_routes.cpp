// POST /api/v1/bots/{bot_id}/leads: a visitor's lead form submitted;
// GET /api/v1/bots/{bot_id}/leads?q=&cursor=&limit=: a bot's leads, newest first, searched;
// GET /api/v1/bots/{bot_id}/leads/export: all of them as CSV.
// The shapes are a contract (docs/openapi.yaml).
#include <boost/json.hpp>

#include "api/json_fields.h"
#include "api/lead_json.h"
#include "api/routes.h"
#include "api/tenant_routes.h"

namespace parley {
namespace json = boost::json;
namespace {

Result<LeadInput> lead_input_from(const Request& request) {
  auto body = JsonFields::of(request);
  if (!body) return body.error();
  if (auto s = body->only({"conversation_id", "fields", "consent"}, "lead"); !s) return s.error();
  return lead_input_from(*body);
}

}  // namespace

void add_lead_routes(Router& router, const ApiDeps& deps) {
  LeadService& leads = deps.leads;

  // Submitted from the chat (the widget, or a script with a chat key), like a chat turn.
  router.add("POST", "/api/v1/bots/{bot_id}/leads",
             {Access::member("viewer", "chat"), BodyKind::json}, [&leads](Request& request) {
               auto input = lead_input_from(request);
               if (!input) return error_response(input.error());
               auto lead =
                   leads.submit(request.principal.workspace_id, request.param("bot_id"), *input);
               if (!lead) return error_response(lead.error());
               return json_response(201, lead_json(*lead));
             });

  // Leads are visitors' personal data: agents and up, like transcripts.
  router.add("GET", "/api/v1/bots/{bot_id}/leads", {Access::member("agent", "read")},
             [&leads](Request& request) {
               auto limit = page_limit(request);
               if (!limit) return error_response(limit.error());
               auto page =
                   leads.list(request.principal.workspace_id, request.param("bot_id"),
                              request.query_param("q"), request.query_param("cursor"), *limit);
               if (!page) return error_response(page.error());
               json::array data;
               for (const LeadView& lead : page->leads) data.push_back(lead_json(lead));
               return json_response(200, list_page(std::move(data), page->next_cursor));
             });

  router.add("GET", "/api/v1/bots/{bot_id}/leads/export", {Access::member("agent", "read")},
             [&leads](Request& request) {
               const std::string bot_id(request.param("bot_id"));
               auto csv = leads.export_csv(request.principal.workspace_id, bot_id);
               if (!csv) return error_response(csv.error());
               Response response;
               response.content_type = "text/csv; charset=utf-8";
               response.body = std::move(*csv);
               // The bot id passed the tenant lookup: a well-formed id, safe in a header.
               response.headers.emplace_back("Content-Disposition",
                                             "attachment; filename=\"leads-" + bot_id + ".csv\"");
               response.headers.emplace_back("Cache-Control", "no-store");
               return response;
             });
}

}  // namespace parley
