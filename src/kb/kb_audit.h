// The audit entry of a change to a workspace's bots or knowledge, written in the change's own
// transaction: ids and a keyed hash of the caller's address only. Used by the kb services.
#pragma once

#include <string_view>

#include "accounts/workspace_service.h"
#include "kb/kb_context.h"

namespace parley {

Status audit_kb_change(const KbContext& ctx, Tx& tx, std::string_view workspace_id,
                       const Actor& actor, std::string_view action, std::string_view target_id);

}  // namespace parley
