// bench_store_commit: durable writes per second through the Store's SQLite Database (group
// commit: many threads, one INSERT per write(), one fsync per group) against one
// transaction per write on the raw sqlite3 API (WAL, synchronous=FULL) in the same run,
// on the same disk; and, when PARLEY_TEST_PG_URL is set, the group-commit run against
// PostgreSQL. Fixed write counts, not fixed time. Prints one JSON line on stdout.
//
//   bench_store_commit [--group N] [--single N] [--threads T] [--dir DIR] [--pg-pool P]
//   scripts/with-postgres.sh build/bench/bench/bench_store_commit   (adds PostgreSQL)
#include <sqlite3.h>
#include <sys/vfs.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/log.h"
#include "store/database.h"
#include "store/postgres/pg_database.h"
#include "store/sqlite/sqlite_database.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS bench_commit (id BIGINT PRIMARY KEY, payload TEXT NOT NULL)";
constexpr std::string_view kInsert = "INSERT INTO bench_commit (id, payload) VALUES ($1, $2)";
constexpr long kTmpfsMagic = 0x01021994;  // fsync costs nothing there: the numbers would lie

struct Options {
  int64_t group_writes = 20000;
  int64_t single_writes = 3000;
  int threads = 64;
  int pg_pool = 8;  // Parley's default storage.pg_pool_size
  fs::path dir = fs::temp_directory_path();
};

struct Run {
  int64_t writes = 0;
  double seconds = 0;
  double per_second() const { return seconds > 0 ? static_cast<double>(writes) / seconds : 0; }
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bench_store_commit: %s\n", what.c_str());
  std::exit(1);
}

// About 100 bytes, like a short chat message row.
std::string payload_for(int64_t id) {
  std::string text = "row " + std::to_string(id) + " ";
  text.resize(100, 'x');
  return text;
}

// `count` writes from `threads` threads, each write() one INSERT; returns once all are
// acknowledged (durable).
Run write_concurrently(parley::Database& db, int64_t count, int threads) {
  std::atomic<int64_t> next_id{1};
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::atomic<bool> failed{false};
  std::string failure;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      ready.fetch_add(1);
      while (!go.load()) std::this_thread::yield();
      while (true) {
        const int64_t id = next_id.fetch_add(1);
        if (id > count) return;
        const parley::SqlParams params{id, payload_for(id)};
        auto status = db.write([&params](parley::Tx& tx) -> parley::Status {
          auto changed = tx.exec(kInsert, params);
          if (!changed) return changed.error();
          return parley::ok_status();
        });
        if (!status && !failed.exchange(true)) failure = status.error().message;
      }
    });
  }
  while (ready.load() < threads) std::this_thread::yield();
  const auto start = Clock::now();
  go.store(true);
  for (auto& worker : workers) worker.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (failed) die("a write failed: " + failure);
  return {count, seconds};
}

void create_table(parley::Database& db, bool drop_first) {
  auto status = db.write([drop_first](parley::Tx& tx) -> parley::Status {
    if (drop_first) {
      if (auto dropped = tx.exec_script("DROP TABLE IF EXISTS bench_commit"); !dropped) {
        return dropped;
      }
    }
    return tx.exec_script(kCreateTable);
  });
  if (!status) die("cannot create the table: " + status.error().message);
}

struct GroupResult {
  Run run;
  double mean_group = 0;
  uint64_t commits = 0;
};

GroupResult sqlite_group(const fs::path& file, const Options& options) {
  auto db = parley::SqliteDatabase::open(file);
  if (!db) die(db.error().message);
  create_table(**db, false);
  const parley::StoreStats before = (*db)->stats();
  GroupResult result;
  result.run = write_concurrently(**db, options.group_writes, options.threads);
  const parley::StoreStats after = (*db)->stats();
  result.commits = after.commits - before.commits;
  if (result.commits > 0) {
    result.mean_group =
        static_cast<double>(after.writes - before.writes) / static_cast<double>(result.commits);
  }
  return result;
}

GroupResult pg_group(const std::string& url, const Options& options) {
  auto db = parley::PgDatabase::open({.url = url, .pool_size = options.pg_pool});
  if (!db) die(db.error().message);
  create_table(**db, true);
  const parley::StoreStats before = (*db)->stats();
  GroupResult result;
  result.run = write_concurrently(**db, options.group_writes, options.threads);
  const parley::StoreStats after = (*db)->stats();
  result.commits = after.commits - before.commits;
  auto dropped = (*db)->write(
      [](parley::Tx& tx) -> parley::Status { return tx.exec_script("DROP TABLE bench_commit"); });
  if (!dropped) die("cannot drop the table: " + dropped.error().message);
  return result;
}

