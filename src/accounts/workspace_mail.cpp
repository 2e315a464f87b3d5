#include "accounts/roles.h"
#include "accounts/workspace_service.h"
#include "store/outbox_repo.h"

namespace parley {

Status WorkspaceService::mail_members(std::string_view workspace_id, std::string_view min_role,
                                      const std::string& subject, const std::string& body,
                                      const std::string& kind) {
  auto members = this->members(workspace_id);
  if (!members) return members.error();
  std::vector<OutgoingMail> mails;
  for (const MemberView& member : *members) {
    if (role_at_least(member.role, min_role)) {
      mails.push_back({member.user_id, member.email, subject, body, kind});
    }
  }
  if (mails.empty()) return ok_status();
  Status written = ctx_.store.db().write([&](Tx& tx) -> Status {
    for (const OutgoingMail& mail : mails) {
      auto queued = enqueue_mail(tx, mail, ctx_.keyring, ctx_.clock);
      if (!queued) return queued.error();
    }
    return ok_status();
  });
  if (!written) return written;
  ctx_.mail_queued();
  return ok_status();
}

}  // namespace parley
