// Workspace roles and API key scopes, and how they rank: the one place that says who may
// do what. Read by the authenticator and the workspace services.
#pragma once

#include <string>
#include <string_view>

namespace parley {

// owner > admin > agent > viewer; 0 for an unknown role.
int role_rank(std::string_view role);
bool is_role(std::string_view role);
// At least `minimum`: an admin satisfies "agent", a viewer does not.
bool role_at_least(std::string_view role, std::string_view minimum);

// Scopes: read, write, chat, admin. "admin" grants every scope; "write" grants "read".
bool is_scope(std::string_view scope);
bool scopes_grant(std::string_view scopes, std::string_view needed);  // space-separated list

}  // namespace parley
