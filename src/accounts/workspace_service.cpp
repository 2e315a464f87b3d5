#include "accounts/workspace_service.h"

#include <sodium.h>

#include "accounts/role_rules.h"
#include "accounts/roles.h"
#include "core/ids.h"
#include "store/audit_repo.h"
#include "store/users_repo.h"
#include "store/workspaces_repo.h"

namespace parley {
namespace {

constexpr size_t kMaxNameBytes = 200;
constexpr int kMaxPage = 100;

SealContext name_field(const std::string& workspace_id) {
  return {"workspaces", "name_sealed", workspace_id};
}

Status check_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) {
    return make_error(ErrorCode::invalid_argument, "name: give a name of 1 to 200 bytes");
  }
  return ok_status();
}

Error no_workspace() { return make_error(ErrorCode::not_found, "no such workspace"); }
Error no_member() {
  return make_error(ErrorCode::not_found, "that user is not a member of this workspace");
}
Error forbidden(std::string message) {
  return make_error(ErrorCode::forbidden, std::move(message));
}

}  // namespace

Result<std::string> WorkspaceService::role_of(Tx& tx, std::string_view workspace_id,
                                              const Actor& actor) {
  if (actor.is_api_key) return actor.role;
  auto membership = find_membership(tx, workspace_id, actor.id);
  if (!membership) return membership.error();
  if (!*membership) return no_workspace();  // not a member: the workspace is not theirs to see
  return (*membership)->role;
}

Status WorkspaceService::audit(Tx& tx, std::string_view workspace_id, const Actor& actor,
                               std::string_view action, std::string_view target_id) {
  return append_audit_entry(tx,
                            {std::string(workspace_id), actor.id, std::string(action),
                             std::string(target_id), ip_pseudonym(ctx_.keyring, actor.ip)},
                            ctx_.keyring, ctx_.clock);
}

Result<Bytes> WorkspaceService::seal_name(std::string_view workspace_id, std::string_view name) {
  const std::string id(workspace_id);
  return ctx_.keyring.seal(id, name_field(id), name);
}

Result<std::string> WorkspaceService::open_name(const std::string& workspace_id,
                                                const Bytes& sealed) {
  return ctx_.keyring.open(workspace_id, name_field(workspace_id), sealed);
}

Result<std::string> WorkspaceService::email_lookup_hash(std::string_view normalized_email) {
  // The same keyed hash as AccountService::email_hash, so an invitation matches the account.
  auto mac = ctx_.keyring.mac("server", "email", normalized_email);
  if (!mac) return mac.error();
  std::string out(mac->size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), mac->data(), mac->size());
  out.pop_back();
  return out;
}

Result<WorkspaceView> WorkspaceService::create(std::string_view user_id, std::string_view name,
                                               std::string_view ip) {
  if (auto s = check_name(name); !s) return s.error();
  WorkspaceView made{new_id("ws", ctx_.clock), std::string(name), ctx_.clock.now_ms()};
  auto sealed = seal_name(made.id, name);
  if (!sealed) return sealed.error();
  const Actor creator = Actor::user(std::string(user_id), std::string(ip));
  Status written = ctx_.store.db().write([&](Tx& tx) -> Status {
    if (auto s = insert_workspace(tx, {made.id, *sealed, made.created_at}); !s) return s;
    if (auto s = insert_membership(tx, {made.id, creator.id, "owner", made.created_at}); !s) {
      return s;
    }
    return audit(tx, made.id, creator, "workspace.created", made.id);
  });
  if (!written) {
    (void)ctx_.keyring.destroy_key(made.id);  // best effort: nothing stored uses it
    return written.error();
  }
  return made;
}

Result<std::vector<UserWorkspace>> WorkspaceService::list_for_user(std::string_view user_id) {
  std::vector<std::pair<WorkspaceRow, std::string>> rows;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    auto found = list_user_workspaces(tx, user_id);
    if (!found) return found.error();
    rows = std::move(*found);
    return ok_status();
  });
  if (!read) return read.error();
  std::vector<UserWorkspace> out;
  for (auto& [row, role] : rows) {
    auto name = open_name(row.id, row.name_sealed);
    if (!name) return name.error();
    out.push_back({{row.id, std::move(*name), row.created_at}, std::move(role)});
  }
  return out;
}

