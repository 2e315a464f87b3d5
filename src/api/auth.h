// The one authorization chokepoint: turns a request's credentials (session cookie, or
// `Authorization: Bearer pk_...`) into a Principal and checks them against the route's
// declared Access: role or scope in the route's workspace, CSRF and Origin for cookie
// requests that change state. Another workspace's ids answer 404, never 403.
#pragma once

#include <string>

#include "accounts/account_service.h"
#include "accounts/api_key_service.h"
#include "http/server.h"

namespace parley {

struct AuthDeps {
  AccountService& accounts;
  ApiKeyService& keys;
  Store& store;
  std::string public_url;  // its origin is accepted for cookie requests besides the Host's
};

Authenticator make_authenticator(AuthDeps deps);

// The session cookie: `__Host-parley_session` (Secure, as browsers require for that prefix)
// when the request came over TLS or to a loopback host, else `parley_session`. HttpOnly,
// SameSite=Lax, Path=/. max_age_seconds 0 deletes it.
std::string session_cookie(const Request& request, std::string_view token, int64_t max_age_seconds);
// The session token from the request's cookies, or empty.
std::string session_token_from(const Request& request);

}  // namespace parley
