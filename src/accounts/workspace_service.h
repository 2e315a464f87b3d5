// Workspaces (tenants) and who belongs to them: create, rename, delete (crypto-shredding
// the workspace's data key), members and their roles, invitations by email, ownership
// transfer. The role rules (role_rules.h) are enforced here, not only by the routes; every
// change writes its audit entry in the same transaction. Called by the HTTP API.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "accounts/account_service.h"

namespace parley {

// Who acts, for the rules and the audit log.
struct Actor {
  std::string id;  // a user id, or an API key id
  // An API key's role: the one its scope stands for ("admin" for an admin-scoped key). For a
  // user it is ignored: the role is read from the membership inside the write, so a role
  // taken away a moment ago no longer counts.
  std::string role;
  std::string ip;  // hashed for the audit log, never stored
  bool is_api_key = false;

  static Actor user(std::string user_id, std::string ip = {}) {
    return {std::move(user_id), "", std::move(ip), false};
  }
  static Actor api_key(std::string key_id, std::string role, std::string ip = {}) {
    return {std::move(key_id), std::move(role), std::move(ip), true};
  }
};

struct WorkspaceView {
  std::string id;
  std::string name;
  int64_t created_at = 0;
};

struct UserWorkspace {
  WorkspaceView workspace;
  std::string role;
};

struct MemberView {
  std::string user_id;
  std::string email;
  std::string role;
  int64_t joined_at = 0;
};

struct InvitationView {
  std::string id;
  std::string workspace_id;
  std::string email;
  std::string role;
  std::string invited_by;
  int64_t created_at = 0;
  int64_t expires_at = 0;
};

struct WorkspacePage {
  std::vector<WorkspaceView> workspaces;  // names left empty: the operator sees ids only
  std::optional<std::string> next_cursor;
};

class WorkspaceService {
 public:
  explicit WorkspaceService(AccountsContext context) : ctx_(std::move(context)) {}

  // The creator becomes the owner. Names are 1-200 bytes.
  Result<WorkspaceView> create(std::string_view user_id, std::string_view name,
                               std::string_view ip = {});
  // The user's workspaces with their role, oldest first.
  Result<std::vector<UserWorkspace>> list_for_user(std::string_view user_id);
  Result<WorkspaceView> get(std::string_view workspace_id);
  // Admins and the owner.
  Result<WorkspaceView> rename(std::string_view workspace_id, std::string_view name,
                               const Actor& actor);
  // The owner only. Deletes the workspace's rows, then destroys its data key (and its open
  // invitations' keys), so whatever was sealed with them is unreadable everywhere.
  Status remove(std::string_view workspace_id, const Actor& actor);
  // Told of each workspace deleted, after its key is destroyed: what holds its data in
  // memory (the loaded search indexes) lets it go.
  void on_removed(std::function<void(const std::string& workspace_id)> listener) {
    removed_ = std::move(listener);
  }

  Result<std::vector<MemberView>> members(std::string_view workspace_id);
  // Queues one mail to each member of at least `min_role` (workspace_mail.cpp): how agents
  // hear of a visitor waiting when none is online. `kind` names the mail in logs.
  Status mail_members(std::string_view workspace_id, std::string_view min_role,
                      const std::string& subject, const std::string& body, const std::string& kind);
  Result<MemberView> change_role(std::string_view workspace_id, const Actor& actor,
                                 std::string_view target_user_id, std::string_view new_role);
  // Removing oneself is leaving.
  Status remove_member(std::string_view workspace_id, const Actor& actor,
                       std::string_view target_user_id);
  Status leave(std::string_view workspace_id, std::string_view user_id, std::string_view ip = {});
  // The owner hands the workspace to another member, who becomes owner; the old owner
  // becomes an admin. One write.
  Status transfer_ownership(std::string_view workspace_id, const Actor& owner,
                            std::string_view target_user_id);

  // Mails a link with a single-use token (valid for auth.invitation_days) to `email`. A
  // new invitation to the same address replaces the open one. The token is never returned.
  Result<InvitationView> invite(std::string_view workspace_id, std::string_view email,
                                std::string_view role, const Actor& actor);
  // Open (not accepted, not expired) invitations, oldest first.
  Result<std::vector<InvitationView>> list_invitations(std::string_view workspace_id);
  Status revoke_invitation(std::string_view workspace_id, std::string_view invitation_id,
                           const Actor& actor);
  // For the signed-in user whose email is the invitation's. Returns the joined workspace.
  Result<UserWorkspace> accept_invitation(std::string_view token, std::string_view user_id,
                                          std::string_view ip = {});

  // For the platform operator: every workspace by id, `limit` (1-100) at a time after the
  // `cursor` (a workspace id, or empty for the first page).
  Result<WorkspacePage> list_all(std::string_view cursor, int limit);

 private:
  // The actor's role in the workspace, read inside the caller's transaction for users.
  Result<std::string> role_of(Tx& tx, std::string_view workspace_id, const Actor& actor);
  Status audit(Tx& tx, std::string_view workspace_id, const Actor& actor, std::string_view action,
               std::string_view target_id);
  Result<Bytes> seal_name(std::string_view workspace_id, std::string_view name);
  Result<std::string> open_name(const std::string& workspace_id, const Bytes& sealed);
  Result<std::string> email_lookup_hash(std::string_view normalized_email);

  AccountsContext ctx_;
  std::function<void(const std::string& workspace_id)> removed_ = [](const std::string&) {};
};

}  // namespace parley
