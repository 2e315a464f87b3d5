// For tests that look at the whole route table (OpenAPI, access declarations): every
// route registered as the server registers them, on a throwaway store and keyring.
#pragma once

#include <filesystem>
#include <memory>

#include "api/routes.h"
#include "core/keyring.h"
#include "store/store.h"
#include "tests/support/parley_process.h"

namespace parley {

class FullRouter {
 public:
  FullRouter() : dir_(testing::make_temp_dir("full_router")) {
    store_ = Store::open({dir_, "", 1}, clock_).value();
    keyring_ = Keyring::open(dir_ / "keyring", std::vector<uint8_t>(32, 1)).value();
    auth_.argon2_ops = 1;
    auth_.argon2_mem_kib = 8;
    AccountsContext context{*store_, *keyring_, clock_, auth_};
    accounts_ = std::make_unique<AccountService>(context);
    keys_ = std::make_unique<ApiKeyService>(context);
    workspaces_ = std::make_unique<WorkspaceService>(context);
    add_api_routes(
        router_,
        {{*store_, metrics_, [] { return false; }}, context, *accounts_, *keys_, *workspaces_});
  }
  ~FullRouter() {
    router_ = Router();
    workspaces_.reset();
    keys_.reset();
    accounts_.reset();
    keyring_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  const std::vector<Route>& routes() const { return router_.routes(); }

 private:
  std::filesystem::path dir_;
  SystemClock clock_;
  AuthConfig auth_;
  Metrics metrics_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Keyring> keyring_;
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<ApiKeyService> keys_;
  std::unique_ptr<WorkspaceService> workspaces_;
  Router router_;
};

}  // namespace parley
