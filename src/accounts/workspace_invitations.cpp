// The WorkspaceService's invitations: an admin invites an address with a role, the
// invitee gets a mailed single-use token, and accepts it while signed in with that same
// address. The address is sealed with the invitation's own key, destroyed once the
// invitation is accepted or revoked.
#include "accounts/credentials.h"
#include "accounts/role_rules.h"
#include "accounts/roles.h"
#include "accounts/workspace_service.h"
#include "core/ids.h"
#include "store/outbox_repo.h"
#include "store/users_repo.h"
#include "store/workspaces_repo.h"

namespace parley {
namespace {

constexpr int64_t kDay = 24 * 3600 * 1000;

SealContext invitation_email_field(const std::string& invitation_id) {
  return {"invitations", "email_sealed", invitation_id};
}

Error invitation_error(std::string message) {
  return make_error(ErrorCode::invalid_argument, std::move(message));
}

}  // namespace

Result<InvitationView> WorkspaceService::invite(std::string_view workspace_id,
                                                std::string_view email_input, std::string_view role,
                                                const Actor& actor) {
  auto email = normalize_email(email_input);
  if (!email) return email.error();
  if (!is_role(role)) {
    return make_error(ErrorCode::invalid_argument, "role: must be one of admin, agent, viewer");
  }
  auto lookup = email_lookup_hash(*email);
  if (!lookup) return lookup.error();
  auto workspace = get(workspace_id);
  if (!workspace) return workspace.error();

  const int64_t now = ctx_.clock.now_ms();
  const std::string token = random_token();
  InvitationView made{new_id("inv", ctx_.clock),
                      std::string(workspace_id),
                      *email,
                      std::string(role),
                      actor.id,
                      now,
                      now + int64_t{ctx_.config.invitation_days} * kDay};
  auto email_sealed = ctx_.keyring.seal(made.id, invitation_email_field(made.id), *email);
  if (!email_sealed) return email_sealed.error();
  const std::string days = std::to_string(ctx_.config.invitation_days);
  const OutgoingMail mail{
      made.id, *email, "You are invited to join " + workspace->name + " on Parley",
      "You are invited to join the workspace \"" + workspace->name + "\" on Parley as " +
          made.role + ". To accept, sign in (or sign up) with this email address and open:\n\n" +
          ctx_.config.public_url + "/accept-invitation?token=" + token +
          "\n\nOr, signed in, send this token to POST /api/v1/invitations/accept: " + token +
          "\n\nThe invitation works once, for " + days +
          " days. If you did not expect it, ignore this mail.",
      "invitation"};

  std::vector<std::string> replaced;
  Status written = ctx_.store.db().write([&](Tx& tx) -> Status {
    replaced.clear();
    auto actor_role = role_of(tx, workspace_id, actor);
    if (!actor_role) return actor_role.error();
    if (auto s = check_role_grant(*actor_role, role); !s) return s;
    auto user = find_user_by_email_hash(tx, *lookup);
    if (!user) return user.error();
    if (*user) {
      auto membership = find_membership(tx, workspace_id, (*user)->id);
      if (!membership) return membership.error();
      if (*membership) {
        return make_error(ErrorCode::conflict, "that person is already a member of this workspace");
      }
    }
    // A new invitation to the same address replaces the open one.
    auto open = list_open_invitations(tx, workspace_id, now);
    if (!open) return open.error();
    for (const auto& previous : *open) {
      if (previous.email_hash != *lookup) continue;
      if (auto s = delete_invitation(tx, workspace_id, previous.id); !s) return s;
      replaced.push_back(previous.id);
    }
    if (auto s = insert_invitation(
            tx, {made.id, made.workspace_id, *lookup, *email_sealed, made.role, secret_hash(token),
                 made.invited_by, now, made.expires_at, std::nullopt});
        !s) {
      return s;
    }
    auto mailed = enqueue_mail(tx, mail, ctx_.keyring, ctx_.clock);
    if (!mailed) return mailed.error();
    return audit(tx, workspace_id, actor, "member.invited", made.id);
  });
  if (!written) {
    (void)ctx_.keyring.destroy_key(made.id);  // best effort: nothing stored uses it
    return written.error();
  }
  // Best effort after the commit: the invitation is done either way, and a key left behind
  // only keeps an address the rows no longer point to.
  for (const auto& id : replaced) (void)ctx_.keyring.destroy_key(id);
  ctx_.mail_queued();
  return made;
}

Result<std::vector<InvitationView>> WorkspaceService::list_invitations(
    std::string_view workspace_id) {
  std::vector<InvitationRow> rows;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    auto open = list_open_invitations(tx, workspace_id, ctx_.clock.now_ms());
    if (!open) return open.error();
    rows = std::move(*open);
    return ok_status();
  });
  if (!read) return read.error();
  std::vector<InvitationView> out;
  for (auto& row : rows) {
    auto email = ctx_.keyring.open(row.id, invitation_email_field(row.id), row.email_sealed);
    if (!email) return email.error();
    out.push_back({row.id, row.workspace_id, std::move(*email), row.role, row.invited_by,
                   row.created_at, row.expires_at});
  }
  return out;
}

