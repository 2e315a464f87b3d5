// The keyring: data encryption keys (one per owner: a workspace, a data subject), each
// wrapped by the master key, kept in a file beside (never inside) the database. Sealing
// personal data with an owner's key, and destroying that key, is how erasure reaches
// every copy, backups included. Called by the Store's sealed columns and by `parley keys`.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"

namespace parley {

// Where a sealed value lives; bound into the ciphertext as additional data so a value
// copied to another row, column or table no longer opens.
struct SealContext {
  std::string_view table;
  std::string_view column;
  std::string_view row_id;
};

class Keyring {
 public:
  // Opens (or, when `path` does not exist, creates) the keyring file at `path`.
  // `master_key` is the raw 32-byte master key. An existing keyring opened with another
  // master key is refused with a message that says which key is expected; `key_hint` says
  // where the user gives that key, e.g. "PARLEY_MASTER_KEY, or the key file /x/master.key".
  // One Keyring per file at a time (a flock on `path`.lock): a second open, from this
  // process or another, fails (unavailable), since a rewrite by one would lose the other's
  // appends.
  static Result<std::unique_ptr<Keyring>> open(const std::filesystem::path& path,
                                               const std::vector<uint8_t>& master_key,
                                               std::string_view key_hint = {});
  ~Keyring();

  // Creates the owner's data key if it has none. Idempotent. Owner ids are 1-255 bytes.
  Status ensure_key(std::string_view owner_id);
  bool has_key(std::string_view owner_id) const;
  // Destroys the owner's data key: everything sealed with it becomes unreadable for good.
  // Succeeds when the owner has no key, so replaying an erasure ledger is harmless.
  Status destroy_key(std::string_view owner_id);

  // XChaCha20-Poly1305 with the owner's data key; additional data binds the context.
  // Creates the owner's key on first use.
  Result<std::vector<uint8_t>> seal(std::string_view owner_id, const SealContext& where,
                                    std::string_view plaintext);
  // Fails (not_found) when the key was destroyed, (invalid_argument) when the ciphertext
  // was altered or moved to another table, column or row.
  Result<std::string> open(std::string_view owner_id, const SealContext& where,
                           const std::vector<uint8_t>& sealed) const;

  // Rewraps every data key with a new master key; data sealed before stays readable.
  Status rotate_master(const std::vector<uint8_t>& new_master_key);

  size_t key_count() const;

 private:
  struct Impl;
  explicit Keyring(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The master key: from PARLEY_MASTER_KEY (base64 of 32 bytes) when set, else from the key
// file, which is created (0600, random) only when neither it nor the keyring exists yet.
// The key file holds the same text as the variable (base64 of 32 bytes, surrounding
// whitespace ignored), so a key moves between the two by copy and paste; a key file that
// group or others may read is refused.
Result<std::vector<uint8_t>> load_master_key(std::optional<std::string> env_value_base64,
                                             const std::filesystem::path& key_file,
                                             const std::filesystem::path& keyring_path);

}  // namespace parley
