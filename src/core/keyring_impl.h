// The state behind a Keyring: its keys in memory, and how they follow a file that other
// processes (and other Keyring objects) append to and rewrite. Internal to the keyring
// (keyring*.cpp); the rules it keeps are in keyring.h.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "core/keyring.h"
#include "core/keyring_io.h"
#include "core/keyring_keys.h"
#include "core/keyring_lock.h"

namespace parley {
namespace keyring_internal {

// Which file a path named when we looked: a rewrite puts a new one in place.
struct FileId {
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator==(const FileId&) const = default;
};

}  // namespace keyring_internal

struct Keyring::Impl {
  using FileId = keyring_internal::FileId;
  // No generation ever equals it: the keys must be checked against the file on every call.
  static constexpr uint64_t kCheckAlways = ~uint64_t{0};

  Impl(std::filesystem::path path, std::string key_hint, keyring_internal::KeyringLock lock)
      : path(std::move(path)), key_hint(std::move(key_hint)), lock(std::move(lock)) {}

  const std::filesystem::path path;
  const std::string key_hint;
  keyring_internal::KeyringLock lock;

  // The file as last read, and the master key. Taken before keys_mutex, and by writers
  // before the flock, so that one Keyring's threads never share a hold on the flock.
  std::mutex file_mutex;
  keyring_internal::Fd file_fd;  // O_APPEND: appends land at the end of what was read
  FileId file_id;
  size_t read_offset = 0;  // bytes of whole records read; a torn tail starts here
  bool loaded = false;
  keyring_internal::SecretBytes master =
      keyring_internal::secret_alloc(keyring_internal::kKeyBytes);
  // Set when the file in place no longer opens with `master` (rotated elsewhere): every
  // call fails with it until the file changes again.
  std::optional<Error> unusable;
  FileId unusable_file;
  // The rewrite count (KeyringLock::generation) when the keys were last known to match the
  // file; odd only while this Keyring itself rewrites.
  std::atomic<uint64_t> seen_generation{kCheckAlways};

  mutable std::shared_mutex keys_mutex;  // seal/open share it; adding or removing a key not
  keyring_internal::KeyTable keys;

  // Key creation commits in groups (keyring_create.cpp): callers queue here; the first in
  // line writes the records of everyone queued with one append and one fdatasync, then
  // wakes them. Taken before file_mutex, and never held while waiting for it.
  struct PendingKey {
    std::string_view owner;
    Status result = ok_status();
    bool done = false;
  };
  std::mutex group_mutex;
  std::condition_variable group_done;
  std::deque<PendingKey*> group_queue;
  // Queues the owner's key creation and waits until its group is durable (or failed).
  Status create_in_group(std::string_view owner);
  // Creates the key of every owner in `group` that has none (in the file or in memory) in
  // one durable append, and sets each one's result. Takes file_mutex and the flock.
  void create_keys(const std::vector<PendingKey*>& group);

  // On every call, before using a cached key: one load from the shared counter while no
  // other process rewrote the file; otherwise a sync(refresh) first.
  Status current() {
    if (lock.generation() == seen_generation.load(std::memory_order_relaxed)) [[likely]] {
      return ok_status();
    }
    return refresh();
  }
  // Whether the file has the owner's key: on a miss, after a catch_up.
  Result<bool> look_up(std::string_view owner);
  bool cached(std::string_view owner) const;
  // Reads what other processes appended (and reloads the file if it was replaced).
  Status catch_up();

  enum class Sync {
    refresh,   // reload the file if it was replaced
    catch_up,  // and read the records appended since the last read
    write,     // the caller holds the exclusive flock: and cut off a dead writer's torn tail
  };
  // The caller holds file_mutex.
  Status sync(Sync how);
  // The caller holds the file_mutex and the exclusive flock.
  Status create_if_missing();
  // The caller holds the file_mutex and the exclusive flock, after a sync(write).
  Status append(std::string_view record);
  // Writes the file anew without `skip_owner`'s key (dropped from memory too), wrapped under
  // `new_master` when given (then adopted) or the current master.
  Status rewrite(std::string_view skip_owner, keyring_internal::SecretBytes new_master);

 private:
  Status refresh();
  Status sync_once(Sync how);
  Status reload();
  Status read_appended(bool writer);
  Status forget(Error why);
};

}  // namespace parley
