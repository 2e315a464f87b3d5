// GET /healthz (the process answers), GET /readyz (it can serve: store reachable, not
// draining) and GET /metrics (Prometheus text). Public by design: they carry no data.
#pragma once

#include <functional>

#include "http/metrics.h"
#include "http/router.h"

namespace parley {

class Store;

struct HealthDeps {
  Store& store;
  const Metrics& metrics;
  std::function<bool()> draining;
};

void add_health_routes(Router& router, HealthDeps deps);

}  // namespace parley
