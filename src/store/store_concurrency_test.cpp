// The store suite, part two: many threads at once. Run on SQLite and on PostgreSQL.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "store/store.h"
#include "store/test_databases.h"

namespace parley {
namespace {

class StoreConcurrency : public store_testing::BackendTest {};

TEST_P(StoreConcurrency, AFailingWriteRollsBackOnlyItself) {
  auto store = open_store();
  ASSERT_TRUE(store);
  create_table(*store, "CREATE TABLE items (id BIGINT PRIMARY KEY)");
  constexpr int kWriters = 24;
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int k = 0; k < kWriters; ++k) {
    threads.emplace_back([&, k] {
      auto status = store->db().write([k](Tx& tx) -> Status {
        if (auto r = tx.exec("INSERT INTO items (id) VALUES ($1)", {int64_t{k}}); !r) {
          return r.error();
        }
        if (k % 3 == 0) return make_error(ErrorCode::invalid_argument, "changed my mind");
        return ok_status();
      });
      const bool expected_ok = k % 3 != 0;
      if (status.ok() != expected_ok) ++wrong;
      if (!status.ok() && status.error().code != ErrorCode::invalid_argument) ++wrong;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  std::set<int64_t> expected;
  for (int k = 0; k < kWriters; ++k) {
    if (k % 3 != 0) expected.insert(k);
  }
  EXPECT_EQ(ids(*store, "items"), expected);
}

TEST_P(StoreConcurrency, ManyConcurrentWritersAreAllAcknowledgedAndPresent) {
  auto store = open_store();
  ASSERT_TRUE(store);
  create_table(*store, "CREATE TABLE items (id BIGINT PRIMARY KEY, payload TEXT)");
  const StoreStats before = store->stats();
  constexpr int kThreads = 32;
  constexpr int kWritesEach = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWritesEach; ++i) {
        const int64_t id = int64_t{t} * 1'000'000 + i;
        auto status = store->db().write([id](Tx& tx) -> Status {
          auto r = tx.exec("INSERT INTO items (id, payload) VALUES ($1, $2)",
                           {id, std::string("payload ") + std::to_string(id)});
          if (!r) return r.error();
          return ok_status();
        });
        if (!status.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(count(*store, "items"), kThreads * kWritesEach);
  const StoreStats after = store->stats();
  const uint64_t writes = after.writes - before.writes;
  const uint64_t commits = after.commits - before.commits;
  EXPECT_EQ(writes, uint64_t{kThreads * kWritesEach});
  if (sqlite()) {
    EXPECT_LT(commits, writes) << "the writer thread should have grouped concurrent writes";
  } else {
    EXPECT_EQ(commits, writes);
  }
}

TEST_P(StoreConcurrency, ConcurrentReadersSeeConsistentSnapshots) {
  auto store = open_store();
  ASSERT_TRUE(store);
  create_table(*store, "CREATE TABLE items (id BIGINT PRIMARY KEY, payload TEXT)");
  constexpr int kPairs = 150;
  constexpr int kReaders = 8;
  std::atomic<bool> writing{true};
  std::atomic<int> torn{0};
  std::atomic<int> reads{0};
  std::atomic<int> errors{0};
  std::thread writer([&] {
    for (int64_t i = 0; i < kPairs; ++i) {
      // Two rows per write: a reader must never see one without the other.
      auto status = store->db().write([i](Tx& tx) -> Status {
        for (int64_t id : {2 * i, 2 * i + 1}) {
          if (auto r = tx.exec("INSERT INTO items (id) VALUES ($1)", {id}); !r) return r.error();
        }
        return ok_status();
      });
      if (!status.ok()) ++errors;
    }
    writing = false;
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&] {
      // At least a few reads each, and keep reading until the writer is done.
      for (int n = 0; n < 20 || writing; ++n) {
        auto status = store->db().read([&](Tx& tx) -> Status {
          auto first = tx.query("SELECT count(*) FROM items");
          if (!first) return first.error();
          auto second = tx.query("SELECT count(*), COALESCE(MAX(id), -1) FROM items");
          if (!second) return second.error();
          const int64_t n1 = (*first)[0].integer(0);
          const int64_t n2 = (*second)[0].integer(0);
          if (n1 % 2 != 0 || n1 != n2 || (*second)[0].integer(1) != n2 - 1) ++torn;
          return ok_status();
        });
        if (!status.ok()) ++errors;
        ++reads;
      }
    });
  }
  writer.join();
  for (auto& t : readers) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(torn.load(), 0);
  EXPECT_GE(reads.load(), kReaders * 20);
  EXPECT_EQ(count(*store, "items"), 2 * kPairs);
}

TEST_P(StoreConcurrency, ReadModifyWriteFromManyThreadsLosesNoUpdate) {
  auto store = open_store();
  ASSERT_TRUE(store);
  create_table(*store, "CREATE TABLE counters (name TEXT PRIMARY KEY, n BIGINT NOT NULL)");
  ASSERT_TRUE(store->db()
                  .write([](Tx& tx) -> Status {
                    auto r = tx.exec("INSERT INTO counters (name, n) VALUES ('hits', 0)");
                    if (!r) return r.error();
                    return ok_status();
                  })
                  .ok());
  constexpr int kThreads = 8;
  constexpr int kIncrements = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        // Read, then write what was read plus one: only correct if writes are serialized.
        auto status = store->db().write([](Tx& tx) -> Status {
          auto rows = tx.query("SELECT n FROM counters WHERE name = 'hits'");
          if (!rows) return rows.error();
          auto r = tx.exec("UPDATE counters SET n = $1 WHERE name = 'hits'",
                           {(*rows)[0].integer(0) + 1});
          if (!r) return r.error();
          return ok_status();
        });
        if (!status.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto status = store->db().read([](Tx& tx) -> Status {
    auto rows = tx.query("SELECT n FROM counters WHERE name = 'hits'");
    if (!rows) return rows.error();
    EXPECT_EQ((*rows)[0].integer(0), kThreads * kIncrements);
    return ok_status();
  });
  EXPECT_TRUE(status.ok()) << status.error().message;
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConcurrency, ::testing::Values("sqlite", "postgres"),
                         store_testing::backend_name);

}  // namespace
}  // namespace parley
