#include "cli/keys.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "cli/runtime.h"
#include "core/base64.h"

namespace parley {
namespace {

// Writes the key file the way load_master_key reads it (base64 text), 0600, synced.
Status write_key_file(const std::filesystem::path& path, const std::vector<uint8_t>& key) {
  std::string text = base64_encode(key) + "\n";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(ErrorCode::unavailable, "cannot write " + path.string());
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return make_error(ErrorCode::unavailable, "cannot write " + path.string());
  return ok_status();
}

}  // namespace

int run_rotate_master(const Config& config) {
  auto lock = DirLock::acquire(config.storage.data_dir);
  if (!lock) {
    std::fprintf(stderr, "parley: %s\n", lock.error().message.c_str());
    return 1;
  }
  auto keyring = open_keyring(config);
  if (!keyring) {
    std::fprintf(stderr, "parley: %s\n", keyring.error().message.c_str());
    return 1;
  }
  std::vector<uint8_t> new_key(32);
  randombytes_buf(new_key.data(), new_key.size());

  bool key_from_env = !config.keys.master_key.empty();
  auto key_file = config.master_key_path();
  auto staged = std::filesystem::path(key_file.string() + ".new");
  // The new key reaches disk before the keyring is rewrapped with it, so a crash in
  // between leaves the new key recoverable from the staged file.
  if (!key_from_env) {
    if (auto status = write_key_file(staged, new_key); !status) {
      std::fprintf(stderr, "parley: %s\n", status.error().message.c_str());
      return 1;
    }
  }
  if (auto status = (*keyring)->rotate_master(new_key); !status) {
    std::fprintf(stderr, "parley: %s\n", status.error().message.c_str());
    if (!key_from_env) std::filesystem::remove(staged);
    return 1;
  }
  if (key_from_env) {
    std::printf(
        "Rewrapped %zu data keys. Set PARLEY_MASTER_KEY to this new key before the next "
        "start:\n%s\n",
        (*keyring)->key_count(), base64_encode(new_key).c_str());
  } else {
    std::filesystem::rename(staged, key_file);
    std::printf("Rewrapped %zu data keys; the new master key is in %s.\n", (*keyring)->key_count(),
                key_file.c_str());
  }
  sodium_memzero(new_key.data(), new_key.size());
  return 0;
}

}  // namespace parley
