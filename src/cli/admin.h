// `parley admin bootstrap`: a verified owner, a workspace and an admin API key, printed as
// JSON, for operators, scripts and the demo.
#pragma once

#include <string>

#include "core/config.h"

namespace parley {

struct BootstrapRequest {
  std::string email;
  std::string password;
  std::string workspace;
};

int run_admin_bootstrap(const Config& config, const BootstrapRequest& request);

}  // namespace parley
