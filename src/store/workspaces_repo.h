// SQL for workspaces (tenants), their members and invitations, and their API keys. Every
// query of tenant data names the workspace id. Called by the workspace and key services.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace parley {

struct WorkspaceRow {
  std::string id;
  Bytes name_sealed;
  int64_t created_at = 0;
};

struct MembershipRow {
  std::string workspace_id;
  std::string user_id;
  std::string role;  // owner | admin | agent | viewer
  int64_t created_at = 0;
};

Status insert_workspace(Tx& tx, const WorkspaceRow& workspace);
Result<std::optional<WorkspaceRow>> find_workspace(Tx& tx, std::string_view workspace_id);
Status rename_workspace(Tx& tx, std::string_view workspace_id, const Bytes& name_sealed);
// Deletes the workspace and, through foreign keys, its members, invitations and keys.
Status delete_workspace(Tx& tx, std::string_view workspace_id);
// The workspaces a user belongs to, with the user's role, oldest first.
Result<std::vector<std::pair<WorkspaceRow, std::string>>> list_user_workspaces(
    Tx& tx, std::string_view user_id);
Result<std::vector<WorkspaceRow>> list_all_workspaces(Tx& tx, std::string_view after_id, int limit);

Status insert_membership(Tx& tx, const MembershipRow& membership);
Result<std::optional<MembershipRow>> find_membership(Tx& tx, std::string_view workspace_id,
                                                     std::string_view user_id);
Result<std::vector<MembershipRow>> list_memberships(Tx& tx, std::string_view workspace_id);
Status set_member_role(Tx& tx, std::string_view workspace_id, std::string_view user_id,
                       std::string_view role);
Status delete_membership(Tx& tx, std::string_view workspace_id, std::string_view user_id);

struct InvitationRow {
  std::string id;
  std::string workspace_id;
  std::string email_hash;
  Bytes email_sealed;  // sealed with the invitation's own key (owner = invitation id)
  std::string role;
  std::string token_hash;
  std::string invited_by;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  std::optional<int64_t> accepted_at;
};

Status insert_invitation(Tx& tx, const InvitationRow& invitation);
Result<std::optional<InvitationRow>> find_invitation_by_token_hash(Tx& tx,
                                                                   std::string_view token_hash);
Result<std::vector<InvitationRow>> list_open_invitations(Tx& tx, std::string_view workspace_id,
                                                         int64_t now);
Status accept_invitation(Tx& tx, std::string_view invitation_id, int64_t at);
Status delete_invitation(Tx& tx, std::string_view workspace_id, std::string_view invitation_id);

struct ApiKeyRow {
  std::string id;
  std::string workspace_id;
  std::string name;
  std::string prefix;  // the first characters of the secret, shown to tell keys apart
  std::string secret_hash;
  std::string scopes;  // space-separated: read write chat admin
  std::string created_by;
  int64_t created_at = 0;
  std::optional<int64_t> expires_at;
  std::optional<int64_t> last_used_at;
  std::optional<int64_t> revoked_at;
};

Status insert_api_key(Tx& tx, const ApiKeyRow& key);
Result<std::optional<ApiKeyRow>> find_api_key_by_secret_hash(Tx& tx, std::string_view hash);
Result<std::vector<ApiKeyRow>> list_api_keys(Tx& tx, std::string_view workspace_id);
Status revoke_api_key(Tx& tx, std::string_view workspace_id, std::string_view key_id, int64_t at);
Status touch_api_key(Tx& tx, std::string_view key_id, int64_t at);

}  // namespace parley
