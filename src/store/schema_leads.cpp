#include "store/schema.h"

namespace parley {

// Leads: the contact details a visitor submitted through a bot's lead form, with the proof
// of their consent (the exact text shown, whether they agreed, the privacy policy version).
// The details are sealed with the visitor's data key (erasing the visitor destroys it).
// A lead goes with its bot or workspace. Its conversation may go first (a transcript
// deleted by an agent or by retention) and the lead stays, with conversation_id NULL: it
// is a separate record the visitor consented to, with its own retention clock
// (created_at; chatbot data, 12 months) and its own erasure (by visitor).
Migration leads_migration() {
  return {8, "create leads",
          R"sql(
CREATE TABLE leads (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  bot_id TEXT NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
  conversation_id TEXT REFERENCES conversations(id) ON DELETE SET NULL,
  visitor_id TEXT NOT NULL,
  fields_sealed BYTES NOT NULL,
  consent BIGINT NOT NULL,
  consent_text TEXT NOT NULL,
  policy_version TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX leads_by_bot ON leads (bot_id, id);
CREATE INDEX leads_by_visitor ON leads (workspace_id, visitor_id);
CREATE INDEX leads_by_conversation ON leads (conversation_id);
CREATE INDEX leads_by_created ON leads (created_at);
)sql"};
}

}  // namespace parley
