// The keyring's lock file `<keyring>.lock`, shared by every process that opens the keyring:
// an flock that writers hold while they change the keyring file, and a rewrite counter each
// process maps so that it notices another's rewrite without a system call. Internal to the
// keyring (keyring*.cpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>

#include "core/keyring_io.h"
#include "core/result.h"

namespace parley::keyring_internal {

class KeyringLock {
 public:
  // Opens (or creates, 0600) the lock file beside `keyring_path` and maps its counter.
  static Result<KeyringLock> open(const std::filesystem::path& keyring_path);
  KeyringLock(KeyringLock&& other) noexcept;
  KeyringLock& operator=(KeyringLock&&) = delete;
  ~KeyringLock();

  // An flock on the lock file, released when this goes out of scope. Exclusive for anyone
  // who changes the keyring file; shared for a reader that needs a view no writer is
  // changing (it never needs one for long: see Keyring::Impl::sync).
  class Held {
   public:
    explicit Held(int fd) : fd_(fd) {}
    Held(Held&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Held& operator=(Held&&) = delete;
    ~Held();

   private:
    int fd_;
  };
  // Waits for the lock. Flocks belong to an open file description: two KeyringLocks, in one
  // process or two, exclude each other; a forked child shares its parent's.
  Result<Held> hold(bool exclusive) const;

  // The count of rewrites begun and finished on the keyring file: odd while one is under
  // way (or its writer died mid-way, until the next writer repairs it). Only a holder of
  // the exclusive lock changes it.
  uint64_t generation() const {
    return std::atomic_ref<uint64_t>(*counter_).load(std::memory_order_seq_cst);
  }
  void set_generation(uint64_t value);

 private:
  KeyringLock(Fd fd, uint64_t* counter, std::filesystem::path path)
      : fd_(std::move(fd)), counter_(counter), path_(std::move(path)) {}

  Fd fd_;
  uint64_t* counter_;  // the lock file's first 8 bytes, mapped shared
  std::filesystem::path path_;
};

}  // namespace parley::keyring_internal
