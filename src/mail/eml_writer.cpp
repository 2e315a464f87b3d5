#include "mail/eml_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

namespace parley {
namespace {

Status io_error(const std::string& what, const std::filesystem::path& path, int error) {
  return make_error(ErrorCode::unavailable,
                    "cannot " + what + " " + path.string() + ": " + std::strerror(error));
}

Status make_private_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return io_error("create", dir, ec.value());
  if (::chmod(dir.c_str(), 0700) != 0) return io_error("restrict", dir, errno);
  return ok_status();
}

Status write_all(int fd, std::string_view data, const std::filesystem::path& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("write", path, errno);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return ok_status();
}

}  // namespace

std::filesystem::path eml_directory(const std::filesystem::path& data_dir) {
  return data_dir / "mail";
}

std::filesystem::path eml_path(const std::filesystem::path& data_dir, int64_t created_at,
                               std::string_view mail_id) {
  return eml_directory(data_dir) /
         (std::to_string(created_at) + "-" + std::string(mail_id) + ".eml");
}

Status write_eml(const std::filesystem::path& path, std::string_view message) {
  if (auto made = make_private_directory(path.parent_path()); !made) return made;
  const std::filesystem::path temp = path.string() + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("create", temp, errno);
  // O_CREAT's mode does not apply to a temp file left by a crash: make sure.
  Status status =
      ::fchmod(fd, 0600) == 0 ? write_all(fd, message, temp) : io_error("restrict", temp, errno);
  if (status && ::fsync(fd) != 0) status = io_error("sync", temp, errno);
  ::close(fd);
  if (status && ::rename(temp.c_str(), path.c_str()) != 0) status = io_error("rename", temp, errno);
  if (!status) {
    ::unlink(temp.c_str());
    return status;
  }
  // The rename is durable once the directory is synced.
  if (const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return ok_status();
}

}  // namespace parley
