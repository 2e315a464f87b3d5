#include "core/keyring_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <system_error>

namespace parley::keyring_internal {
namespace fs = std::filesystem;

void Fd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

Error io_error(std::string_view action, const fs::path& path, int err) {
  // strerror is not thread-safe; the system category gives the same text safely.
  return make_error(ErrorCode::unavailable,
                    std::string(action) + " " + path.string() + ": " +
                        std::error_code(err, std::system_category()).message());
}

Status write_all(int fd, std::string_view bytes, const fs::path& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("could not write", path);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return ok_status();
}

Result<std::string> read_whole(int fd, const fs::path& path) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("could not read", path);
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

Result<std::string> read_from(int fd, size_t offset, const fs::path& path) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::pread(fd, buf, sizeof buf, static_cast<off_t>(offset + out.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("could not read", path);
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

Status fsync_dir(const fs::path& file) {
  fs::path dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid() || ::fsync(fd.get()) != 0) return io_error("could not sync directory", dir);
  return ok_status();
}

Result<Fd> rename_into_place(const fs::path& path, std::string_view content) {
  fs::path tmp = path;
  tmp += ".tmp";
  ::unlink(tmp.c_str());  // a leftover from a crash; O_EXCL below guarantees our mode
  Fd fd(::open(tmp.c_str(), O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.valid()) return io_error("could not create", tmp);
  Status written = write_all(fd.get(), content, tmp);
  // fchmod: a umask cannot then make the file unreadable to us, nor is it ever wider.
  if (written && (::fchmod(fd.get(), 0600) != 0 || ::fsync(fd.get()) != 0)) {
    written = io_error("could not sync", tmp);
  }
  if (written && ::rename(tmp.c_str(), path.c_str()) != 0) {
    written = io_error("could not rename onto", path);
  }
  if (!written) {
    ::unlink(tmp.c_str());
    return written.error();
  }
  return fd;
}

}  // namespace parley::keyring_internal
