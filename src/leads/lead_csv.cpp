#include "leads/lead_csv.h"

#include <algorithm>
#include <set>

#include "core/csv_writer.h"
#include "core/iso_time.h"

namespace parley {
std::string leads_csv(const std::vector<std::string>& form_keys,
                      const std::vector<LeadView>& leads) {
  std::vector<std::string> keys = form_keys;
  std::set<std::string> others;
  for (const LeadView& lead : leads) {
    for (const auto& [key, value] : lead.fields) {
      if (std::find(form_keys.begin(), form_keys.end(), key) == form_keys.end()) {
        others.insert(key);
      }
    }
  }
  keys.insert(keys.end(), others.begin(), others.end());

  std::vector<std::string> header = {"id",         "created_at", "conversation_id",
                                     "visitor_id", "consent",    "policy_version"};
  header.insert(header.end(), keys.begin(), keys.end());
  std::string out;
  append_csv_row(out, header);
  for (const LeadView& lead : leads) {
    std::vector<std::string> row = {
        lead.id,         iso_time(lead.created_at),       lead.conversation_id.value_or(""),
        lead.visitor_id, lead.consent ? "true" : "false", lead.policy_version};
    for (const std::string& key : keys) {
      auto value = lead.fields.find(key);
      row.push_back(value == lead.fields.end() ? "" : value->second);
    }
    append_csv_row(out, row);
  }
  return out;
}

}  // namespace parley
