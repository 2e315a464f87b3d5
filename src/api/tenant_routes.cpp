#include "api/tenant_routes.h"

#include <charconv>

#include "accounts/roles.h"
#include "core/ids.h"

namespace parley {

Actor actor_of(const Request& request) {
  const Principal& principal = request.principal;
  if (!principal.api_key_id.empty()) {
    return Actor::api_key(principal.api_key_id,
                          scopes_grant(principal.scopes, "admin") ? "admin" : "viewer",
                          request.remote_ip);
  }
  return Actor::user(principal.user_id, request.remote_ip);
}

std::optional<std::string> path_id(const Request& request, std::string_view name,
                                   std::string_view prefix) {
  std::string_view id = request.param(name);
  if (!is_valid_id(id, prefix)) return std::nullopt;
  return std::string(id);
}

Response not_found_response() { return error_response(404, "not_found", "no such resource"); }

Response no_content_response() { return body_response(204, "application/json", ""); }

Result<int> page_limit(const Request& request, int fallback) {
  std::string text = request.query_param("limit");
  if (text.empty()) return fallback;
  int limit = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), limit);
  if (error != std::errc() || end != text.data() + text.size() || limit < 1 || limit > 100) {
    return make_error(ErrorCode::invalid_argument, "limit: a whole number from 1 to 100");
  }
  return limit;
}

}  // namespace parley
