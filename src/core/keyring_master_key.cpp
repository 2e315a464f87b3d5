#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "core/base64.h"
#include "core/keyring.h"
#include "core/keyring_format.h"
#include "core/keyring_io.h"
#include "core/sodium.h"

// load_master_key, declared in keyring.h: where the master key comes from.

namespace parley {
namespace fs = std::filesystem;
using keyring_internal::Fd;
using keyring_internal::fsync_dir;
using keyring_internal::io_error;
using keyring_internal::kKeyBytes;
using keyring_internal::read_whole;
using keyring_internal::write_all;

namespace {

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t start = s.find_first_not_of(kSpace);
  if (start == std::string_view::npos) return {};
  return s.substr(start, s.find_last_not_of(kSpace) - start + 1);
}

// `what` names the source in the message, e.g. "PARLEY_MASTER_KEY must be" or
// "the key file /x must hold". The key text itself never goes into a message.
Result<std::vector<uint8_t>> decode_master_key(std::string_view text, const std::string& what) {
  auto key = base64_decode(trim(text));
  std::string got =
      !key ? "got text that is not base64" : "got " + std::to_string(key->size()) + " bytes";
  if (!key || key->size() != kKeyBytes) {
    if (key) sodium_memzero(key->data(), key->size());
    return make_error(ErrorCode::invalid_argument, what + " the base64 encoding of 32 bytes (" +
                                                       got +
                                                       "); make one with: openssl rand -base64 32");
  }
  return key;
}

Result<std::vector<uint8_t>> read_key_file(const fs::path& key_file) {
  Fd fd(::open(key_file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return io_error("could not open the key file", key_file);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_error("could not stat the key file", key_file);
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return make_error(ErrorCode::forbidden, "the key file " + key_file.string() +
                                                " may be read by other users (mode " + mode +
                                                "): run chmod 600 " + key_file.string());
  }
  auto text = read_whole(fd.get(), key_file);
  if (!text) return text.error();
  auto key = decode_master_key(*text, "the key file " + key_file.string() + " must hold");
  sodium_memzero(text->data(), text->size());
  return key;
}

// Writes a fresh random key to `key_file` without ever replacing one: if another process
// made it first, that one is used.
Result<std::vector<uint8_t>> create_key_file(const fs::path& key_file) {
  std::vector<uint8_t> key(kKeyBytes);
  randombytes_buf(key.data(), key.size());
  std::string text = base64_encode(key) + "\n";
  fs::path tmp = key_file;
  tmp += ".tmp";
  ::unlink(tmp.c_str());
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.valid()) return io_error("could not create the key file", tmp);
  Status written = write_all(fd.get(), text, tmp);
  sodium_memzero(text.data(), text.size());
  if (written && (::fchmod(fd.get(), 0600) != 0 || ::fsync(fd.get()) != 0)) {
    written = io_error("could not sync", tmp);
  }
  fd.reset();
  if (written && ::link(tmp.c_str(), key_file.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    sodium_memzero(key.data(), key.size());
    if (err == EEXIST) return read_key_file(key_file);
    return io_error("could not create the key file", key_file, err);
  }
  ::unlink(tmp.c_str());
  if (!written) return written.error();
  if (Status s = fsync_dir(key_file); !s) return s.error();
  return key;
}

}  // namespace

Result<std::vector<uint8_t>> load_master_key(std::optional<std::string> env_value_base64,
                                             const fs::path& key_file,
                                             const fs::path& keyring_path) {
  ensure_sodium();
  if (env_value_base64) {
    auto key = decode_master_key(*env_value_base64, "PARLEY_MASTER_KEY must be");
    sodium_memzero(env_value_base64->data(), env_value_base64->size());
    return key;
  }
  struct stat st {};
  if (::stat(key_file.c_str(), &st) == 0) return read_key_file(key_file);
  if (errno != ENOENT) return io_error("could not look for the key file", key_file);
  if (::stat(keyring_path.c_str(), &st) == 0) {
    return make_error(ErrorCode::not_found,
                      "the keyring at " + keyring_path.string() +
                          " exists but no master key was given: set PARLEY_MASTER_KEY or "
                          "restore the key file " +
                          key_file.string());
  }
  if (errno != ENOENT) return io_error("could not look for the keyring", keyring_path);
  return create_key_file(key_file);
}

}  // namespace parley
