// Parley's schema, as the ordered list of migrations that builds it. Store::open applies
// it. Append a migration for each change (never edit a shipped one) and describe every
// new table in the data map (data_map.cpp): a test fails until you do.
#pragma once

#include <vector>

#include "store/migrations.h"

namespace parley {

// One function per domain's migration, listed in order by parley_migrations().
Migration accounts_migration();
Migration audit_migration();   // 3: audit_log, audit_checkpoints, audit_head (schema_audit.cpp)
Migration outbox_migration();  // 4: mail_outbox (schema_outbox.cpp)
Migration kb_migration();      // 5: bots, sources, pages, chunks (schema_kb.cpp)
Migration embeddings_migration();  // 6: embeddings, chunks.embed_hash (schema_embeddings.cpp)
Migration chat_migration();        // 7: conversations, messages (schema_chat.cpp)
Migration leads_migration();       // 8: leads (schema_leads.cpp)
Migration feedback_migration();    // 9: feedback (schema_feedback.cpp); 8 is the leads'
Migration handoff_migration();     // 11: conversations.agent_id, messages.author_id

const std::vector<Migration>& parley_migrations();

}  // namespace parley