Result<WorkspaceView> WorkspaceService::get(std::string_view workspace_id) {
  std::optional<WorkspaceRow> row;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    auto found = find_workspace(tx, workspace_id);
    if (!found) return found.error();
    row = std::move(*found);
    return ok_status();
  });
  if (!read) return read.error();
  if (!row) return no_workspace();
  auto name = open_name(row->id, row->name_sealed);
  if (!name) return name.error();
  return WorkspaceView{row->id, std::move(*name), row->created_at};
}

Result<WorkspaceView> WorkspaceService::rename(std::string_view workspace_id, std::string_view name,
                                               const Actor& actor) {
  if (auto s = check_name(name); !s) return s.error();
  auto sealed = seal_name(workspace_id, name);
  if (!sealed) return sealed.error();
  Status written = ctx_.store.db().write([&](Tx& tx) -> Status {
    auto role = role_of(tx, workspace_id, actor);
    if (!role) return role.error();
    if (!role_at_least(*role, "admin")) {
      return forbidden("only the workspace's owner or an admin can rename it");
    }
    if (auto s = rename_workspace(tx, workspace_id, *sealed); !s) return s;
    return audit(tx, workspace_id, actor, "workspace.renamed", workspace_id);
  });
  if (!written) return written.error();
  return get(workspace_id);
}

Status WorkspaceService::remove(std::string_view workspace_id, const Actor& actor) {
  std::vector<std::string> invitation_ids;
  Status written = ctx_.store.db().write([&](Tx& tx) -> Status {
    invitation_ids.clear();
    auto role = role_of(tx, workspace_id, actor);
    if (!role) return role.error();
    if (actor.is_api_key || *role != "owner") {
      return forbidden("only the workspace's owner can delete it");
    }
    // Accepted invitations had their keys destroyed already; open ones (expired or not)
    // still hold a sealed address.
    auto open = list_open_invitations(tx, workspace_id, 0);
    if (!open) return open.error();
    for (const auto& invitation : *open) invitation_ids.push_back(invitation.id);
    if (auto s = audit(tx, workspace_id, actor, "workspace.deleted", workspace_id); !s) return s;
    return delete_workspace(tx, workspace_id);
  });
  if (!written) return written;
  // Only after the commit: a rolled-back delete must leave the data readable.
  if (auto s = ctx_.keyring.destroy_key(workspace_id); !s) {
    return make_error(
        ErrorCode::internal,
        "the workspace was deleted but its data key could not be destroyed: " + s.error().message);
  }
  for (const auto& id : invitation_ids) {
    if (auto s = ctx_.keyring.destroy_key(id); !s) return s;
  }
  removed_(std::string(workspace_id));
  return ok_status();
}

Result<std::vector<MemberView>> WorkspaceService::members(std::string_view workspace_id) {
  std::vector<std::pair<MembershipRow, UserRow>> rows;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    auto memberships = list_memberships(tx, workspace_id);
    if (!memberships) return memberships.error();
    for (auto& membership : *memberships) {
      auto user = find_user(tx, membership.user_id);
      if (!user) return user.error();
      if (*user) rows.emplace_back(std::move(membership), std::move(**user));
    }
    return ok_status();
  });
  if (!read) return read.error();
  std::vector<MemberView> out;
  for (auto& [membership, user] : rows) {
    auto email = ctx_.keyring.open(user.id, {"users", "email_sealed", user.id}, user.email_sealed);
    if (!email) return email.error();
    out.push_back({user.id, std::move(*email), membership.role, membership.created_at});
  }
  return out;
}

