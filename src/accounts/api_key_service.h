// Workspace API keys: created with scopes and an optional expiry, the secret shown once
// (`pk_...`) and stored hashed, listed by prefix and last use, revoked. Called by the
// HTTP API and by the authenticator for `Authorization: Bearer`.
#pragma once

#include <optional>
#include <string>
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
  AccountsContext ctx_;
};

}  // namespace parley
