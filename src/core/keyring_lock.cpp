#include "core/keyring_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>

namespace parley::keyring_internal {
namespace fs = std::filesystem;

Result<KeyringLock> KeyringLock::open(const fs::path& keyring_path) {
  fs::path path = keyring_path;
  path += ".lock";
  Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd.valid()) return io_error("could not open", path);
  // Room for the counter; growing never disturbs a counter another process already wrote.
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_error("could not stat", path);
  if (st.st_size < static_cast<off_t>(sizeof(uint64_t)) &&
      ::ftruncate(fd.get(), sizeof(uint64_t)) != 0) {
    return io_error("could not size", path);
  }
  void* map = ::mmap(nullptr, sizeof(uint64_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (map == MAP_FAILED) return io_error("could not map", path);
  return KeyringLock(std::move(fd), static_cast<uint64_t*>(map), std::move(path));
}

KeyringLock::KeyringLock(KeyringLock&& other) noexcept
    : fd_(std::move(other.fd_)),
      counter_(std::exchange(other.counter_, nullptr)),
      path_(std::move(other.path_)) {}

KeyringLock::~KeyringLock() {
  if (counter_ != nullptr) ::munmap(counter_, sizeof(uint64_t));
}

KeyringLock::Held::~Held() {
  if (fd_ >= 0) ::flock(fd_, LOCK_UN);
}

Result<KeyringLock::Held> KeyringLock::hold(bool exclusive) const {
  while (::flock(fd_.get(), exclusive ? LOCK_EX : LOCK_SH) != 0) {
    if (errno != EINTR) return io_error("could not lock", path_);
  }
  return Held(fd_.get());
}

void KeyringLock::set_generation(uint64_t value) {
  // Sequentially consistent, then a fence: the odd count is visible before the rename that
  // follows it, so no process can see the new file and still read the count it recorded
  // with the old one.
  std::atomic_ref<uint64_t>(*counter_).store(value, std::memory_order_seq_cst);
  std::atomic_thread_fence(std::memory_order_seq_cst);
}

}  // namespace parley::keyring_internal
