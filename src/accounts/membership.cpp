#include "accounts/membership.h"

#include "store/workspaces_repo.h"

namespace parley {

Result<std::optional<std::string>> member_role(Store& store, std::string_view workspace_id,
                                               std::string_view user_id) {
  std::optional<std::string> role;
  Status read = store.db().read([&](Tx& tx) -> Status {
    auto membership = find_membership(tx, workspace_id, user_id);
    if (!membership) return membership.error();
    if (*membership) role = (*membership)->role;
    return ok_status();
  });
  if (!read) return read.error();
  return role;
}

}  // namespace parley
