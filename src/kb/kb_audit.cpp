#include "kb/kb_audit.h"

#include "store/audit_repo.h"

namespace parley {

Status audit_kb_change(const KbContext& ctx, Tx& tx, std::string_view workspace_id,
                       const Actor& actor, std::string_view action, std::string_view target_id) {
  return append_audit_entry(tx,
                            {std::string(workspace_id), actor.id, std::string(action),
                             std::string(target_id), ip_pseudonym(ctx.keyring, actor.ip)},
                            ctx.keyring, ctx.clock);
}

}  // namespace parley
