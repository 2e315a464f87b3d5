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

// Sharing: any number of Keyrings may have one file open at once, in one process or in
// several (`parley serve` beside `parley admin bootstrap`, `parley audit verify`...):
// - Reading takes no lock. A change takes an exclusive flock on `path`.lock for as long as
//   it lasts: an append (a new key) or a rewrite (destroy_key, rotate_master), each after
//   reading what the others appended, so that no one's key is lost and no owner gets two.
//   A reader takes a last record still being written for one not there yet; only a writer,
//   holding the lock, cuts off such a tail, since only then is its writer known to be gone.
// - Keys made elsewhere: a call for an owner this Keyring holds no key for (seal, open,
//   has_key, mac, sign...) first reads the records appended since its last read (a stat
//   and a read: about a microsecond). Calls for keys it holds make no system call.
// - Rewrites elsewhere: each counts itself in `path`.lock, which every Keyring maps; every
//   call compares that count with the one its keys were loaded at (one memory load) and,
//   when it moved, reloads the file first. So a key destroyed elsewhere is unusable here
//   from the next call on; only a call already past that check when the rewrite lands
//   finishes with the key it had. A reload costs what open does (some microseconds a key)
//   and holds this Keyring's calls meanwhile. (A rewriter that dies between its rename and
//   its second count leaves every call to stat the file until the next change repairs it.)
// - A rotate_master elsewhere leaves this Keyring with a master key that no longer opens the
//   file: from its next call on, every call fails (unavailable) saying to restart with the
//   new key. It neither appends records the others cannot read nor goes on with keys whose
//   destruction it could no longer see. (`parley keys rotate-master` runs only while no
//   server runs, under the data directory's lock.)
// - `path`.lock must stay in place while any process has the keyring open.
class Keyring {
 public:
  // Opens (or, when `path` does not exist, creates) the keyring file at `path`.
  // `master_key` is the raw 32-byte master key. An existing keyring opened with another
  // master key is refused with a message that says which key is expected; `key_hint` says
  // where the user gives that key, e.g. "PARLEY_MASTER_KEY, or the key file /x/master.key".
  static Result<std::unique_ptr<Keyring>> open(const std::filesystem::path& path,
                                               const std::vector<uint8_t>& master_key,
                                               std::string_view key_hint = {});
  ~Keyring();

  // Creates the owner's data key if it has none (here or in the file). Idempotent. Owner ids
  // are 1-255 bytes.
  Status ensure_key(std::string_view owner_id);
  // False also when this process can no longer read the keyring (rotated elsewhere); the
  // calls that return errors say why.
  bool has_key(std::string_view owner_id) const;
  // Destroys the owner's data key: everything sealed with it becomes unreadable for good,
  // in every process from its next call on. Succeeds when the owner has no key, so
  // replaying an erasure ledger is harmless.
  Status destroy_key(std::string_view owner_id);

  // XChaCha20-Poly1305 with the owner's data key; additional data binds the context.
  // Creates the owner's key on first use.
  Result<std::vector<uint8_t>> seal(std::string_view owner_id, const SealContext& where,
                                    std::string_view plaintext);
  // Fails (not_found) when the key was destroyed, (invalid_argument) when the ciphertext
  // was altered or moved to another table, column or row.
  Result<std::string> open(std::string_view owner_id, const SealContext& where,
                           const std::vector<uint8_t>& sealed) const;

  // A keyed hash (HMAC-SHA-256 under a subkey of the owner's key, one per `purpose`): for
  // lookups by email and for pseudonymous ids (hashed IPs) that must not be reversible
  // without the keyring. Creates the owner's key on first use.
  Result<std::vector<uint8_t>> mac(std::string_view owner_id, std::string_view purpose,
                                   std::string_view data);

  // Ed25519 with a key pair derived from the owner's key: for signed audit checkpoints.
  Result<std::vector<uint8_t>> sign(std::string_view owner_id, std::string_view message);
  Result<std::vector<uint8_t>> public_signing_key(std::string_view owner_id);

  // Rewraps every data key in the file, others' included, with a new master key; data sealed
  // before stays readable. Other processes must restart with the new key.
  Status rotate_master(const std::vector<uint8_t>& new_master_key);

  // The keys in the file (this process's, when the file cannot be read).
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