// The baseline: what an application without group commit does, one BEGIN/INSERT/COMMIT
// (one fsync) per write, on one thread.
class RawSqlite {
 public:
  explicit RawSqlite(const fs::path& file) {
    if (sqlite3_open(file.c_str(), &db_) != SQLITE_OK) fail("open");
    exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = FULL");
    exec(std::string(kCreateTable).c_str());
    if (sqlite3_prepare_v2(db_, "INSERT INTO bench_commit (id, payload) VALUES (?1, ?2)", -1,
                           &insert_, nullptr) != SQLITE_OK) {
      fail("prepare");
    }
  }
  ~RawSqlite() {
    sqlite3_finalize(insert_);
    sqlite3_close(db_);
  }

  void write_one(int64_t id) {
    const std::string payload = payload_for(id);
    exec("BEGIN");
    sqlite3_bind_int64(insert_, 1, id);
    sqlite3_bind_text(insert_, 2, payload.data(), static_cast<int>(payload.size()), SQLITE_STATIC);
    if (sqlite3_step(insert_) != SQLITE_DONE) fail("insert");
    sqlite3_reset(insert_);
    exec("COMMIT");
  }

 private:
  void exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(sql);
  }
  [[noreturn]] void fail(const char* what) {
    die(std::string("sqlite3 (") + what + "): " + (db_ ? sqlite3_errmsg(db_) : "no memory"));
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
};

Run sqlite_single(const fs::path& file, int64_t count) {
  RawSqlite db(file);
  const auto start = Clock::now();
  for (int64_t id = 1; id <= count; ++id) db.write_one(id);
  return {count, std::chrono::duration<double>(Clock::now() - start).count()};
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) {
      die("usage: " + std::string(argv[0]) +
          " [--group N] [--single N] [--threads T] [--dir DIR] [--pg-pool P]");
    }
    const char* value = argv[++i];
    if (arg == "--group") {
      options.group_writes = std::atoll(value);
    } else if (arg == "--single") {
      options.single_writes = std::atoll(value);
    } else if (arg == "--threads") {
      options.threads = std::atoi(value);
    } else if (arg == "--pg-pool") {
      options.pg_pool = std::atoi(value);
    } else if (arg == "--dir") {
      options.dir = value;
    } else {
      die("unknown option " + std::string(arg));
    }
  }
  if (options.group_writes < 1 || options.single_writes < 1 || options.threads < 1 ||
      options.pg_pool < 1) {
    die("counts, threads and pool size must be positive");
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  std::string pattern = (options.dir / "parley-bench-store.XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    die("cannot create a temp dir in " + options.dir.string());
  }
  const fs::path dir = pattern;
  struct statfs info {};
  const bool tmpfs = ::statfs(dir.c_str(), &info) == 0 && info.f_type == kTmpfsMagic;
  if (tmpfs) {
    std::fprintf(stderr, "bench_store_commit: %s is tmpfs; fsync is free there\n", dir.c_str());
  }

  // Each run on a fresh file of the same schema, in the same directory.
  const GroupResult group = sqlite_group(dir / "group.db", options);
  const Run single = sqlite_single(dir / "single.db", options.single_writes);
  fs::remove_all(dir, ec);

  const double ratio = single.per_second() > 0 ? group.run.per_second() / single.per_second() : 0;
  std::string line = "{\"bench\":\"store_commit\",\"dir\":";
  parley::append_json_string(line, options.dir.string());
  char buf[512];
  std::snprintf(buf, sizeof buf,
                ",\"tmpfs\":%s,\"threads\":%d"
                ",\"sqlite_group_writes\":%lld,\"sqlite_group_seconds\":%.3f"
                ",\"sqlite_group_writes_per_s\":%.0f,\"sqlite_group_commits\":%llu"
                ",\"sqlite_mean_group_size\":%.2f"
                ",\"sqlite_single_writes\":%lld,\"sqlite_single_seconds\":%.3f"
                ",\"sqlite_single_writes_per_s\":%.0f,\"ratio_group_over_single\":%.2f",
                tmpfs ? "true" : "false", options.threads, static_cast<long long>(group.run.writes),
                group.run.seconds, group.run.per_second(),
                static_cast<unsigned long long>(group.commits), group.mean_group,
                static_cast<long long>(single.writes), single.seconds, single.per_second(), ratio);
  line += buf;

  if (const char* url = std::getenv("PARLEY_TEST_PG_URL"); url && *url) {
    const GroupResult pg = pg_group(url, options);
    std::snprintf(buf, sizeof buf,
                  ",\"pg_pool\":%d,\"pg_group_writes\":%lld,\"pg_group_seconds\":%.3f"
                  ",\"pg_group_writes_per_s\":%.0f,\"pg_commits\":%llu",
                  options.pg_pool, static_cast<long long>(pg.run.writes), pg.run.seconds,
                  pg.run.per_second(), static_cast<unsigned long long>(pg.commits));
    line += buf;
  }
  line += "}";
  std::printf("%s\n", line.c_str());
  return 0;
}
