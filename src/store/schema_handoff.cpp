#include "store/schema.h"

namespace parley {

// Human handoff: the agent (a user id) who owns a conversation while it is with_agent, and
// the author of each agent message. (Migration 10 is the widget's public bot ids.)
Migration handoff_migration() {
  return {11, "add the agent of a conversation and the author of a message",
          R"sql(
ALTER TABLE conversations ADD COLUMN agent_id TEXT;
ALTER TABLE messages ADD COLUMN author_id TEXT;
CREATE INDEX conversations_by_state ON conversations (workspace_id, state, updated_at);
)sql"};
}

}  // namespace parley
