#include "store/schema.h"

namespace parley {

const std::vector<Migration>& parley_migrations() {
  static const std::vector<Migration> migrations = {
      {1, "create meta",
       // Facts about this installation (instance id, creation time): never personal data.
       "CREATE TABLE meta (\n"
       "  key TEXT PRIMARY KEY,\n"
       "  value TEXT NOT NULL\n"
       ");\n"},
      accounts_migration(),
      audit_migration(),
      outbox_migration(),
      kb_migration(),
      embeddings_migration(),
      chat_migration(),
      leads_migration(),
      feedback_migration(),
      handoff_migration(),
  };
  return migrations;
}

}  // namespace parley
