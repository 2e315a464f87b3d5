// The SQLite backend of the Store: one writer commits writes in groups (many writes, one
// fsync) and acknowledges each only after its group commits: a write that finds nobody
// committing commits itself on its own thread; writes that arrive while a commit runs
// queue, and the writer thread commits them together. Every reading thread gets its own
// connection. Opened by Store::open for the default data directory.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "store/database.h"
#include "store/sqlite/sqlite_connection.h"
#include "store/stats_recorder.h"

namespace parley {

struct SqliteOptions {
  int busy_timeout_ms = 5000;
  // Most writes one commit may carry; bounds how long the first one in a group waits.
  size_t max_group = 256;
  // Opens an existing file so that nothing on disk changes, not even -wal/-shm files
  // appearing; write() is refused. For checking a schema version before touching a file.
  bool inspect_only = false;
};

class SqliteDatabase final : public Database {
 public:
  static Result<std::unique_ptr<SqliteDatabase>> open(const std::filesystem::path& file,
                                                      const SqliteOptions& options = {});
  // Commits every write already queued, then closes.
  ~SqliteDatabase() override;

  Dialect dialect() const override { return Dialect::sqlite; }
  Status write(TxFn fn) override;
  Status read(TxFn fn) override;
  StoreStats stats() const override { return stats_.snapshot(); }

  // Writes queued for the writer thread: lets a test fill a group without sleeping.
  size_t queued_writes() const;

 private:
  struct Request {
    TxFn fn;
    std::promise<Status> done;
  };
  // What one write function came to inside its group.
  struct Outcome {
    enum class State { pending, ok, failed } state = State::pending;
    Error error;                   // when failed
    std::exception_ptr exception;  // when failed because the function threw
  };
  using Group = std::vector<std::unique_ptr<Request>>;

  SqliteDatabase(std::filesystem::path file, const SqliteOptions& options);
  void writer_loop();
  void commit_group(Group& group);
  Outcome run_in_savepoint(Request& request);
  Result<SqliteConnection*> read_connection();

  const std::filesystem::path file_;
  const SqliteOptions options_;
  const uint64_t id_;  // tells this instance apart in per-thread caches; never reused
  StatsRecorder stats_;

  // Used by one thread at a time: the one that set committing_.
  std::unique_ptr<SqliteConnection> writer_conn_;
  mutable std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<std::unique_ptr<Request>> queue_;
  bool committing_ = false;  // a group is being committed (by the writer thread or a caller)
  bool stopping_ = false;
  std::thread writer_thread_;

  std::mutex readers_mutex_;
  std::unordered_map<std::thread::id, std::unique_ptr<SqliteConnection>> readers_;
};

}  // namespace parley
