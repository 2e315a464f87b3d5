// kill -9 of a process in the middle of a storm of concurrent writes through the Store:
// after reopening, every write it acknowledged is there and SQLite finds no corruption.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>

#include "core/clock.h"
#include "store/store.h"

#ifndef PARLEY_STORE_WRITER
#error "PARLEY_STORE_WRITER must name the parley_store_writer executable"
#endif

namespace parley {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "parley-crash-test.XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Starts the writer on `dir`, kills it with SIGKILL once it has acknowledged at least
// `count` writes, and returns every id it acknowledged, those still in the pipe included.
std::set<int64_t> run_and_kill_writer(const std::filesystem::path& dir, size_t count) {
  int fds[2];
  if (::pipe(fds) != 0) {
    ADD_FAILURE() << "pipe failed";
    return {};
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execl(PARLEY_STORE_WRITER, PARLEY_STORE_WRITER, dir.c_str(), "16", nullptr);
    ::_exit(127);
  }
  ::close(fds[1]);
  std::set<int64_t> acknowledged;
  std::string pending;
  bool killed = false;
  char buf[4096];
  while (true) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the writer is dead and the pipe drained
    pending.append(buf, static_cast<size_t>(n));
    size_t newline;
    while ((newline = pending.find('\n')) != std::string::npos) {
      acknowledged.insert(std::stoll(pending.substr(0, newline)));
      pending.erase(0, newline + 1);
    }
    if (!killed && acknowledged.size() >= count) {
      ::kill(pid, SIGKILL);
      killed = true;
    }
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(killed) << "the writer stopped by itself after " << acknowledged.size()
                      << " writes (exit status " << status << ")";
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  return acknowledged;
}

TEST(StoreCrash, KillDuringAWriteStormLosesNoAcknowledgedWrite) {
  TempDir dir;
  SystemClock clock;
  std::set<int64_t> all_acknowledged;
  // Three rounds: each later run starts from the database the last kill left behind.
  for (int round = 0; round < 3; ++round) {
    const auto acknowledged = run_and_kill_writer(dir.path(), 2000);
    ASSERT_GE(acknowledged.size(), 2000u);
    all_acknowledged.insert(acknowledged.begin(), acknowledged.end());

    StoreOptions options;
    options.data_dir = dir.path();
    auto store = Store::open(options, clock);
    ASSERT_TRUE(store.ok()) << store.error().message;
    std::set<int64_t> present;
    std::string integrity;
    auto status = (*store)->db().read([&](Tx& tx) -> Status {
      auto rows = tx.query("SELECT id FROM crash_probe");
      if (!rows) return rows.error();
      for (const Row& row : *rows) present.insert(row.integer(0));
      auto check = tx.query("PRAGMA integrity_check");
      if (!check) return check.error();
      for (const Row& row : *check) integrity += row.text(0);
      return ok_status();
    });
    ASSERT_TRUE(status.ok()) << status.error().message;
    EXPECT_EQ(integrity, "ok") << "round " << round;
    size_t missing = 0;
    for (int64_t id : all_acknowledged) missing += present.count(id) ? 0 : 1;
    EXPECT_EQ(missing, 0u) << "round " << round << ": " << missing << " of "
                           << all_acknowledged.size() << " acknowledged writes were lost";
  }
}

}  // namespace
}  // namespace parley
