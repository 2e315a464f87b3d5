#include "store/leads_repo.h"

#include "store/repo_util.h"

namespace parley {
namespace {

constexpr std::string_view kLeadColumns =
    "id, workspace_id, bot_id, conversation_id, visitor_id, fields_sealed, consent, "
    "consent_text, policy_version, created_at";

LeadRow lead_from(const Row& row) {
  LeadRow lead;
  lead.id = row.text(0);
  lead.workspace_id = row.text(1);
  lead.bot_id = row.text(2);
  lead.conversation_id = text_or_null(row, 3);
  lead.visitor_id = row.text(4);
  lead.fields_sealed = row.bytes(5);
  lead.consent = row.integer(6) != 0;
  lead.consent_text = row.text(7);
  lead.policy_version = row.text(8);
  lead.created_at = row.integer(9);
  return lead;
}

}  // namespace

Status insert_lead(Tx& tx, const LeadRow& l) {
  return done(tx.exec(
      "INSERT INTO leads (" + std::string(kLeadColumns) +
          ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
      {l.id, l.workspace_id, l.bot_id, or_null(l.conversation_id), l.visitor_id, l.fields_sealed,
       int64_t{l.consent ? 1 : 0}, l.consent_text, l.policy_version, l.created_at}));
}

Result<std::vector<LeadRow>> list_leads(Tx& tx, std::string_view workspace_id,
                                        std::string_view bot_id, std::string_view before_id,
                                        int limit) {
  auto rows =
      bot_rows_newest_first(tx, "leads", kLeadColumns, workspace_id, bot_id, before_id, limit);
  if (!rows) return rows.error();
  std::vector<LeadRow> leads;
  for (const Row& row : *rows) leads.push_back(lead_from(row));
  return leads;
}

Result<int64_t> count_conversation_leads(Tx& tx, std::string_view workspace_id,
                                         std::string_view conversation_id) {
  auto rows = tx.query(
      "SELECT count(*) FROM leads WHERE workspace_id = $1 AND "
      "conversation_id = $2",
      {std::string(workspace_id), std::string(conversation_id)});
  if (!rows) return rows.error();
  return rows->front().integer(0);
}

Result<int64_t> delete_visitor_leads(Tx& tx, std::string_view workspace_id,
                                     std::string_view visitor_id) {
  return tx.exec("DELETE FROM leads WHERE workspace_id = $1 AND visitor_id = $2",
                 {std::string(workspace_id), std::string(visitor_id)});
}

}  // namespace parley
