// A matched route run for one request once it has arrived whole: the authenticator when
// the route is not public, the JSON body checked and parsed when the route takes one, then
// the handler. An exception in the authenticator or the handler becomes a 500 that names
// the request id; the log line says where, never what the request held. Called by the
// server, on the network thread or the worker pool.
#pragma once

#include <functional>
#include <optional>

#include "core/log.h"
#include "http/router.h"

namespace parley {

// Decides whether a request may reach a route that is not public: returns a denial
// (401/403/404) or nothing to let it through. Accounts provide the real one.
using Authenticator = std::function<std::optional<Response>(const Route&, Request&)>;

Response call_route(const Route& route, Request& request, const Authenticator& authenticator,
                    Log& log);

// An error the server makes for a request to the route, in the route's shape.
Response shaped_for(const RouteOptions& options, Response error);

}  // namespace parley
