#include "core/keyring.h"

#include <sodium.h>
#include <sys/stat.h>

#include <cstring>

#include "core/keyring_format.h"
#include "core/keyring_impl.h"
#include "core/sodium.h"

namespace parley {
namespace fs = std::filesystem;
using keyring_internal::bytes_of;
using keyring_internal::KeyringLock;
using keyring_internal::kKeyBytes;
using keyring_internal::kMaxOwnerBytes;
using keyring_internal::kNonceBytes;
using keyring_internal::kTagBytes;
using keyring_internal::open_sealed;
using keyring_internal::secret_alloc;

namespace {

std::string seal_ad(const SealContext& where) {
  std::string ad;
  ad.reserve(where.table.size() + where.column.size() + where.row_id.size() + 2);
  ad.append(where.table).push_back('\0');
  ad.append(where.column).push_back('\0');
  ad.append(where.row_id);
  return ad;
}

Result<std::string> open_with(const uint8_t* key, const SealContext& where,
                              const std::vector<uint8_t>& sealed) {
  if (sealed.size() < kNonceBytes + kTagBytes) {
    return make_error(ErrorCode::invalid_argument, "the sealed value is too short");
  }
  std::string plain(sealed.size() - kNonceBytes - kTagBytes, '\0');
  std::string_view sealed_view(reinterpret_cast<const char*>(sealed.data()), sealed.size());
  if (!open_sealed(reinterpret_cast<uint8_t*>(plain.data()), sealed_view, key, seal_ad(where))) {
    return make_error(ErrorCode::invalid_argument,
                      "the sealed value does not open here: altered, or moved from another "
                      "table, column or row");
  }
  return plain;
}

}  // namespace

Keyring::Keyring(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Keyring::~Keyring() = default;

Result<std::unique_ptr<Keyring>> Keyring::open(const fs::path& path,
                                               const std::vector<uint8_t>& master_key,
                                               std::string_view key_hint) {
  ensure_sodium();
  if (master_key.size() != kKeyBytes) {
    return make_error(ErrorCode::invalid_argument, "the master key must be 32 bytes (got " +
                                                       std::to_string(master_key.size()) + ")");
  }
  auto lock = KeyringLock::open(path);
  if (!lock) return lock.error();
  auto impl = std::make_unique<Impl>(path, std::string(key_hint), std::move(lock).value());
  std::memcpy(impl->master.get(), master_key.data(), kKeyBytes);

  std::lock_guard file_lock(impl->file_mutex);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return keyring_internal::io_error("could not stat", path);
    auto held = impl->lock.hold(/*exclusive=*/true);
    if (!held) return held.error();
    if (Status s = impl->create_if_missing(); !s) return s.error();
  }
  if (Status s = impl->sync(Impl::Sync::refresh); !s) return s.error();
  return std::unique_ptr<Keyring>(new Keyring(std::move(impl)));
}

Status Keyring::ensure_key(std::string_view owner_id) {
  if (owner_id.empty() || owner_id.size() > kMaxOwnerBytes) {
    return make_error(
        ErrorCode::invalid_argument,
        "a key owner id must be 1 to 255 bytes long (got " + std::to_string(owner_id.size()) + ")");
  }
  if (Status s = impl_->current(); !s) return s;
  if (impl_->cached(owner_id)) return ok_status();
  return impl_->create_in_group(owner_id);
}

bool Keyring::has_key(std::string_view owner_id) const {
  auto known = impl_->look_up(owner_id);
  return known.ok() && *known;
}

Status Keyring::destroy_key(std::string_view owner_id) {
  std::lock_guard file_lock(impl_->file_mutex);
  auto held = impl_->lock.hold(/*exclusive=*/true);
  if (!held) return held.error();
  // Catch up first: the rewrite must keep the keys others appended.
  if (Status s = impl_->sync(Impl::Sync::write); !s) return s;
  if (!impl_->cached(owner_id)) return ok_status();
  return impl_->rewrite(owner_id, nullptr);
}

Result<std::vector<uint8_t>> Keyring::seal(std::string_view owner_id, const SealContext& where,
                                           std::string_view plaintext) {
  // Twice: a destroy_key racing between ensure_key and the seal removes the fresh key.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (Status s = impl_->current(); !s) return s.error();
    {
      std::shared_lock lock(impl_->keys_mutex);
      if (const uint8_t* key = impl_->keys.find(owner_id)) {
        std::string ad = seal_ad(where);
        std::vector<uint8_t> out(kNonceBytes + plaintext.size() + kTagBytes);
        randombytes_buf(out.data(), kNonceBytes);
        crypto_aead_xchacha20poly1305_ietf_encrypt(
            out.data() + kNonceBytes, nullptr, bytes_of(plaintext), plaintext.size(), bytes_of(ad),
            ad.size(), nullptr, out.data(), key);
        return out;
      }
    }
    if (Status s = ensure_key(owner_id); !s) return s.error();
  }
  return make_error(ErrorCode::not_found,
                    "the key of " + std::string(owner_id) + " was destroyed while sealing");
}

