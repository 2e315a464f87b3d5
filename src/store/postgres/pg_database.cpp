#include "store/postgres/pg_database.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <random>
#include <thread>

namespace parley {
namespace {

std::atomic<uint64_t> next_instance_id{1};

// What this thread is running, per database: a write inside a write is refused (as on
// SQLite, where it would deadlock), and a read inside a read shares the outer snapshot.
struct Running {
  uint64_t db_id = 0;
  PgConnection* read_conn = nullptr;
  bool writing = false;
};
thread_local Running running_here;

// Waits a random while that grows with each attempt, so that transactions that keep
// colliding spread out.
void back_off(int attempt) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  const int ceiling_ms = 1 << std::min(attempt, 6);
  std::uniform_int_distribution<int> micros(0, ceiling_ms * 1000);
  std::this_thread::sleep_for(std::chrono::microseconds(micros(rng)));
}

// Restores running_here when a transaction ends, whichever way.
struct RunningScope {
  Running saved = running_here;
  ~RunningScope() { running_here = saved; }
};

}  // namespace

PgDatabase::PgDatabase(const PgOptions& options)
    : options_(options), id_(next_instance_id.fetch_add(1)) {}

PgDatabase::~PgDatabase() = default;

Result<std::unique_ptr<PgDatabase>> PgDatabase::open(const PgOptions& options) {
  if (options.pool_size < 1) {
    return make_error(ErrorCode::invalid_argument,
                      "the PostgreSQL pool needs at least one connection");
  }
  std::unique_ptr<PgDatabase> db(new PgDatabase(options));
  auto first = PgConnection::connect(options.url);
  if (!first) return first.error();
  db->open_connections_ = 1;
  db->idle_.push_back(std::move(first).value());
  return db;
}

Result<std::unique_ptr<PgConnection>> PgDatabase::acquire() {
  {
    std::unique_lock lock(pool_mutex_);
    pool_cv_.wait(lock,
                  [this] { return !idle_.empty() || open_connections_ < options_.pool_size; });
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++open_connections_;  // reserve the slot; connect outside the lock
  }
  auto conn = PgConnection::connect(options_.url);
  if (!conn) {
    std::lock_guard lock(pool_mutex_);
    --open_connections_;
    pool_cv_.notify_one();
  }
  return conn;
}

void PgDatabase::release(std::unique_ptr<PgConnection> conn) {
  std::lock_guard lock(pool_mutex_);
  if (conn->broken() || conn->in_transaction()) {
    --open_connections_;  // the next acquire() opens a fresh one
  } else {
    idle_.push_back(std::move(conn));
  }
  pool_cv_.notify_one();
}

Status PgDatabase::write(TxFn fn) {
  if (running_here.db_id == id_ && running_here.writing) {
    return make_error(ErrorCode::internal,
                      "write() called from inside a write function: it would not be atomic");
  }
  return run(Kind::write, fn);
}

Status PgDatabase::read(TxFn fn) {
  if (running_here.db_id == id_ && running_here.read_conn != nullptr) {
    PgTx tx(*running_here.read_conn);
    Status status = fn(tx);
    if (status && tx.failure()) return *tx.failure();
    return status;
  }
  return run(Kind::read, fn);
}

Status PgDatabase::run(Kind kind, TxFn& fn) {
  // SERIALIZABLE writes behave as if run one at a time, as under SQLite's single writer;
  // reads see one snapshot, as a SQLite read transaction does.
  const char* begin_sql = kind == Kind::write ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
                                              : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
  // Pooled connections may have died while idle (server restart, idle timeout): each one
  // found dead at BEGIN is dropped, until a fresh one is opened. One that breaks later,
  // but before COMMIT is sent, wrote nothing: the function runs once more.
  int stale_retries = options_.pool_size + 1;
  int broken_retries = 1;
  for (int attempt = 1;; ++attempt) {
    auto acquired = acquire();
    if (!acquired) return acquired.error();
    std::unique_ptr<PgConnection> conn = std::move(acquired).value();
    struct ReleaseOnExit {
      PgDatabase* db;
      std::unique_ptr<PgConnection>& conn;
      ~ReleaseOnExit() {
        if (conn && conn->in_transaction()) (void)conn->exec_script("ROLLBACK");
        if (conn) db->release(std::move(conn));
      }
    } release_on_exit{this, conn};

    if (auto begin = conn->exec_script(begin_sql); !begin) {
      if (conn->broken() && stale_retries-- > 0) continue;
      return begin.error();
    }
    PgTx tx(*conn);
    Status status = ok_status();
    {
      RunningScope scope;
      running_here = Running{id_, kind == Kind::read ? conn.get() : nullptr, kind == Kind::write};
      status = fn(tx);  // an exception rolls back on the way out (ReleaseOnExit)
    }
    const bool failed = !status || tx.failure();
    if (failed || kind == Kind::read) {
      (void)conn->exec_script("ROLLBACK");
      const bool retry_race = tx.serialization_failure() && attempt < options_.max_attempts;
      const bool retry_broken = tx.failure() && conn->broken() && broken_retries-- > 0;
      if (failed && (retry_race || retry_broken)) {
        if (kind == Kind::write) stats_.record_retry();
        if (retry_race) {
          release(std::move(conn));  // others may use it while this one waits
          back_off(attempt);
        }
        continue;
      }
      if (!status) return status;
      if (tx.failure()) return *tx.failure();
      return ok_status();
    }

    const auto start = std::chrono::steady_clock::now();
    auto commit = conn->exec_script("COMMIT");
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count();
    if (!commit) {
      if (is_serialization_failure(conn->last_sqlstate()) && attempt < options_.max_attempts) {
        stats_.record_retry();
        release(std::move(conn));
        back_off(attempt);
        continue;
      }
      if (conn->broken()) {
        return make_error(ErrorCode::unavailable,
                          "the connection to PostgreSQL broke during COMMIT: the write may or "
                          "may not have been applied");
      }
      return commit.error();
    }
    stats_.record_commit(1, static_cast<uint64_t>(micros));
    return ok_status();
  }
}

}  // namespace parley
