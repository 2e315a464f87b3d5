#include "cli/admin.h"

#include <boost/json.hpp>
#include <cstdio>

#include "accounts/account_service.h"
#include "accounts/api_key_service.h"
#include "cli/runtime.h"

namespace parley {

int run_admin_bootstrap(const Config& config, const BootstrapRequest& request) {
  auto runtime = open_runtime(config, DataDirUse::shared);
  if (!runtime) {
    std::fprintf(stderr, "parley: %s\n", runtime.error().message.c_str());
    return 1;
  }
  Runtime& rt = **runtime;
  AccountsContext context{*rt.store, *rt.keyring, rt.clock, config.auth};
  AccountService accounts(context);
  ApiKeyService keys(context);
  // The first account on a server runs it: it is the platform operator.
  auto made = accounts.create_verified_owner(request.email, request.password, request.workspace,
                                             /*is_operator=*/true);
  if (!made) {
    std::fprintf(stderr, "parley: %s\n", made.error().message.c_str());
    return 1;
  }
  auto key =
      keys.create(made->workspace_id, {"bootstrap", {"admin"}, std::nullopt}, made->user_id, "");
  if (!key) {
    std::fprintf(stderr, "parley: %s\n", key.error().message.c_str());
    return 1;
  }
  boost::json::object out{
      {"user_id", made->user_id}, {"workspace_id", made->workspace_id}, {"api_key", key->secret}};
  std::printf("%s\n", boost::json::serialize(out).c_str());
  return 0;
}

}  // namespace parley
