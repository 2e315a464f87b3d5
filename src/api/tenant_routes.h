// What the workspace-scoped route files (workspaces, members, invitations, keys, audit)
// share: who the caller acts as, ids taken from the path, paging parameters.
#pragma once

#include <optional>
#include <string>

#include "accounts/workspace_service.h"
#include "http/request.h"
#include "http/response.h"

namespace parley {

// The caller as the workspace service sees it: a signed-in user, or an API key that acts
// as an admin when it has the admin scope (as a viewer otherwise).
Actor actor_of(const Request& request);

// A path id of the expected type ("usr", "inv", "key"), or nullopt: a malformed id names
// nothing, so the route answers 404 as for an unknown one.
std::optional<std::string> path_id(const Request& request, std::string_view name,
                                   std::string_view prefix);
Response not_found_response();
Response no_content_response();

// ?limit=: 1-100, `fallback` when absent; invalid_argument otherwise.
Result<int> page_limit(const Request& request, int fallback = 50);

}  // namespace parley
