#include "store/sqlite/sqlite_database.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace parley {
namespace {

std::atomic<uint64_t> next_instance_id{1};

// The database whose writer thread this thread is, if any: a write() from inside a write
// function would wait for itself forever.
thread_local const SqliteDatabase* writer_of_this_thread = nullptr;

// Creates the file readable by its owner only, before SQLite does: it will hold personal
// data, and SQLite gives the -wal and -shm files the same mode.
Status create_private_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) return ok_status();
  const int fd = ::open(file.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0 && errno != EEXIST) {
    return make_error(ErrorCode::unavailable,
                      "cannot create " + file.string() + ": " + std::strerror(errno));
  }
  if (fd >= 0) ::close(fd);
  return ok_status();
}

Error group_error(const Error& cause) {
  return make_error(cause.code, "the write was rolled back with its group: " + cause.message);
}

}  // namespace

SqliteDatabase::SqliteDatabase(std::filesystem::path file, const SqliteOptions& options)
    : file_(std::move(file)), options_(options), id_(next_instance_id.fetch_add(1)) {}

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::open(const std::filesystem::path& file,
                                                             const SqliteOptions& options) {
  std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(file, options));
  if (options.inspect_only) {
    // Fail now rather than on the first read; the connection is kept for this thread.
    auto conn = db->read_connection();
    if (!conn) return conn.error();
    return db;
  }
  if (auto created = create_private_file(file); !created) return created.error();
  auto writer = SqliteConnection::open(file, SqliteOpenMode::write, options.busy_timeout_ms);
  if (!writer) return writer.error();
  db->writer_conn_ = std::move(writer).value();
  db->writer_thread_ = std::thread([raw = db.get()] { raw->writer_loop(); });
  return db;
}

SqliteDatabase::~SqliteDatabase() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (writer_thread_.joinable()) writer_thread_.join();
  // Readers first, so that the writer closes last: the last connection to close
  // checkpoints and removes the -wal and -shm files, which a query_only reader may not.
  readers_.clear();
  writer_conn_.reset();
}

size_t SqliteDatabase::queued_writes() const {
  std::lock_guard lock(queue_mutex_);
  return queue_.size();
}

Status SqliteDatabase::write(TxFn fn) {
  if (options_.inspect_only) {
    return make_error(ErrorCode::internal,
                      "the database " + file_.string() + " was opened for inspection only");
  }
  if (writer_of_this_thread == this) {
    return make_error(ErrorCode::internal,
                      "write() called from inside a write function: it would wait for itself");
  }
  auto request = std::make_unique<Request>();
  request->fn = std::move(fn);
  std::future<Status> done = request->done.get_future();
  {
    std::unique_lock lock(queue_mutex_);
    if (stopping_) return make_error(ErrorCode::unavailable, "the store is closing");
    if (committing_ || !queue_.empty()) {
      queue_.push_back(std::move(request));
      lock.unlock();
      queue_cv_.notify_one();
      return done.get();  // rethrows what the write function threw
    }
    committing_ = true;
  }
  // Nobody is committing: this thread commits its write itself, sparing the hand-off to
  // the writer thread and back (two wake-ups). Writes that arrive meanwhile queue, and
  // the writer thread commits them as one group once this one is done.
  Group group;
  group.push_back(std::move(request));
  const SqliteDatabase* outer = writer_of_this_thread;  // a write inside another store's
  writer_of_this_thread = this;
  commit_group(group);
  writer_of_this_thread = outer;
  {
    std::lock_guard lock(queue_mutex_);
    committing_ = false;
    if (!queue_.empty()) queue_cv_.notify_one();  // under the lock: the store may be closing
  }
  return done.get();
}

void SqliteDatabase::writer_loop() {
  writer_of_this_thread = this;
  Group group;
  while (true) {
    {
      std::unique_lock lock(queue_mutex_);
      queue_cv_.wait(lock, [this] { return !committing_ && (stopping_ || !queue_.empty()); });
      if (queue_.empty()) return;  // stopping, and everything queued has been committed
      // Everything that arrived while the last group was committing goes in this one.
      while (!queue_.empty() && group.size() < options_.max_group) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      committing_ = true;
    }
    commit_group(group);
    group.clear();
    std::lock_guard lock(queue_mutex_);
    committing_ = false;
  }
}

SqliteDatabase::Outcome SqliteDatabase::run_in_savepoint(Request& request) {
  using State = Outcome::State;
  Outcome outcome;
  auto fail = [&outcome](Error error) {
    outcome.state = State::failed;
    outcome.error = std::move(error);
  };
  // A savepoint per function: one that fails is undone alone, and the group commits.
  if (auto sp = writer_conn_->exec("SAVEPOINT write_fn", {}); !sp) {
    fail(sp.error());
    return outcome;
  }
  SqliteTx tx(*writer_conn_);
  Status status = ok_status();
  try {
    status = request.fn(tx);
  } catch (...) {
    outcome.exception = std::current_exception();
  }
  if (outcome.exception) {
    fail(make_error(ErrorCode::internal, "the write function threw"));
  } else if (!status) {
    fail(status.error());  // the function's own verdict wins over the statement's
  } else if (tx.failure()) {
    fail(*tx.failure());
  } else {
    outcome.state = State::ok;
  }
  if (!writer_conn_->in_transaction()) {
    // SQLite rolled the whole transaction back (disk full, I/O error); commit_group
    // notices and fails the group.
    if (outcome.state == State::ok) {
      fail(make_error(ErrorCode::internal, "sqlite rolled the transaction back"));
    }
    return outcome;
  }
  if (outcome.state == State::failed) {
    if (auto undo = writer_conn_->exec("ROLLBACK TO write_fn", {}); !undo) fail(undo.error());
  }
  if (auto release = writer_conn_->exec("RELEASE write_fn", {}); !release) fail(release.error());
  return outcome;
}

