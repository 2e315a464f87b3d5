#include "accounts/api_key_service.h"

#include <algorithm>

#include "accounts/roles.h"
#include "core/ids.h"
#include "store/audit_repo.h"

namespace parley {
namespace {

constexpr std::string_view kSecretPrefix = "pk_";
constexpr size_t kShownPrefixChars = 10;  // "pk_" and 7 characters: enough to tell keys apart
constexpr int64_t kTouchEvery = 60 * 1000;
constexpr int64_t kRememberFor = 1000;
constexpr size_t kRememberAtMost = 10000;

}  // namespace

Result<CreatedApiKey> ApiKeyService::create(std::string_view workspace_id, const NewApiKey& request,
                                            std::string_view actor_id, std::string_view ip) {
  if (request.name.empty() || request.name.size() > 100) {
    return make_error(ErrorCode::invalid_argument, "name: give the key a name of 1 to 100 bytes");
  }
  if (request.scopes.empty()) {
    return make_error(ErrorCode::invalid_argument,
                      "scopes: give at least one of read, write, chat, admin");
  }
  std::vector<std::string> scopes = request.scopes;
  std::sort(scopes.begin(), scopes.end());
  scopes.erase(std::unique(scopes.begin(), scopes.end()), scopes.end());
  std::string joined;
  for (const auto& scope : scopes) {
    if (!is_scope(scope)) {
      return make_error(ErrorCode::invalid_argument,
                        "scopes: \"" + scope + "\" is not one of read, write, chat, admin");
    }
    joined += (joined.empty() ? "" : " ") + scope;
  }
  const int64_t now = ctx_.clock.now_ms();
  if (request.expires_at && *request.expires_at <= now) {
    return make_error(ErrorCode::invalid_argument, "expires_at: must be in the future");
  }
  CreatedApiKey created;
  created.secret = std::string(kSecretPrefix) + random_token();
  created.key = {new_id("key", ctx_.clock),
                 std::string(workspace_id),
                 request.name,
                 created.secret.substr(0, kShownPrefixChars),
                 secret_hash(created.secret),
                 joined,
                 std::string(actor_id),
                 now,
                 request.expires_at,
                 std::nullopt,
                 std::nullopt};
  const std::string ip_hash = ip_pseudonym(ctx_.keyring, ip);
  Status written = ctx_.store.db().write([&](Tx& tx) -> Status {
    if (auto s = insert_api_key(tx, created.key); !s) return s;
    return append_audit_entry(tx,
                              {std::string(workspace_id), std::string(actor_id), "api_key.created",
                               created.key.id, ip_hash},
                              ctx_.keyring, ctx_.clock);
  });
  if (!written) return written.error();
  return created;
}

Result<std::vector<ApiKeyRow>> ApiKeyService::list(std::string_view workspace_id) {
  std::vector<ApiKeyRow> keys;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    auto rows = list_api_keys(tx, workspace_id);
    if (!rows) return rows.error();
    keys = std::move(*rows);
    return ok_status();
  });
  if (!read) return read.error();
  return keys;
}

Status ApiKeyService::revoke(std::string_view workspace_id, std::string_view key_id,
                             std::string_view actor_id, std::string_view ip) {
  const std::string ip_hash = ip_pseudonym(ctx_.keyring, ip);
  Status revoked = ctx_.store.db().write([&](Tx& tx) -> Status {
    if (auto s = revoke_api_key(tx, workspace_id, key_id, ctx_.clock.now_ms()); !s) return s;
    return append_audit_entry(tx,
                              {std::string(workspace_id), std::string(actor_id), "api_key.revoked",
                               std::string(key_id), ip_hash},
                              ctx_.keyring, ctx_.clock);
  });
  if (revoked) {
    std::lock_guard lock(mutex_);
    ++revocations_;
    std::erase_if(remembered_, [&](const auto& entry) { return entry.second.key.id == key_id; });
  }
  return revoked;
}

bool ApiKeyService::remembered(const std::string& hash, int64_t now, Remembered& out) {
  std::lock_guard lock(mutex_);
  out = {{}, now, revocations_};
  auto found = remembered_.find(hash);
  if (found == remembered_.end()) return false;
  if (now - found->second.read_at >= kRememberFor || now < found->second.read_at) {
    remembered_.erase(found);
    return false;
  }
  out = found->second;
  return true;
}

void ApiKeyService::remember(const std::string& hash, Remembered key) {
  std::lock_guard lock(mutex_);
  // Read before a revocation here: it may be the revoked key as it was.
  if (key.revocations != revocations_) return;
  if (remembered_.size() >= kRememberAtMost) remembered_.clear();
  remembered_[hash] = std::move(key);
}

Result<ApiKeyRow> ApiKeyService::authenticate(std::string_view secret) {
  auto refused = make_error(ErrorCode::unauthenticated,
                            "this API key is not valid: it may be revoked or expired");
  if (secret.substr(0, kSecretPrefix.size()) != kSecretPrefix) return refused;
  const std::string hash = secret_hash(secret);
  const int64_t now = ctx_.clock.now_ms();
  std::optional<ApiKeyRow> key;
  Remembered known;
  const bool from_memory = remembered(hash, now, known);
  if (from_memory) {
    key = known.key;
  } else {
    auto found =
        read_one(ctx_.store.db(), [&](Tx& tx) { return find_api_key_by_secret_hash(tx, hash); });
    if (!found) return found.error();
    key = std::move(*found);
  }
  if (!key || key->revoked_at || (key->expires_at && *key->expires_at <= now)) return refused;
  const bool touch = !key->last_used_at || now - *key->last_used_at >= kTouchEvery;
  if (touch) {
    Status touched =
        ctx_.store.db().write([&](Tx& tx) -> Status { return touch_api_key(tx, key->id, now); });
    if (!touched) return touched.error();
    key->last_used_at = now;
  }
  if (!from_memory || touch) {
    known.key = *key;
    remember(hash, std::move(known));
  }
  return *key;
}

}  // namespace parley
