#include "accounts/role_rules.h"

#include <string>

#include "accounts/roles.h"

namespace parley {
namespace {

Error forbidden(std::string message) {
  return make_error(ErrorCode::forbidden, std::move(message));
}

Status check_manager(std::string_view actor_role) {
  if (!role_at_least(actor_role, "admin")) {
    return forbidden("only the workspace's owner or an admin can manage members");
  }
  return ok_status();
}

}  // namespace

Status check_role_grant(std::string_view actor_role, std::string_view new_role) {
  if (!is_role(new_role)) {
    return make_error(ErrorCode::invalid_argument,
                      "role: must be one of owner, admin, agent, viewer");
  }
  if (new_role == "owner") {
    return forbidden(
        "nobody becomes owner by a role change or an invitation: the owner transfers ownership "
        "(POST /api/v1/workspaces/{ws_id}/transfer)");
  }
  if (auto s = check_manager(actor_role); !s) return s;
  if (new_role == "admin" && actor_role != "owner") {
    return forbidden("only the owner can grant the admin role");
  }
  return ok_status();
}

Status check_member_management(std::string_view actor_role, std::string_view target_role) {
  if (target_role == "owner") {
    return forbidden(
        "the owner cannot be removed and keeps the owner role until they transfer ownership");
  }
  if (auto s = check_manager(actor_role); !s) return s;
  if (target_role == "admin" && actor_role != "owner") {
    return forbidden("only the owner can take away the admin role or remove an admin");
  }
  return ok_status();
}

}  // namespace parley