void SqliteDatabase::commit_group(Group& group) {
  using State = Outcome::State;
  std::vector<Outcome> outcomes(group.size());
  auto finish = [&] {
    for (size_t i = 0; i < group.size(); ++i) {
      auto& done = group[i]->done;
      if (outcomes[i].exception) {
        done.set_exception(outcomes[i].exception);
      } else if (outcomes[i].state == State::ok) {
        done.set_value(ok_status());
      } else {
        done.set_value(outcomes[i].error);
      }
    }
  };
  // Fails every write of the group that had not failed on its own, and ends the group.
  auto fail_group = [&](const Error& cause) {
    for (auto& outcome : outcomes) {
      if (outcome.state != State::failed) {
        outcome.state = State::failed;
        outcome.error = group_error(cause);
      }
    }
    if (writer_conn_->in_transaction()) (void)writer_conn_->exec_script("ROLLBACK");
    finish();
  };

  auto commit_and_finish = [&](size_t acknowledged) {
    const auto start = std::chrono::steady_clock::now();
    auto commit = writer_conn_->exec("COMMIT", {});
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count();
    if (!commit) return fail_group(commit.error());
    stats_.record_commit(acknowledged, static_cast<uint64_t>(micros));
    finish();
  };

  // IMMEDIATE takes the write lock now, so that no statement inside fails with
  // SQLITE_BUSY half way (another process, e.g. `parley migrate`, may hold the file).
  if (auto begin = writer_conn_->exec("BEGIN IMMEDIATE", {}); !begin) {
    return fail_group(begin.error());
  }
  // Most groups succeed whole: run them without a savepoint per function (two statements
  // fewer per write). When one fails, undo the lot and run the group again, each function
  // in its own savepoint; write functions may run more than once (database.h).
  if (group.size() > 1) {
    bool all_ok = true;
    for (auto& request : group) {
      SqliteTx tx(*writer_conn_);
      try {
        all_ok = request->fn(tx).ok() && !tx.failure() && writer_conn_->in_transaction();
      } catch (...) {
        all_ok = false;
      }
      if (!all_ok) break;
    }
    if (all_ok) {
      for (auto& outcome : outcomes) outcome.state = State::ok;
      return commit_and_finish(outcomes.size());
    }
    if (writer_conn_->in_transaction()) (void)writer_conn_->exec("ROLLBACK", {});
    if (auto begin = writer_conn_->exec("BEGIN IMMEDIATE", {}); !begin) {
      return fail_group(begin.error());
    }
  }
  size_t acknowledged = 0;
  for (size_t i = 0; i < group.size(); ++i) {
    outcomes[i] = run_in_savepoint(*group[i]);
    if (!writer_conn_->in_transaction()) return fail_group(outcomes[i].error);
    if (outcomes[i].state == State::ok) ++acknowledged;
  }
  if (acknowledged == 0) {
    // Nothing to keep: every function failed and was rolled back to its savepoint.
    (void)writer_conn_->exec("ROLLBACK", {});
    return finish();
  }
  commit_and_finish(acknowledged);
}

Result<SqliteConnection*> SqliteDatabase::read_connection() {
  // A one-entry cache per thread spares the map lookup and its lock on most reads. The
  // instance id, never reused, keeps a stale entry from matching a later database.
  thread_local uint64_t cached_id = 0;
  thread_local SqliteConnection* cached = nullptr;
  if (cached_id == id_) return cached;
  std::lock_guard lock(readers_mutex_);
  // A thread that ended leaves its connection to the next thread given the same id.
  auto& slot = readers_[std::this_thread::get_id()];
  if (!slot) {
    const auto mode = options_.inspect_only ? SqliteOpenMode::inspect : SqliteOpenMode::read;
    auto conn = SqliteConnection::open(file_, mode, options_.busy_timeout_ms);
    if (!conn) {
      readers_.erase(std::this_thread::get_id());
      return conn.error();
    }
    slot = std::move(conn).value();
  }
  cached_id = id_;
  cached = slot.get();
  return cached;
}

Status SqliteDatabase::read(TxFn fn) {
  auto conn = read_connection();
  if (!conn) return conn.error();
  SqliteConnection& c = **conn;
  SqliteTx tx(c);
  // A read inside a read on this thread shares the outer snapshot.
  if (c.in_transaction()) {
    Status status = fn(tx);
    if (status && tx.failure()) return *tx.failure();
    return status;
  }
  if (auto begin = c.exec("BEGIN", {}); !begin) return begin.error();
  struct EndRead {
    SqliteConnection& conn;
    ~EndRead() {
      if (conn.in_transaction()) (void)conn.exec("ROLLBACK", {});
    }
  } end_read{c};
  Status status = fn(tx);
  if (status && tx.failure()) return *tx.failure();
  return status;
}

}  // namespace parley
