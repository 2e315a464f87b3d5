// Crash-safe file writes for the keyring and the master key file: write fully, sync, and
// replace files in one rename. Internal to the keyring (keyring*.cpp).
#pragma once

#include <cerrno>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.h"

namespace parley::keyring_internal {

// Owns a file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    reset(std::exchange(other.fd_, -1));
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// An unavailable error: "<action> <path>: <strerror(err)>".
Error io_error(std::string_view action, const std::filesystem::path& path, int err = errno);

Status write_all(int fd, std::string_view bytes, const std::filesystem::path& path);
Result<std::string> read_whole(int fd, const std::filesystem::path& path);
// The bytes from `offset` to the end of the file (pread: the fd's offset is left alone).
Result<std::string> read_from(int fd, size_t offset, const std::filesystem::path& path);

// Makes a rename or a file creation in the directory of `file` durable.
Status fsync_dir(const std::filesystem::path& file);

// Writes `content` to `path`.tmp (mode 0600), syncs it, and renames it onto `path`: a crash
// leaves the old file or the new one. The caller then syncs the directory. Returns the new
// file open for reading and appending. Two writers must not use the same `path` at once.
Result<Fd> rename_into_place(const std::filesystem::path& path, std::string_view content);

}  // namespace parley::keyring_internal
