// `parley serve`: opens the runtime, wires the routes and serves until a signal drains it.
#pragma once

#include "core/config.h"

namespace parley {
int run_serve(const Config& config);
}
