// Who may give which role to whom, and who may remove whom: the rules the workspace
// service checks before every membership change. Nobody becomes owner except by a
// transfer; only the owner grants, takes away or removes "admin"; admins manage agents
// and viewers; the owner is never removed.
#pragma once

#include <string_view>

#include "core/result.h"

namespace parley {

// May `actor_role` give someone the role `new_role` (by invitation or role change)?
// invalid_argument for an unknown role, forbidden with the reason otherwise.
Status check_role_grant(std::string_view actor_role, std::string_view new_role);

// May `actor_role` change the role of, or remove, a member whose role is `target_role`?
Status check_member_management(std::string_view actor_role, std::string_view target_role);

}  // namespace parley
