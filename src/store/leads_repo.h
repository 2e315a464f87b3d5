// SQL for leads: the contact details visitors submit through a bot's lead form. Every read
// names its workspace and bot, so one workspace's id never reaches another's leads. The
// fields arrive sealed (the lead service seals them with the visitor's key). Called by
// the lead service.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace parley {

struct LeadRow {
  std::string id;
  std::string workspace_id;
  std::string bot_id;
  std::optional<std::string> conversation_id;  // NULL once the conversation is deleted
  std::string visitor_id;
  Bytes fields_sealed;  // the submitted fields as a JSON object
  bool consent = false;
  std::string consent_text;    // the form's text as the visitor saw it
  std::string policy_version;  // the privacy policy in force when they submitted
  int64_t created_at = 0;
};

Status insert_lead(Tx& tx, const LeadRow& lead);
// A bot's leads, by id descending (newest first), before the cursor id (empty: from the
// newest).
Result<std::vector<LeadRow>> list_leads(Tx& tx, std::string_view workspace_id,
                                        std::string_view bot_id, std::string_view before_id,
                                        int limit);
// How many leads a conversation has, for "a lead was already given".
Result<int64_t> count_conversation_leads(Tx& tx, std::string_view workspace_id,
                                         std::string_view conversation_id);
// Erasure of a visitor: their leads in the workspace. Returns how many went.
Result<int64_t> delete_visitor_leads(Tx& tx, std::string_view workspace_id,
                                     std::string_view visitor_id);

}  // namespace parley
