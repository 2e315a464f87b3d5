// A user's role in a workspace, for the authenticator's check of every workspace route.
#pragma once

#include <optional>
#include <string>

#include "store/store.h"

namespace parley {

// The role, or nothing when the user is not a member (or the workspace does not exist).
Result<std::optional<std::string>> member_role(Store& store, std::string_view workspace_id,
                                               std::string_view user_id);

}  // namespace parley