Status WorkspaceService::revoke_invitation(std::string_view workspace_id,
                                           std::string_view invitation_id, const Actor& actor) {
  Status written = ctx_.store.db().write([&](Tx& tx) -> Status {
    auto role = role_of(tx, workspace_id, actor);
    if (!role) return role.error();
    if (!role_at_least(*role, "admin")) {
      return make_error(ErrorCode::forbidden,
                        "only the workspace's owner or an admin can revoke invitations");
    }
    // Scoped by workspace: another workspace's invitation is "no such invitation".
    if (auto s = delete_invitation(tx, workspace_id, invitation_id); !s) return s;
    return audit(tx, workspace_id, actor, "invitation.revoked", invitation_id);
  });
  if (!written) return written;
  // The address goes with the key; a mail still queued for it can no longer be sent.
  return ctx_.keyring.destroy_key(invitation_id);
}

Result<UserWorkspace> WorkspaceService::accept_invitation(std::string_view token,
                                                          std::string_view user_id,
                                                          std::string_view ip) {
  const int64_t now = ctx_.clock.now_ms();
  const Actor self = Actor::user(std::string(user_id), std::string(ip));
  std::optional<InvitationRow> accepted;
  Status written = ctx_.store.db().write([&](Tx& tx) -> Status {
    accepted.reset();
    auto found = find_invitation_by_token_hash(tx, secret_hash(token));
    if (!found) return found.error();
    if (!*found) {
      return invitation_error(
          "this invitation is not valid: it may have been revoked or replaced by a newer one; "
          "ask the workspace's admin for a new one");
    }
    const InvitationRow& invitation = **found;
    if (invitation.accepted_at) return invitation_error("this invitation was already used");
    if (invitation.expires_at <= now) {
      return invitation_error(
          "this invitation has expired; ask the workspace's admin for a new one");
    }
    auto user = find_user(tx, user_id);
    if (!user) return user.error();
    if (!*user || !constant_time_equal((*user)->email_hash, invitation.email_hash)) {
      return make_error(ErrorCode::forbidden,
                        "this invitation was sent to another email address: sign in with that "
                        "address to accept it");
    }
    auto membership = find_membership(tx, invitation.workspace_id, user_id);
    if (!membership) return membership.error();
    if (*membership) {
      return make_error(ErrorCode::conflict, "you are already a member of this workspace");
    }
    if (auto s = insert_membership(
            tx, {invitation.workspace_id, std::string(user_id), invitation.role, now});
        !s) {
      return s;
    }
    if (auto s = parley::accept_invitation(tx, invitation.id, now); !s) return s;
    accepted = invitation;
    return audit(tx, invitation.workspace_id, self, "member.joined", user_id);
  });
  if (!written) return written.error();
  // The address is no longer needed: the member's own account holds it. Best effort: the
  // member has joined whatever happens to the key.
  (void)ctx_.keyring.destroy_key(accepted->id);
  auto workspace = get(accepted->workspace_id);
  if (!workspace) return workspace.error();
  return UserWorkspace{std::move(*workspace), accepted->role};
}

}  // namespace parley
