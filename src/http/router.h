// Maps method + path to a handler. Every route declares who may call it (Access) and what
// body it takes; the server enforces both before the handler runs.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"
#include "http/response.h"

namespace parley {

// Who may call a route. Access has no default: a route cannot exist without saying.
enum class AuthKind {
  none,      // public: health checks, metrics, signup, login
  user,      // any signed-in account holder (session cookie)
  member,    // a member of the route's workspace ({ws_id}): a session with at least
             // min_role there, or (when key_scope is set) an API key of that workspace
             // with that scope
  platform,  // the platform operator (session)
  widget,    // a bot's public id, checked against its allowed origins
  api_key,   // an API key with key_scope, acting in its own workspace: for routes whose
             // path names no workspace (the OpenAI-compatible /v1 API); sessions are refused
};

struct Access {
  static Access public_route() { return Access(AuthKind::none, "", ""); }
  static Access signed_in() { return Access(AuthKind::user, "", ""); }
  // min_role: owner | admin | agent | viewer. key_scope: read | write | chat | admin, or
  // empty when API keys may not call the route.
  static Access member(std::string min_role, std::string key_scope) {
    return Access(AuthKind::member, std::move(min_role), std::move(key_scope));
  }
  static Access platform_operator() { return Access(AuthKind::platform, "", ""); }
  // key_scope: read | write | chat | admin. The route finds its objects in the key's
  // workspace, so another workspace's ids are unknown to it (404).
  static Access api_key(std::string key_scope) {
    return Access(AuthKind::api_key, "", std::move(key_scope));
  }

  AuthKind kind;
  std::string min_role;
  std::string key_scope;

 private:
  Access(AuthKind kind, std::string min_role, std::string key_scope)
      : kind(kind), min_role(std::move(min_role)), key_scope(std::move(key_scope)) {}
};

// json: parsed before the handler runs (415/400 otherwise); any: raw bytes (uploads).
enum class BodyKind { none, json, any };

// How a route's error bodies are shaped for its clients: Parley's
// {"error":{"code","message"}} as they are made, or reshaped, as the OpenAI-compatible
// routes do into OpenAI's {"error":{"message","type","param","code"}}, which their clients
// read. Applied to every error the server makes for the route (the authenticator's
// denials, 401, 408, 413, 415, invalid JSON, 500); the handler writes its own.
using ErrorShaper = Response (*)(Response parley_error);

struct RouteOptions {
  Access access;  // required: RouteOptions has no default either
  BodyKind body = BodyKind::none;
  // Handlers that may wait (store writes, outbound calls) run on the worker pool; cheap,
  // non-blocking ones (health, metrics) run inline on the network thread.
  bool blocking = true;
  // The largest body the route takes; 0: server.max_body_bytes. Uploads set more.
  int64_t max_body_bytes = 0;
  ErrorShaper shape_errors = nullptr;  // nullptr: Parley's shape
};

using Handler = std::function<Response(Request&)>;

struct Route {
  std::string method;
  std::string pattern;  // "/api/v1/bots/{bot_id}/sources"
  RouteOptions options;
  Handler handler;
  std::vector<std::string> segments;  // the pattern split on '/'
};

class Router {
 public:
  void add(std::string method, std::string pattern, RouteOptions options, Handler handler);

  struct Match {
    const Route* route = nullptr;  // null: no route for this method
    std::vector<std::pair<std::string, std::string>> params;
    std::string allow;  // when the path exists under other methods: "GET, POST"
  };
  // route == nullptr && allow.empty(): 404; route == nullptr && !allow.empty(): 405.
  Match match(std::string_view method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace parley
