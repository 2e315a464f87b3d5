// What only the PostgreSQL backend has to prove: it survives connections that die, and
// its error messages withhold values.
#include "store/postgres/pg_database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/test_databases.h"

namespace parley {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class PgDatabaseTest : public store_testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto db = PgDatabase::open(PgOptions{.url = database_->options().database_url, .pool_size = 3});
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    auto created = db_->write([](Tx& tx) {
      return tx.exec_script("CREATE TABLE items (id BIGINT PRIMARY KEY, note TEXT)");
    });
    ASSERT_TRUE(created.ok()) << created.error().message;
  }
  void TearDown() override {
    db_.reset();
    BackendTest::TearDown();
  }

  Status insert(int64_t id) {
    return db_->write([id](Tx& tx) -> Status {
      auto r = tx.exec("INSERT INTO items (id) VALUES ($1)", {id});
      if (!r) return r.error();
      return ok_status();
    });
  }

  std::unique_ptr<PgDatabase> db_;
};

TEST_P(PgDatabaseTest, ReplacesConnectionsTheServerClosed) {
  // Fill the pool with idle connections.
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) threads.emplace_back([&, i] { EXPECT_TRUE(insert(i).ok()); });
  for (auto& t : threads) t.join();

  auto admin = PgConnection::connect(database_->options().database_url);
  ASSERT_TRUE(admin.ok());
  auto killed = (*admin)->query(
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
      " WHERE datname = current_database() AND pid <> pg_backend_pid()",
      {});
  ASSERT_TRUE(killed.ok()) << killed.error().message;
  EXPECT_GE((*killed)[0].integer(0), 1);

  for (int i = 10; i < 16; ++i) EXPECT_TRUE(insert(i).ok()) << i;
  auto status = db_->read([](Tx& tx) -> Status {
    auto rows = tx.query("SELECT count(*) FROM items");
    if (!rows) return rows.error();
    EXPECT_EQ((*rows)[0].integer(0), 12);
    return ok_status();
  });
  EXPECT_TRUE(status.ok()) << status.error().message;
}

TEST_P(PgDatabaseTest, ErrorMessagesDoNotQuoteValues) {
  auto status = db_->write([](Tx& tx) -> Status {
    auto r = tx.exec("INSERT INTO items (id) VALUES ($1::text::bigint)",
                     {std::string("ada@example.com")});
    if (!r) return r.error();
    return ok_status();
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::internal);
  EXPECT_THAT(status.error().message, HasSubstr("22P02"));
  EXPECT_THAT(status.error().message, Not(HasSubstr("ada@example.com")));
}

TEST_P(PgDatabaseTest, ABadUrlFailsAtOpenWithoutRepeatingThePassword) {
  auto db = PgDatabase::open(PgOptions{.url = "postgresql://u:s3cret@127.0.0.1:1/none"});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, ErrorCode::unavailable);
  EXPECT_THAT(db.error().message, Not(HasSubstr("s3cret")));
}

// Runs only where PostgreSQL is: "sqlite" would have nothing to test.
INSTANTIATE_TEST_SUITE_P(Backends, PgDatabaseTest, ::testing::Values("postgres"),
                         store_testing::backend_name);

}  // namespace
}  // namespace parley
