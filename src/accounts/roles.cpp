#include "accounts/roles.h"

namespace parley {

int role_rank(std::string_view role) {
  if (role == "owner") return 4;
  if (role == "admin") return 3;
  if (role == "agent") return 2;
  if (role == "viewer") return 1;
  return 0;
}

bool is_role(std::string_view role) { return role_rank(role) > 0; }

bool role_at_least(std::string_view role, std::string_view minimum) {
  return role_rank(role) > 0 && role_rank(role) >= role_rank(minimum);
}

bool is_scope(std::string_view scope) {
  return scope == "read" || scope == "write" || scope == "chat" || scope == "admin";
}

bool scopes_grant(std::string_view scopes, std::string_view needed) {
  while (!scopes.empty()) {
    auto space = scopes.find(' ');
    std::string_view scope = scopes.substr(0, space);
    scopes = space == std::string_view::npos ? std::string_view{} : scopes.substr(space + 1);
    if (scope == needed || scope == "admin" || (scope == "write" && needed == "read")) {
      return true;
    }
  }
  return false;
}

}  // namespace parley
