// Workspace API keys: created with scopes and an optional expiry, the secret shown once
// (`pk_...`) and stored hashed, listed by prefix and last use, revoked. Called by the
// HTTP API and by the authenticator for `Authorization: Bearer`. A key that authenticated
// is remembered (by its secret's hash) for a second, so a busy integration's calls do not
// each read it: a revocation here takes effect at once, one on another node (or the key's
// workspace deleted) within that second.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "accounts/account_service.h"
#include "store/workspaces_repo.h"

namespace parley {

struct NewApiKey {
  std::string name;
  std::vector<std::string> scopes;
  std::optional<int64_t> expires_at;  // ms since the epoch
};

struct CreatedApiKey {
  ApiKeyRow key;
  std::string secret;  // "pk_...": returned once, never stored
};

class ApiKeyService {
 public:
  explicit ApiKeyService(AccountsContext context) : ctx_(std::move(context)) {}

  Result<CreatedApiKey> create(std::string_view workspace_id, const NewApiKey& request,
                               std::string_view actor_id, std::string_view ip);
  Result<std::vector<ApiKeyRow>> list(std::string_view workspace_id);
  Status revoke(std::string_view workspace_id, std::string_view key_id, std::string_view actor_id,
                std::string_view ip);
  // The live key behind a bearer secret; unauthenticated when unknown, revoked or expired.
  Result<ApiKeyRow> authenticate(std::string_view secret);

 private:
  struct Remembered {
    ApiKeyRow key;
    int64_t read_at = 0;
    uint64_t revocations = 0;  // revocations_ before it was read
  };
  // A key read less than a second ago, into `out`; forgets older ones. When there is none,
  // `out` is left ready for a read made now (the revocations counted so far).
  bool remembered(const std::string& hash, int64_t now, Remembered& out);
  void remember(const std::string& hash, Remembered key);

  AccountsContext ctx_;
  std::mutex mutex_;                                        // guards the two members below
  std::unordered_map<std::string, Remembered> remembered_;  // by secret hash
  uint64_t revocations_ = 0;
};

}  // namespace parley
