// The one authorization chokepoint: turns a request's credentials (session cookie, or
// `Authorization: Bearer pk_...`) into a Principal and checks them against the route's
// declared Access: role or scope in the route's workspace, CSRF and Origin for cookie
// requests that change state. Another workspace's ids answer 404, never 403.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "accounts/account_service.h"
#include "accounts/api_key_service.h"
#include "chat/chat_service.h"
#include "http/server.h"
#include "kb/bot_service.h"

namespace parley {

// A member route names its workspace directly ({ws_id}) or through an object it owns
// ({bot_id}); each such object says how to find its workspace. Unknown ids answer 404.
using WorkspaceOf = std::function<Result<std::optional<std::string>>(std::string_view id)>;
struct TenantParam {
  std::string param;      // "bot_id"
  std::string id_prefix;  // "bot": a malformed id names nothing
  WorkspaceOf workspace_of;
};

struct AuthDeps {
  AccountService& accounts;
  ApiKeyService& keys;
  Store& store;
  std::string public_url;  // its origin is accepted for cookie requests besides the Host's
  std::vector<TenantParam> tenant_params;
};

Authenticator make_authenticator(AuthDeps deps);

// The objects routes name in place of their workspace: bots ({bot_id}), conversations
// ({conversation_id}).
// A bot's workspace comes from its loaded search index when it has one (no read).
std::vector<TenantParam> tenant_params(BotService& bots, SearchService& search, ChatService& chat);

// The session cookie: `__Host-parley_session` (Secure, as browsers require for that prefix)
// when the request came over TLS or to a loopback host, else `parley_session`. HttpOnly,
// SameSite=Lax, Path=/. max_age_seconds 0 deletes it.
std::string session_cookie(const Request& request, std::string_view token, int64_t max_age_seconds);
// The session token from the request's cookies, or empty.
std::string session_token_from(const Request& request);

}  // namespace parley
