// An exclusive lock on a data directory, so that two servers never share one, and
// maintenance that must run alone (master key rotation) cannot run beside a server.
#pragma once

#include <filesystem>
#include <memory>

#include "core/result.h"

namespace parley {

class DirLock {
 public:
  // Fails (conflict) when another process holds the lock; says who to stop.
  static Result<std::unique_ptr<DirLock>> acquire(const std::filesystem::path& dir);
  ~DirLock();

 private:
  explicit DirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace parley
