// What only the SQLite backend promises: durable settings, group commit, and a file that
// only its owner can read.
#include "store/sqlite/sqlite_database.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <set>
#include <thread>

#include "store/test_databases.h"

namespace parley {
namespace {

class SqliteDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SqliteDatabase::open(dir_.path() / "test.db");
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    auto created = db_->write(
        [](Tx& tx) { return tx.exec_script("CREATE TABLE items (id BIGINT PRIMARY KEY)"); });
    ASSERT_TRUE(created.ok()) << created.error().message;
  }

  static Status insert(Tx& tx, int64_t id) {
    auto r = tx.exec("INSERT INTO items (id) VALUES ($1)", {id});
    if (!r) return r.error();
    return ok_status();
  }

  std::set<int64_t> ids() {
    std::set<int64_t> out;
    auto status = db_->read([&](Tx& tx) -> Status {
      auto rows = tx.query("SELECT id FROM items");
      if (!rows) return rows.error();
      for (const Row& row : *rows) out.insert(row.integer(0));
      return ok_status();
    });
    EXPECT_TRUE(status.ok());
    return out;
  }

  // Runs `count` writes so that all but the first land in one group: the first holds the
  // writer inside its function until the others are queued behind it.
  std::vector<Status> write_as_one_group(int count, std::function<Status(Tx&, int)> body) {
    std::vector<Status> results(count, ok_status());
    std::atomic<bool> first_running{false};
    std::vector<std::thread> threads;
    threads.emplace_back([&] {
      results[0] = db_->write([&](Tx& tx) {
        first_running = true;
        while (db_->queued_writes() < static_cast<size_t>(count - 1)) std::this_thread::yield();
        return body(tx, 0);
      });
    });
    // The others start only once the first runs, so that none can join its group.
    while (!first_running) std::this_thread::yield();
    for (int i = 1; i < count; ++i) {
      threads.emplace_back(
          [&, i] { results[i] = db_->write([&, i](Tx& tx) { return body(tx, i); }); });
    }
    for (auto& t : threads) t.join();
    return results;
  }

  store_testing::TempDir dir_;
  std::unique_ptr<SqliteDatabase> db_;
};

TEST_F(SqliteDatabaseTest, WriterUsesDurableSettings) {
  auto status = db_->write([](Tx& tx) -> Status {
    auto pragma = [&](const char* sql) {
      auto rows = tx.query(sql);
      EXPECT_TRUE(rows.ok()) << sql;
      return rows.ok() ? (*rows)[0].value(0) : SqlValue{};
    };
    EXPECT_EQ(pragma("PRAGMA journal_mode"), SqlValue(std::string("wal")));
    EXPECT_EQ(pragma("PRAGMA synchronous"), SqlValue(int64_t{2}));  // FULL
    EXPECT_EQ(pragma("PRAGMA secure_delete"), SqlValue(int64_t{1}));
    EXPECT_EQ(pragma("PRAGMA foreign_keys"), SqlValue(int64_t{1}));
    return ok_status();
  });
  EXPECT_TRUE(status.ok()) << status.error().message;
}

TEST_F(SqliteDatabaseTest, TheFileIsReadableByItsOwnerOnly) {
  struct stat st {};
  ASSERT_EQ(::stat((dir_.path() / "test.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
}

TEST_F(SqliteDatabaseTest, QueuedWritesCommitTogether) {
  const StoreStats before = db_->stats();
  constexpr int kWrites = 32;
  auto results = write_as_one_group(kWrites, [](Tx& tx, int i) { return insert(tx, i); });
  for (const auto& r : results) EXPECT_TRUE(r.ok());
  const StoreStats after = db_->stats();
  EXPECT_EQ(after.writes - before.writes, uint64_t{kWrites});
  EXPECT_EQ(after.commits - before.commits, 2u);  // the first alone, then 31 in one group
  EXPECT_EQ(after.batch_buckets[3] - before.batch_buckets[3], 1u);  // 17-64
  EXPECT_EQ(ids().size(), size_t{kWrites});
}

// With nobody committing, a write is committed on its caller's thread (no hand-off to the
// writer thread and back); a write function that writes again is still refused there.
TEST_F(SqliteDatabaseTest, AWriteWithNobodyCommittingRunsOnItsCallersThread) {
  const StoreStats before = db_->stats();
  std::thread::id ran_on;
  Status nested = ok_status();
  ASSERT_TRUE(db_->write([&](Tx& tx) {
                   ran_on = std::this_thread::get_id();
                   nested = db_->write([](Tx&) { return ok_status(); });
                   return insert(tx, 1);
                 })
                  .ok());
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  EXPECT_FALSE(nested.ok());
  EXPECT_EQ(ids(), (std::set<int64_t>{1}));
  EXPECT_EQ(db_->stats().commits - before.commits, 1u);
}

TEST_F(SqliteDatabaseTest, AFailingWriteInAGroupIsRolledBackAlone) {
  constexpr int kWrites = 10;
  auto results = write_as_one_group(kWrites, [](Tx& tx, int i) -> Status {
    if (auto s = insert(tx, i); !s) return s;
    if (i == 5) return make_error(ErrorCode::invalid_argument, "no");
    if (i == 7) return insert(tx, 0);  // committed before the group: a conflict
    return ok_status();
  });
  std::set<int64_t> expected;
  for (int i = 0; i < kWrites; ++i) {
    if (i == 5) {
      EXPECT_EQ(results[i].error().code, ErrorCode::invalid_argument);
    } else if (i == 7) {
      EXPECT_EQ(results[i].error().code, ErrorCode::conflict);
    } else {
      EXPECT_TRUE(results[i].ok()) << i;
      expected.insert(i);
    }
  }
  EXPECT_EQ(ids(), expected);
}

TEST_F(SqliteDatabaseTest, AcknowledgedWritesSurviveCloseAndReopen) {
  constexpr int kWrites = 50;
  std::vector<std::thread> threads;
  std::atomic<int> acknowledged{0};
  for (int i = 0; i < kWrites; ++i) {
    threads.emplace_back([&, i] {
      if (db_->write([i](Tx& tx) { return insert(tx, i); }).ok()) ++acknowledged;
    });
  }
  for (auto& t : threads) t.join();
  db_.reset();
  auto reopened = SqliteDatabase::open(dir_.path() / "test.db");
  ASSERT_TRUE(reopened.ok());
  db_ = std::move(reopened).value();
  EXPECT_EQ(acknowledged.load(), kWrites);
  EXPECT_EQ(ids().size(), size_t{kWrites});
}

TEST_F(SqliteDatabaseTest, InspectingAFileChangesNothingAndRefusesWrites) {
  db_.reset();  // a clean close removes the -wal and -shm files
  const auto file = dir_.path() / "test.db";
  ASSERT_FALSE(std::filesystem::exists(file.string() + "-wal"));
  auto inspected = SqliteDatabase::open(file, SqliteOptions{.inspect_only = true});
  ASSERT_TRUE(inspected.ok()) << inspected.error().message;
  auto status = (*inspected)->read([](Tx& tx) -> Status {
    auto rows = tx.query("SELECT count(*) FROM items");
    if (!rows) return rows.error();
    return ok_status();
  });
  EXPECT_TRUE(status.ok()) << status.error().message;
  EXPECT_FALSE((*inspected)->write([](Tx&) { return ok_status(); }).ok());
  EXPECT_FALSE(std::filesystem::exists(file.string() + "-wal"));
  EXPECT_FALSE(std::filesystem::exists(file.string() + "-shm"));
}

}  // namespace
}  // namespace parley
