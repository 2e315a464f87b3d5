// What the lead service takes and gives: a submission, a lead as the business reads it,
// a page of leads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace parley {

// Fields by the form's keys (name, email, custom keys...).
using LeadFields = std::map<std::string, std::string>;

struct LeadInput {
  std::string conversation_id;  // the conversation the form was shown in
  LeadFields fields;
  bool consent = false;  // the visitor ticked the consent box
};

struct LeadView {
  std::string id;
  std::string bot_id;
  std::optional<std::string> conversation_id;  // none once the conversation was deleted
  std::string visitor_id;
  LeadFields fields;
  bool consent = false;
  std::string consent_text;    // word for word as the form showed it
  std::string policy_version;  // the privacy policy in force at submission
  int64_t created_at = 0;
};

struct LeadPage {
  std::vector<LeadView> leads;
  std::optional<std::string> next_cursor;
};

}  // namespace parley
