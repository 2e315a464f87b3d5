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

// Who may call a route. Authentication itself arrives with accounts; the declaration is
// required from the start so that no route exists without one.
enum class AuthKind {
  none,     // public: health checks, metrics, signup, login
  session,  // a dashboard session cookie (+ CSRF on state changes)
  key,      // Authorization: Bearer workspace API key
  widget,   // a bot's public id, checked against its allowed origins
};

// No default: a route cannot exist without saying who may call it.
struct Access {
  Access(AuthKind kind, std::string min_role) : kind(kind), min_role(std::move(min_role)) {}
  AuthKind kind;
  std::string min_role;  // "owner", "admin", "agent", "viewer", or a key scope; empty for none
};

enum class BodyKind { none, json, any };

struct RouteOptions {
  Access access;  // required: RouteOptions has no default either
  BodyKind body = BodyKind::none;
  // Handlers that may wait (store writes, outbound calls) run on the worker pool; cheap,
  // non-blocking ones (health, metrics) run inline on the network thread.
  bool blocking = true;
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
