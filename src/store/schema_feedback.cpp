#include "store/schema.h"

namespace parley {

// Visitors' ratings of the bot's answers: one per answer (rating again replaces it), with
// an optional comment sealed with the visitor's key like the messages. Rows go with their
// conversation or message through the foreign keys. (Migration 8 is the leads'.)
Migration feedback_migration() {
  return {9, "create feedback",
          R"sql(
CREATE TABLE feedback (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  bot_id TEXT NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
  conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  message_id TEXT NOT NULL UNIQUE REFERENCES messages(id) ON DELETE CASCADE,
  rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
  comment_sealed BYTES,
  created_at BIGINT NOT NULL
);
CREATE INDEX feedback_by_conversation ON feedback (conversation_id);
CREATE INDEX feedback_by_bot ON feedback (bot_id, rating, created_at);
)sql"};
}

}  // namespace parley
