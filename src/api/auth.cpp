#include "api/auth.h"

#include "accounts/membership.h"
#include "accounts/roles.h"
#include "accounts/secrets.h"
#include "core/ids.h"

namespace parley {
namespace {

constexpr std::string_view kSecureCookie = "__Host-parley_session";
constexpr std::string_view kPlainCookie = "parley_session";

bool changes_state(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

std::string_view host_without_port(std::string_view host) {
  if (!host.empty() && host.front() == '[') return host.substr(0, host.find(']') + 1);
  return host.substr(0, host.find(':'));
}

bool secure_context(const Request& request) {
  if (request.header("x-forwarded-proto") == "https") return true;
  std::string_view host = host_without_port(request.header("host"));
  return host == "localhost" || host == "127.0.0.1" || host == "[::1]";
}

std::string origin_of(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  auto path = url.find('/', scheme + 3);
  return std::string(url.substr(0, path));
}

Response not_found() { return error_response(404, "not_found", "no such resource"); }

Response forbidden(std::string message) {
  return error_response(403, "forbidden", std::move(message));
}

// An API key let into its own workspace once the route's workspace is known to be it (or
// the route has none but the key's, AuthKind::api_key): the scope is what is left to check.
std::optional<Response> admit_key(const Access& access, const ApiKeyRow& key,
                                  Principal& principal) {
  if (access.key_scope.empty()) {
    return forbidden("API keys cannot call this route; sign in to the dashboard instead");
  }
  if (!scopes_grant(key.scopes, access.key_scope)) {
    return forbidden("this API key lacks the \"" + access.key_scope + "\" scope");
  }
  principal.api_key_id = key.id;
  principal.workspace_id = key.workspace_id;
  principal.scopes = key.scopes;
  return std::nullopt;
}

// The workspace a member route acts in: {ws_id} itself, or the owner of the object the
// path names. Nothing (so: 404) for a malformed or unknown id.
Result<std::optional<std::string>> route_workspace(const AuthDeps& deps, const Request& request) {
  std::string_view workspace_id = request.param("ws_id");
  if (!workspace_id.empty()) {
    if (!is_valid_id(workspace_id, "ws")) return std::optional<std::string>{};
    return std::optional<std::string>(std::string(workspace_id));
  }
  for (const TenantParam& tenant : deps.tenant_params) {
    std::string_view id = request.param(tenant.param);
    if (id.empty()) continue;
    if (!is_valid_id(id, tenant.id_prefix)) return std::optional<std::string>{};
    return tenant.workspace_of(id);
  }
  return std::optional<std::string>{};
}

}  // namespace

std::string session_token_from(const Request& request) {
  std::string_view cookies = request.header("cookie");
  std::string found;
  while (!cookies.empty()) {
    auto semicolon = cookies.find(';');
    std::string_view pair = cookies.substr(0, semicolon);
    cookies =
        semicolon == std::string_view::npos ? std::string_view{} : cookies.substr(semicolon + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = pair.substr(0, eq);
    if (name == kSecureCookie || (name == kPlainCookie && found.empty())) {
      found = std::string(pair.substr(eq + 1));
    }
  }
  return found;
}

std::string session_cookie(const Request& request, std::string_view token,
                           int64_t max_age_seconds) {
  bool secure = secure_context(request);
  std::string cookie(secure ? kSecureCookie : kPlainCookie);
  cookie += "=" + std::string(token) +
            "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age_seconds);
  if (secure) cookie += "; Secure";
  return cookie;
}

Authenticator make_authenticator(AuthDeps deps) {
  return [deps](const Route& route, Request& request) -> std::optional<Response> {
    const Access& access = route.options.access;
    std::string_view authorization = request.header("authorization");
    Principal& principal = request.principal;

    if (authorization.substr(0, 7) == "Bearer ") {
      auto key = deps.keys.authenticate(authorization.substr(7));
      if (!key) return error_response(key.error());
      if (access.kind == AuthKind::api_key) return admit_key(access, *key, principal);
      if (access.kind != AuthKind::member) {
        return forbidden("API keys cannot call this route; sign in to the dashboard instead");
      }
      // Another workspace's ids answer 404 before anything else is said about them.
      auto workspace = route_workspace(deps, request);
      if (!workspace) return error_response(workspace.error());
      if (!*workspace || key->workspace_id != **workspace) return not_found();
      return admit_key(access, *key, principal);
    }
    if (access.kind == AuthKind::api_key) {
      // The key's workspace is the route's: a session, which may belong to several, has none.
      return error_response(401, "unauthenticated",
                            "send an API key with the \"" + access.key_scope +
                                "\" scope as Authorization: Bearer pk_...");
    }

    std::string token = session_token_from(request);
    if (token.empty()) {
      return error_response(401, "unauthenticated",
                            "sign in first, or send an API key as Authorization: Bearer pk_...");
    }
    auto active = deps.accounts.authenticate(token);
    if (!active) return error_response(active.error());
    principal.user_id = active->user.id;
    principal.session_id = active->session.id;
    principal.csrf_token = deps.accounts.csrf_token(active->session.id);
    principal.is_operator = active->user.is_operator;

    if (changes_state(request.method)) {
      // Cookies ride along on cross-site requests: a change needs our own page's Origin
      // and the session's CSRF token, which another site cannot read.
      std::string origin(request.header("origin"));
      std::string host(request.header("host"));
      bool same_origin =
          !origin.empty() && (origin == "http://" + host || origin == "https://" + host ||
                              origin == origin_of(deps.public_url));
      if (!same_origin) return forbidden("cross-site request refused: the Origin is not ours");
      if (!constant_time_equal(request.header("x-csrf-token"), principal.csrf_token)) {
        return forbidden("missing or wrong X-CSRF-Token header");
      }
    }

    switch (access.kind) {
      case AuthKind::none:
      case AuthKind::user:
        return std::nullopt;
      case AuthKind::platform:
        if (!principal.is_operator) return forbidden("only the platform operator may do this");
        return std::nullopt;
      case AuthKind::widget:
        return forbidden("this route is for the chat widget");
      case AuthKind::api_key:  // refused above: keys only
        return forbidden("this route takes an API key");
      case AuthKind::member: {
        auto workspace = route_workspace(deps, request);
        if (!workspace) return error_response(workspace.error());
        if (!*workspace) return not_found();
        const std::string& workspace_id = **workspace;
        auto role = member_role(deps.store, workspace_id, principal.user_id);
        if (!role) return error_response(role.error());
        if (!*role) return not_found();  // another workspace's id reveals nothing
        if (!role_at_least(**role, access.min_role)) {
          return forbidden("this needs the " + access.min_role + " role in this workspace");
        }
        principal.workspace_id = workspace_id;
        principal.role = **role;
        return std::nullopt;
      }
    }
    return forbidden("access denied");
  };
}

std::vector<TenantParam> tenant_params(BotService& bots, SearchService& search, ChatService& chat) {
  return {
      {"bot_id", "bot",
       [&bots, &search](std::string_view id) -> Result<std::optional<std::string>> {
         if (auto loaded = search.loaded_workspace(std::string(id))) return loaded;
         return bots.workspace_of(id);
       }},
      {"conversation_id", "cnv", [&chat](std::string_view id) { return chat.workspace_of(id); }}};
}

}  // namespace parley
