// Every route of the HTTP API, registered in one place so that the server, the OpenAPI
// check and the authorization sweep all see the same list.
#pragma once

#include "api/health.h"
#include "http/router.h"

namespace parley {

struct ApiDeps {
  HealthDeps health;
};

void add_api_routes(Router& router, const ApiDeps& deps);

}  // namespace parley
