// `parley keys rotate-master`: a new master key for the keyring, with the server stopped.
#pragma once

#include "core/config.h"

namespace parley {
int run_rotate_master(const Config& config);
}
