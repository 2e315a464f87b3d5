// POST /api/v1/bots/{bot_id}/leads: a visitor's lead form submitted;
// GET /api/v1/bots/{bot_id}/leads?q=&cursor=&limit=: a bot's leads, newest first, searched;
// GET /api/v1/bots/{bot_id}/leads/export: all of them as CSV.
// The shapes are a contract (docs/openapi.yaml).
#include <boost/json.hpp>

#include "api/json_fields.h"
#include "api/routes.h"
#include "api/tenant_routes.h"

namespace parley {
namespace json = boost::json;
namespace {

// More than any form has (20), so that the service names the unknown key.
constexpr size_t kMaxFields = 100;
// Larger than the service's limit per value, so that the service names the real one.
constexpr size_t kMaxValueBytes = 16 * 1024;

Error bad(std::string message) {
  return make_error(ErrorCode::invalid_argument, std::move(message));
}

Result<LeadFields> fields_from(const json::value* value) {
  if (!value) return bad("fields: give the form's fields, e.g. {\"email\": \"ada@example.com\"}");
  if (!value->is_object() || value->as_object().size() > kMaxFields) {
    return bad("fields: give an object of at most " + std::to_string(kMaxFields) +
               " fields, each a string");
  }
  LeadFields fields;
  for (const auto& [key, item] : value->as_object()) {
    if (key.size() > 40) return bad("fields: a key is longer than any form's (40 bytes)");
    if (!item.is_string() || item.as_string().size() > kMaxValueBytes) {
      return bad("fields." + std::string(key) + ": give a string");
    }
    fields.emplace(std::string(key), std::string(item.as_string()));
  }
  return fields;
}

Result<LeadInput> lead_input_from(const Request& request) {
  auto body = JsonFields::of(request);
  if (!body) return body.error();
  const json::object& object = request.json->as_object();
  for (const auto& [key, value] : object) {
    if (key != "conversation_id" && key != "fields" && key != "consent") {
      return bad(std::string(key) + " is not a lead field (conversation_id, fields, consent)");
    }
  }
  auto conversation = body->required_string("conversation_id", 64);
  if (!conversation) return conversation.error();
  auto fields = fields_from(object.if_contains("fields"));
  if (!fields) return fields.error();
  auto consent = body->optional_bool("consent");
  if (!consent) return consent.error();
  return LeadInput{std::move(*conversation), std::move(*fields), consent->value_or(false)};
}

json::object lead_json(const LeadView& lead) {
  json::object fields;
  for (const auto& [key, value] : lead.fields) fields[key] = value;
  return {{"id", lead.id},
          {"bot_id", lead.bot_id},
          {"conversation_id", optional_text(lead.conversation_id)},
          {"visitor_id", lead.visitor_id},
          {"fields", std::move(fields)},
          {"consent", lead.consent},
          {"consent_text", lead.consent_text},
          {"policy_version", lead.policy_version},
          {"created_at", iso_time(lead.created_at)}};
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
