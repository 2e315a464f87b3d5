#include "leads/lead_csv.h"

#include <algorithm>
#include <set>

#include "core/iso_time.h"

namespace parley {
namespace {

void append_row(std::string& out, const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) out += ',';
    out += csv_cell(cells[i]);
  }
  out += "\r\n";
}

}  // namespace

std::string csv_cell(std::string_view value) {
  std::string cell;
  if (!value.empty() &&
      std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos) {
    cell += '\'';
  }
  cell += value;
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char ch : cell) {
    if (ch == '"') quoted += '"';
    quoted += ch;
  }
  quoted += '"';
  return quoted;
}

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
  append_row(out, header);
  for (const LeadView& lead : leads) {
    std::vector<std::string> row = {
        lead.id,         iso_time(lead.created_at),       lead.conversation_id.value_or(""),
        lead.visitor_id, lead.consent ? "true" : "false", lead.policy_version};
    for (const std::string& key : keys) {
      auto value = lead.fields.find(key);
      row.push_back(value == lead.fields.end() ? "" : value->second);
    }
    append_row(out, row);
  }
  return out;
}

}  // namespace parley
