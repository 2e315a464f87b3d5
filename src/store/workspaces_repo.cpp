#include "store/workspaces_repo.h"

#include "store/repo_util.h"

namespace parley {
namespace {

InvitationRow invitation_from(const Row& row) {
  return {row.text(0), row.text(1), row.text(2),    row.bytes(3),   row.text(4),
          row.text(5), row.text(6), row.integer(7), row.integer(8), integer_or_null(row, 9)};
}

constexpr std::string_view kInvitationColumns =
    "id, workspace_id, email_hash, email_sealed, role, token_hash, invited_by, created_at, "
    "expires_at, accepted_at";

ApiKeyRow api_key_from(const Row& row) {
  return {row.text(0),
          row.text(1),
          row.text(2),
          row.text(3),
          row.text(4),
          row.text(5),
          row.text(6),
          row.integer(7),
          integer_or_null(row, 8),
          integer_or_null(row, 9),
          integer_or_null(row, 10)};
}

constexpr std::string_view kApiKeyColumns =
    "id, workspace_id, name, prefix, secret_hash, scopes, created_by, created_at, expires_at, "
    "last_used_at, revoked_at";

}  // namespace

Status insert_workspace(Tx& tx, const WorkspaceRow& workspace) {
  return done(tx.exec("INSERT INTO workspaces (id, name_sealed, created_at) VALUES ($1, $2, $3)",
                      {workspace.id, workspace.name_sealed, workspace.created_at}));
}

Result<std::optional<WorkspaceRow>> find_workspace(Tx& tx, std::string_view workspace_id) {
  auto rows = tx.query("SELECT id, name_sealed, created_at FROM workspaces WHERE id = $1",
                       {std::string(workspace_id)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<WorkspaceRow>{};
  const Row& row = rows->front();
  return std::optional<WorkspaceRow>(WorkspaceRow{row.text(0), row.bytes(1), row.integer(2)});
}

Status rename_workspace(Tx& tx, std::string_view workspace_id, const Bytes& name_sealed) {
  return changed_one(tx.exec("UPDATE workspaces SET name_sealed = $2 WHERE id = $1",
                             {std::string(workspace_id), name_sealed}),
                     "workspace");
}

Status delete_workspace(Tx& tx, std::string_view workspace_id) {
  return changed_one(tx.exec("DELETE FROM workspaces WHERE id = $1", {std::string(workspace_id)}),
                     "workspace");
}

Result<std::vector<std::pair<WorkspaceRow, std::string>>> list_user_workspaces(
    Tx& tx, std::string_view user_id) {
  auto rows = tx.query(
      "SELECT w.id, w.name_sealed, w.created_at, m.role FROM workspaces w JOIN memberships m ON "
      "m.workspace_id = w.id WHERE m.user_id = $1 ORDER BY w.created_at, w.id",
      {std::string(user_id)});
  if (!rows) return rows.error();
  std::vector<std::pair<WorkspaceRow, std::string>> out;
  for (const Row& row : *rows) {
    out.emplace_back(WorkspaceRow{row.text(0), row.bytes(1), row.integer(2)}, row.text(3));
  }
  return out;
}

Result<std::vector<WorkspaceRow>> list_all_workspaces(Tx& tx, std::string_view after_id,
                                                      int limit) {
  auto rows = tx.query(
      "SELECT id, name_sealed, created_at FROM workspaces WHERE id > $1 ORDER BY id LIMIT $2",
      {std::string(after_id), int64_t{limit}});
  if (!rows) return rows.error();
  std::vector<WorkspaceRow> out;
  for (const Row& row : *rows) out.push_back({row.text(0), row.bytes(1), row.integer(2)});
  return out;
}

Status insert_membership(Tx& tx, const MembershipRow& membership) {
  return done(tx.exec(
      "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
      {membership.workspace_id, membership.user_id, membership.role, membership.created_at}));
}

Result<std::optional<MembershipRow>> find_membership(Tx& tx, std::string_view workspace_id,
                                                     std::string_view user_id) {
  auto rows = tx.query(
      "SELECT workspace_id, user_id, role, created_at FROM memberships WHERE workspace_id = $1 "
      "AND user_id = $2",
      {std::string(workspace_id), std::string(user_id)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<MembershipRow>{};
  const Row& row = rows->front();
  return std::optional<MembershipRow>(
      MembershipRow{row.text(0), row.text(1), row.text(2), row.integer(3)});
}

Result<std::vector<MembershipRow>> list_memberships(Tx& tx, std::string_view workspace_id) {
  auto rows = tx.query(
      "SELECT workspace_id, user_id, role, created_at FROM memberships WHERE workspace_id = $1 "
      "ORDER BY created_at, user_id",
      {std::string(workspace_id)});
  if (!rows) return rows.error();
  std::vector<MembershipRow> out;
  for (const Row& row : *rows)
    out.push_back({row.text(0), row.text(1), row.text(2), row.integer(3)});
  return out;
}

Status set_member_role(Tx& tx, std::string_view workspace_id, std::string_view user_id,
                       std::string_view role) {
  return changed_one(
      tx.exec("UPDATE memberships SET role = $3 WHERE workspace_id = $1 AND user_id = $2",
              {std::string(workspace_id), std::string(user_id), std::string(role)}),
      "member");
}

Status delete_membership(Tx& tx, std::string_view workspace_id, std::string_view user_id) {
  return changed_one(tx.exec("DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2",
                             {std::string(workspace_id), std::string(user_id)}),
                     "member");
}

Status insert_invitation(Tx& tx, const InvitationRow& invitation) {
  return done(tx.exec(
      "INSERT INTO invitations (" + std::string(kInvitationColumns) +
          ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
      {invitation.id, invitation.workspace_id, invitation.email_hash, invitation.email_sealed,
       invitation.role, invitation.token_hash, invitation.invited_by, invitation.created_at,
       invitation.expires_at, or_null(invitation.accepted_at)}));
}

Result<std::optional<InvitationRow>> find_invitation_by_token_hash(Tx& tx,
                                                                   std::string_view token_hash) {
  auto rows = tx.query(
      "SELECT " + std::string(kInvitationColumns) + " FROM invitations WHERE token_hash = $1",
      {std::string(token_hash)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<InvitationRow>{};
  return std::optional<InvitationRow>(invitation_from(rows->front()));
}

Result<std::vector<InvitationRow>> list_open_invitations(Tx& tx, std::string_view workspace_id,
                                                         int64_t now) {
  auto rows = tx.query("SELECT " + std::string(kInvitationColumns) +
                           " FROM invitations WHERE workspace_id = $1 AND accepted_at IS NULL "
                           "AND expires_at > $2 ORDER BY created_at, id",
                       {std::string(workspace_id), now});
  if (!rows) return rows.error();
  std::vector<InvitationRow> out;
  for (const Row& row : *rows) out.push_back(invitation_from(row));
  return out;
}

Status accept_invitation(Tx& tx, std::string_view invitation_id, int64_t at) {
  auto changed =
      tx.exec("UPDATE invitations SET accepted_at = $2 WHERE id = $1 AND accepted_at IS NULL",
              {std::string(invitation_id), at});
  if (!changed) return changed.error();
  if (*changed == 0) return make_error(ErrorCode::conflict, "this invitation was already used");
  return ok_status();
}

Status delete_invitation(Tx& tx, std::string_view workspace_id, std::string_view invitation_id) {
  return changed_one(tx.exec("DELETE FROM invitations WHERE workspace_id = $1 AND id = $2",
                             {std::string(workspace_id), std::string(invitation_id)}),
                     "invitation");
}

Status insert_api_key(Tx& tx, const ApiKeyRow& key) {
  return done(tx.exec("INSERT INTO api_keys (" + std::string(kApiKeyColumns) +
                          ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                      {key.id, key.workspace_id, key.name, key.prefix, key.secret_hash, key.scopes,
                       key.created_by, key.created_at, or_null(key.expires_at),
                       or_null(key.last_used_at), or_null(key.revoked_at)}));
}

Result<std::optional<ApiKeyRow>> find_api_key_by_secret_hash(Tx& tx, std::string_view hash) {
  auto rows =
      tx.query("SELECT " + std::string(kApiKeyColumns) + " FROM api_keys WHERE secret_hash = $1",
               {std::string(hash)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<ApiKeyRow>{};
  return std::optional<ApiKeyRow>(api_key_from(rows->front()));
}

Result<std::vector<ApiKeyRow>> list_api_keys(Tx& tx, std::string_view workspace_id) {
  auto rows = tx.query("SELECT " + std::string(kApiKeyColumns) +
                           " FROM api_keys WHERE workspace_id = $1 ORDER BY created_at, id",
                       {std::string(workspace_id)});
  if (!rows) return rows.error();
  std::vector<ApiKeyRow> out;
  for (const Row& row : *rows) out.push_back(api_key_from(row));
  return out;
}

Status revoke_api_key(Tx& tx, std::string_view workspace_id, std::string_view key_id, int64_t at) {
  return changed_one(
      tx.exec("UPDATE api_keys SET revoked_at = $3 WHERE workspace_id = $1 AND id = $2 AND "
              "revoked_at IS NULL",
              {std::string(workspace_id), std::string(key_id), at}),
      "API key");
}

Status touch_api_key(Tx& tx, std::string_view key_id, int64_t at) {
  return done(
      tx.exec("UPDATE api_keys SET last_used_at = $2 WHERE id = $1", {std::string(key_id), at}));
}

}  // namespace parley