Result<MemberView> WorkspaceService::change_role(std::string_view workspace_id, const Actor& actor,
                                                 std::string_view target_user_id,
                                                 std::string_view new_role) {
  Status written = ctx_.store.db().write([&](Tx& tx) -> Status {
    auto role = role_of(tx, workspace_id, actor);
    if (!role) return role.error();
    auto target = find_membership(tx, workspace_id, target_user_id);
    if (!target) return target.error();
    if (!*target) return no_member();
    if (auto s = check_role_grant(*role, new_role); !s) return s;
    if (auto s = check_member_management(*role, (*target)->role); !s) return s;
    if ((*target)->role == new_role) return ok_status();
    if (auto s = set_member_role(tx, workspace_id, target_user_id, new_role); !s) return s;
    return audit(tx, workspace_id, actor, "member.role_changed", target_user_id);
  });
  if (!written) return written.error();
  auto all = members(workspace_id);
  if (!all) return all.error();
  for (auto& member : *all) {
    if (member.user_id == target_user_id) return std::move(member);
  }
  return no_member();  // removed in the meantime
}

Status WorkspaceService::remove_member(std::string_view workspace_id, const Actor& actor,
                                       std::string_view target_user_id) {
  if (!actor.is_api_key && actor.id == target_user_id) {
    return leave(workspace_id, actor.id, actor.ip);
  }
  return ctx_.store.db().write([&](Tx& tx) -> Status {
    auto role = role_of(tx, workspace_id, actor);
    if (!role) return role.error();
    auto target = find_membership(tx, workspace_id, target_user_id);
    if (!target) return target.error();
    if (!*target) return no_member();
    if (auto s = check_member_management(*role, (*target)->role); !s) return s;
    if (auto s = delete_membership(tx, workspace_id, target_user_id); !s) return s;
    return audit(tx, workspace_id, actor, "member.removed", target_user_id);
  });
}

Status WorkspaceService::leave(std::string_view workspace_id, std::string_view user_id,
                               std::string_view ip) {
  const Actor self = Actor::user(std::string(user_id), std::string(ip));
  return ctx_.store.db().write([&](Tx& tx) -> Status {
    auto role = role_of(tx, workspace_id, self);
    if (!role) return role.error();
    if (*role == "owner") {
      return forbidden("the owner cannot leave the workspace: transfer ownership first");
    }
    if (auto s = delete_membership(tx, workspace_id, user_id); !s) return s;
    return audit(tx, workspace_id, self, "member.left", user_id);
  });
}

Status WorkspaceService::transfer_ownership(std::string_view workspace_id, const Actor& owner,
                                            std::string_view target_user_id) {
  return ctx_.store.db().write([&](Tx& tx) -> Status {
    auto role = role_of(tx, workspace_id, owner);
    if (!role) return role.error();
    if (owner.is_api_key || *role != "owner") {
      return forbidden("only the workspace's owner can transfer ownership");
    }
    if (owner.id == target_user_id) {
      return make_error(ErrorCode::invalid_argument, "user_id: you are the owner already");
    }
    auto target = find_membership(tx, workspace_id, target_user_id);
    if (!target) return target.error();
    if (!*target) return no_member();
    if (auto s = set_member_role(tx, workspace_id, target_user_id, "owner"); !s) return s;
    if (auto s = set_member_role(tx, workspace_id, owner.id, "admin"); !s) return s;
    return audit(tx, workspace_id, owner, "workspace.ownership_transferred", target_user_id);
  });
}

Result<WorkspacePage> WorkspaceService::list_all(std::string_view cursor, int limit) {
  if (limit < 1 || limit > kMaxPage) {
    return make_error(ErrorCode::invalid_argument, "limit: a whole number from 1 to 100");
  }
  if (!cursor.empty() && !is_valid_id(cursor, "ws")) {
    return make_error(ErrorCode::invalid_argument,
                      "cursor: pass the next_cursor of the previous page");
  }
  std::vector<WorkspaceRow> rows;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    auto found = list_all_workspaces(tx, cursor, limit + 1);
    if (!found) return found.error();
    rows = std::move(*found);
    return ok_status();
  });
  if (!read) return read.error();
  WorkspacePage page;
  for (size_t i = 0; i < rows.size() && i < static_cast<size_t>(limit); ++i) {
    page.workspaces.push_back({rows[i].id, "", rows[i].created_at});
  }
  if (rows.size() > static_cast<size_t>(limit)) page.next_cursor = page.workspaces.back().id;
  return page;
}

}  // namespace parley
