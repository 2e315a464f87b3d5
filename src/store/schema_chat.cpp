#include "store/schema.h"

namespace parley {

// Conversations of a bot with its visitors, and their messages. A message's text and
// citations are personal data: sealed with the visitor's data key (erasing a visitor
// destroys that key). Rows go with their bot or workspace through the foreign keys.
// A message's seq is its place in the conversation (ids made in one millisecond are
// unordered). updated_at orders the retention job's sweep (chatbot data: 12 months).
Migration chat_migration() {
  return {7, "create conversations and messages",
          R"sql(
CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  bot_id TEXT NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
  visitor_id TEXT NOT NULL,
  state TEXT NOT NULL,
  message_count BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX conversations_by_bot ON conversations (bot_id, id);
CREATE INDEX conversations_by_visitor ON conversations (workspace_id, visitor_id);
CREATE INDEX conversations_by_updated ON conversations (updated_at);
CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  seq BIGINT NOT NULL,
  workspace_id TEXT NOT NULL,
  role TEXT NOT NULL,
  text_sealed BYTES NOT NULL,
  citations_sealed BYTES,
  confidence DOUBLE PRECISION,
  fallback BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX messages_by_conversation ON messages (conversation_id, seq);
)sql"};
}

}  // namespace parley
