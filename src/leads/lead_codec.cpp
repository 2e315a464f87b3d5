#include "leads/lead_codec.h"

#include <boost/json.hpp>

#include "core/key_owners.h"

namespace parley {
namespace json = boost::json;
namespace {

std::string row_binding(const LeadRow& row) { return row.bot_id + "/" + row.id; }

SealContext fields_context(const std::string& binding) {
  return {"leads", "fields_sealed", binding};
}

}  // namespace

Status seal_lead_fields(Keyring& keyring, LeadRow& row, const LeadFields& fields) {
  json::object object;
  for (const auto& [key, value] : fields) object[key] = value;
  const std::string binding = row_binding(row);
  auto sealed = keyring.seal(visitor_key_owner(row.workspace_id, row.visitor_id),
                             fields_context(binding), json::serialize(object));
  if (!sealed) return sealed.error();
  row.fields_sealed = std::move(*sealed);
  return ok_status();
}

Result<LeadFields> open_lead_fields(const Keyring& keyring, const LeadRow& row) {
  const std::string binding = row_binding(row);
  auto opened = keyring.open(visitor_key_owner(row.workspace_id, row.visitor_id),
                             fields_context(binding), row.fields_sealed);
  if (!opened) return opened.error();
  boost::system::error_code ec;
  json::value parsed = json::parse(*opened, ec);
  if (ec || !parsed.is_object()) {
    return make_error(ErrorCode::internal, "a stored lead's fields are damaged");
  }
  LeadFields fields;
  for (const auto& [key, value] : parsed.as_object()) {
    if (value.is_string()) fields.emplace(std::string(key), std::string(value.as_string()));
  }
  return fields;
}

}  // namespace parley
