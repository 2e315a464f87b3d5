#include "api/lead_json.h"

#include <boost/json.hpp>

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

}  // namespace

Result<LeadInput> lead_input_from(const JsonFields& body) {
  auto conversation = body.required_string("conversation_id", 64);
  if (!conversation) return conversation.error();
  auto fields = fields_from(body.object().if_contains("fields"));
  if (!fields) return fields.error();
  auto consent = body.optional_bool("consent");
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

}  // namespace parley
