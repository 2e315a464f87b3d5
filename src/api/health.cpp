#include "api/health.h"

#include <boost/json.hpp>

#include "store/store.h"

namespace parley {

void add_health_routes(Router& router, HealthDeps deps) {
  const RouteOptions inline_public{Access::public_route(), BodyKind::none, /*blocking=*/false};

  router.add("GET", "/healthz", inline_public,
             [](Request&) { return body_response(200, "application/json", R"({"status":"ok"})"); });

  // Reaches the store, so it runs on the worker pool like any handler that may wait.
  RouteOptions blocking_public = inline_public;
  blocking_public.blocking = true;
  router.add("GET", "/readyz", blocking_public, [deps](Request&) {
    if (deps.draining()) {
      return error_response(503, "draining", "the server is shutting down");
    }
    if (auto status = deps.store.ping(); !status) {
      return error_response(503, "store_unavailable", "the store does not answer");
    }
    return json_response(200, boost::json::object{{"status", "ready"},
                                                  {"store", deps.store.backend_name()},
                                                  {"schema_version", deps.store.schema_version()}});
  });

  router.add("GET", "/metrics", inline_public, [deps](Request&) {
    return body_response(200, "text/plain; version=0.0.4", deps.metrics.render());
  });
}

}  // namespace parley
