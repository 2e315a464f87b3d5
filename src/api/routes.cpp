#include "api/routes.h"

namespace parley {

void add_api_routes(Router& router, const ApiDeps& deps) { add_health_routes(router, deps.health); }

}  // namespace parley