Result<std::string> Keyring::open(std::string_view owner_id, const SealContext& where,
                                  const std::vector<uint8_t>& sealed) const {
  if (Status s = impl_->current(); !s) return s.error();
  {
    std::shared_lock lock(impl_->keys_mutex);
    if (const uint8_t* key = impl_->keys.find(owner_id)) return open_with(key, where, sealed);
  }
  // A miss: the key may be one another process made since this one last read the file.
  if (Status s = impl_->catch_up(); !s) return s.error();
  std::shared_lock lock(impl_->keys_mutex);
  if (const uint8_t* key = impl_->keys.find(owner_id)) return open_with(key, where, sealed);
  return make_error(ErrorCode::not_found,
                    "no key for " + std::string(owner_id) + ": it was destroyed or never made");
}

namespace {

// A 32-byte subkey of `key` for one purpose, so that one data key never serves two uses.
void derive_subkey(uint8_t out[32], const uint8_t* key, std::string_view purpose) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, key, kKeyBytes, 32);
  crypto_generichash_update(&state, bytes_of(purpose), purpose.size());
  crypto_generichash_final(&state, out, 32);
}

}  // namespace

Result<std::vector<uint8_t>> Keyring::mac(std::string_view owner_id, std::string_view purpose,
                                          std::string_view data) {
  if (Status s = ensure_key(owner_id); !s) return s.error();
  std::shared_lock lock(impl_->keys_mutex);
  const uint8_t* key = impl_->keys.find(owner_id);
  if (key == nullptr) return make_error(ErrorCode::not_found, "the key was destroyed");
  uint8_t subkey[32];
  derive_subkey(subkey, key, std::string("mac:") + std::string(purpose));
  std::vector<uint8_t> out(crypto_auth_hmacsha256_BYTES);
  crypto_auth_hmacsha256(out.data(), bytes_of(data), data.size(), subkey);
  sodium_memzero(subkey, sizeof subkey);
  return out;
}

Result<std::vector<uint8_t>> Keyring::sign(std::string_view owner_id, std::string_view message) {
  if (Status s = ensure_key(owner_id); !s) return s.error();
  std::shared_lock lock(impl_->keys_mutex);
  const uint8_t* key = impl_->keys.find(owner_id);
  if (key == nullptr) return make_error(ErrorCode::not_found, "the key was destroyed");
  uint8_t seed[crypto_sign_SEEDBYTES];
  uint8_t public_key[crypto_sign_PUBLICKEYBYTES];
  auto secret_key = secret_alloc(crypto_sign_SECRETKEYBYTES);
  derive_subkey(seed, key, "sign:ed25519");
  crypto_sign_seed_keypair(public_key, secret_key.get(), seed);
  sodium_memzero(seed, sizeof seed);
  std::vector<uint8_t> signature(crypto_sign_BYTES);
  crypto_sign_detached(signature.data(), nullptr, bytes_of(message), message.size(),
                       secret_key.get());
  return signature;
}

Result<std::vector<uint8_t>> Keyring::public_signing_key(std::string_view owner_id) {
  if (Status s = ensure_key(owner_id); !s) return s.error();
  std::shared_lock lock(impl_->keys_mutex);
  const uint8_t* key = impl_->keys.find(owner_id);
  if (key == nullptr) return make_error(ErrorCode::not_found, "the key was destroyed");
  uint8_t seed[crypto_sign_SEEDBYTES];
  std::vector<uint8_t> public_key(crypto_sign_PUBLICKEYBYTES);
  auto secret_key = secret_alloc(crypto_sign_SECRETKEYBYTES);
  derive_subkey(seed, key, "sign:ed25519");
  crypto_sign_seed_keypair(public_key.data(), secret_key.get(), seed);
  sodium_memzero(seed, sizeof seed);
  return public_key;
}

Status Keyring::rotate_master(const std::vector<uint8_t>& new_master_key) {
  if (new_master_key.size() != kKeyBytes) {
    return make_error(ErrorCode::invalid_argument, "the new master key must be 32 bytes (got " +
                                                       std::to_string(new_master_key.size()) + ")");
  }
  auto next = secret_alloc(kKeyBytes);
  std::memcpy(next.get(), new_master_key.data(), kKeyBytes);
  std::lock_guard file_lock(impl_->file_mutex);
  auto held = impl_->lock.hold(/*exclusive=*/true);
  if (!held) return held.error();
  // Catch up first: every key in the file must be rewrapped, others' appends included.
  if (Status s = impl_->sync(Impl::Sync::write); !s) return s;
  return impl_->rewrite({}, std::move(next));
}

size_t Keyring::key_count() const {
  (void)impl_->catch_up();  // on failure: the keys this process can still use
  std::shared_lock lock(impl_->keys_mutex);
  return impl_->keys.size();
}

}  // namespace parley
