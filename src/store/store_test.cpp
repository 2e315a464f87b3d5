// The store suite: written once, run on SQLite and on PostgreSQL.
#include "store/store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

#include "store/catalog.h"
#include "store/schema.h"
#include "store/test_databases.h"

namespace parley {
namespace {

using store_testing::BackendTest;
using ::testing::HasSubstr;
using ::testing::Not;

class StoreSuite : public BackendTest {
 protected:
  // What a refused open must leave alone. SQLite: every file of the data directory, byte
  // for byte. PostgreSQL: the tables and the migration records.
  std::map<std::string, std::string> snapshot(Store* open_store) {
    std::map<std::string, std::string> out;
    if (sqlite()) {
      for (const auto& entry : std::filesystem::directory_iterator(database_->data_dir())) {
        std::ifstream in(entry.path(), std::ios::binary);
        out[entry.path().filename().string()] =
            std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      }
      return out;
    }
    auto tables = list_tables(open_store->db());
    EXPECT_TRUE(tables.ok());
    for (const auto& t : *tables) out["table " + t] = "";
    auto status = open_store->db().read([&](Tx& tx) -> Status {
      auto rows = tx.query("SELECT version, name, applied_at FROM schema_migrations");
      if (!rows) return rows.error();
      for (const Row& r : *rows) {
        out["migration " + std::to_string(r.integer(0))] =
            r.text(1) + "@" + std::to_string(r.integer(2));
      }
      return ok_status();
    });
    EXPECT_TRUE(status.ok());
    return out;
  }
};

TEST_P(StoreSuite, MigrationsApplyOnceAndAgainChangeNothing) {
  const int newest = parley_migrations().back().version;
  std::string instance_id;
  {
    auto store = open_store();
    ASSERT_TRUE(store);
    EXPECT_EQ(store->schema_version(), newest);
    EXPECT_EQ(store->backend_name(), GetParam());
    EXPECT_TRUE(store->ping().ok());
    instance_id = store->instance_id();
    EXPECT_THAT(instance_id, HasSubstr("inst_"));
  }
  clock_.advance(std::chrono::hours(24));
  auto store = open_store();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->schema_version(), newest);
  EXPECT_EQ(store->instance_id(), instance_id);
  auto status = store->db().read([&](Tx& tx) -> Status {
    auto rows = tx.query("SELECT version, applied_at FROM schema_migrations ORDER BY version");
    if (!rows) return rows.error();
    EXPECT_EQ(rows->size(), parley_migrations().size());
    for (const Row& row : *rows) {
      // Applied by the first open, at the clock's time then: the second open left them.
      EXPECT_EQ(row.integer(1), ManualClock().now_ms()) << "version " << row.integer(0);
    }
    return ok_status();
  });
  EXPECT_TRUE(status.ok()) << status.error().message;
}

TEST_P(StoreSuite, RefusesASchemaNewerThanTheBinaryAndChangesNothing) {
  std::vector<Migration> future = parley_migrations();
  future.push_back({99, "from a newer parley", "CREATE TABLE from_the_future (id BIGINT);"});
  std::map<std::string, std::string> before;
  {
    auto store = Store::open(database_->options(), clock_, future);
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_EQ((*store)->schema_version(), 99);
    if (!sqlite()) before = snapshot(store->get());
  }
  if (sqlite()) before = snapshot(nullptr);

  auto refused = Store::open(database_->options(), clock_);
  ASSERT_FALSE(refused.ok());
  const std::string& message = refused.error().message;
  EXPECT_THAT(message, HasSubstr("schema version 99"));
  EXPECT_THAT(message, HasSubstr("knows versions up to " +
                                 std::to_string(parley_migrations().back().version)));
  EXPECT_THAT(message, HasSubstr("upgrade parley (nothing was changed)"));
  if (sqlite()) {
    EXPECT_THAT(message, HasSubstr(database_->data_dir().string()));
    EXPECT_EQ(snapshot(nullptr), before);
  } else {
    auto reopened = Store::open(database_->options(), clock_, future);
    ASSERT_TRUE(reopened.ok()) << reopened.error().message;
    EXPECT_EQ(snapshot(reopened->get()), before);
  }
}

TEST_P(StoreSuite, RoundTripsEveryValueType) {
  auto store = open_store();
  ASSERT_TRUE(store);
  create_table(*store,
               "CREATE TABLE vals (id BIGINT PRIMARY KEY, i BIGINT, d DOUBLE PRECISION,"
               " t TEXT, b BYTES)");
  const std::vector<SqlParams> rows = {
      {int64_t{1}, std::monostate{}, std::monostate{}, std::monostate{}, std::monostate{}},
      {int64_t{2}, int64_t{9'223'372'036'854'775'807}, 3.25, std::string("héllo wörld ✓ 𝄞 中文"),
       Bytes{0, 1, 0, 255, 0}},
      {int64_t{3}, int64_t{-9'223'372'036'854'775'807 - 1}, -1e300, std::string(""), Bytes{}},
      {int64_t{4}, int64_t{0}, 0.1, std::string("it's \"quoted\" $1 ?1"), Bytes{0}},
  };
  auto written = store->db().write([&](Tx& tx) -> Status {
    for (const auto& row : rows) {
      auto r = tx.exec("INSERT INTO vals (id, i, d, t, b) VALUES ($1, $2, $3, $4, $5)", row);
      if (!r) return r.error();
      EXPECT_EQ(*r, 1);
    }
    return ok_status();
  });
  ASSERT_TRUE(written.ok()) << written.error().message;

  auto read = store->db().read([&](Tx& tx) -> Status {
    auto got = tx.query("SELECT id, i, d, t, b FROM vals ORDER BY id");
    if (!got) return got.error();
    EXPECT_EQ(got->size(), rows.size());
    for (size_t r = 0; r < std::min(got->size(), rows.size()); ++r) {
      for (size_t c = 0; c < rows[r].size(); ++c) {
        EXPECT_EQ((*got)[r].value(c), rows[r][c]) << "row " << r << " column " << c;
      }
    }
    // Parameters in another order than they appear, and reused.
    auto picked = tx.query("SELECT id FROM vals WHERE i = $2 OR id = $1 OR i = $2",
                           {int64_t{4}, int64_t{9'223'372'036'854'775'807}});
    if (!picked) return picked.error();
    EXPECT_EQ(picked->size(), 2u);
    // Values that go through no column keep their type.
    auto echoed = tx.query("SELECT $1, $2, $3, $4, $5",
                           {int64_t{-5}, 2.5, std::string("ü"), Bytes{0, 7}, std::monostate{}});
    if (!echoed) return echoed.error();
    EXPECT_EQ((*echoed)[0].value(0), SqlValue(int64_t{-5}));
    EXPECT_EQ((*echoed)[0].value(1), SqlValue(2.5));
    EXPECT_EQ((*echoed)[0].value(2), SqlValue(std::string("ü")));
    EXPECT_EQ((*echoed)[0].value(3), SqlValue(Bytes{0, 7}));
    EXPECT_TRUE((*echoed)[0].is_null(4));
    // Aggregates come back as integers on both (SUM(bigint) is NUMERIC on PostgreSQL).
    auto sums = tx.query("SELECT SUM(id), COUNT(*) FROM vals");
    if (!sums) return sums.error();
    EXPECT_EQ((*sums)[0].integer(0), 10);
    EXPECT_EQ((*sums)[0].integer(1), 4);
    return ok_status();
  });
  EXPECT_TRUE(read.ok()) << read.error().message;
}

TEST_P(StoreSuite, AFailedStatementFailsItsWholeWriteEvenIfIgnored) {
  auto store = open_store();
  ASSERT_TRUE(store);
  create_table(*store, "CREATE TABLE items (id BIGINT PRIMARY KEY)");
  ASSERT_TRUE(insert(*store, 1).ok());
  auto status = store->db().write([](Tx& tx) -> Status {
    (void)tx.exec("INSERT INTO items (id) VALUES ($1)", {int64_t{2}});
    auto dup = tx.exec("INSERT INTO items (id) VALUES ($1)", {int64_t{1}});
    EXPECT_FALSE(dup.ok());
    auto after = tx.exec("INSERT INTO items (id) VALUES ($1)", {int64_t{3}});
    EXPECT_FALSE(after.ok()) << "a statement after a failure must fail on both engines";
    return ok_status();  // ignores the failures: the write still fails
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::conflict);
  EXPECT_EQ(ids(*store, "items"), (std::set<int64_t>{1}));
}

TEST_P(StoreSuite, AUniqueViolationIsAConflictThatQuotesNoValue) {
  auto store = open_store();
  ASSERT_TRUE(store);
  create_table(*store, "CREATE TABLE people (id BIGINT PRIMARY KEY, email TEXT NOT NULL UNIQUE)");
  auto add = [&](int64_t id, const std::string& email) {
    return store->db().write([&](Tx& tx) -> Status {
      auto r = tx.exec("INSERT INTO people (id, email) VALUES ($1, $2)", {id, email});
      if (!r) return r.error();
      return ok_status();
    });
  };
  ASSERT_TRUE(add(1, "ada@example.com").ok());
  auto same_email = add(2, "ada@example.com");
  ASSERT_FALSE(same_email.ok());
  EXPECT_EQ(same_email.error().code, ErrorCode::conflict);
  EXPECT_THAT(same_email.error().message, Not(HasSubstr("ada@example.com")));
  auto same_id = add(1, "grace@example.com");
  ASSERT_FALSE(same_id.ok());
  EXPECT_EQ(same_id.error().code, ErrorCode::conflict);
  EXPECT_THAT(same_id.error().message, Not(HasSubstr("grace@example.com")));
  // Other failures are internal, and do not quote the value either.
  auto bad_type = store->db().write([](Tx& tx) -> Status {
    auto r =
        tx.exec("INSERT INTO people (id, email) VALUES ($1, $2)", {int64_t{3}, std::monostate{}});
    if (!r) return r.error();
    return ok_status();
  });
  ASSERT_FALSE(bad_type.ok());
  EXPECT_EQ(bad_type.error().code, ErrorCode::internal);
  EXPECT_EQ(count(*store, "people"), 1);
}

TEST_P(StoreSuite, ReturningAndOnConflictWorkTheSame) {
  auto store = open_store();
  ASSERT_TRUE(store);
  create_table(*store,
               "CREATE TABLE tags (name TEXT PRIMARY KEY, uses BIGINT NOT NULL, note TEXT)");
  auto upsert = [&](const std::string& name) {
    int64_t uses = -1;
    auto status = store->db().write([&](Tx& tx) -> Status {
      auto rows = tx.query(
          "INSERT INTO tags (name, uses) VALUES ($1, 1)"
          " ON CONFLICT (name) DO UPDATE SET uses = tags.uses + 1 RETURNING uses",
          {name});
      if (!rows) return rows.error();
      uses = (*rows)[0].integer(0);
      return ok_status();
    });
    EXPECT_TRUE(status.ok()) << status.error().message;
    return uses;
  };
  EXPECT_EQ(upsert("faq"), 1);
  EXPECT_EQ(upsert("faq"), 2);
  EXPECT_EQ(upsert("pricing"), 1);
  auto status = store->db().write([](Tx& tx) -> Status {
    auto ignored =
        tx.exec("INSERT INTO tags (name, uses) VALUES ('faq', 100) ON CONFLICT DO NOTHING");
    if (!ignored) return ignored.error();
    EXPECT_EQ(*ignored, 0);
    auto updated = tx.query("UPDATE tags SET note = $1 WHERE uses >= $2 RETURNING name, note",
                            {std::string("popular"), int64_t{2}});
    if (!updated) return updated.error();
    EXPECT_EQ(updated->size(), 1u);
    if (!updated->empty()) {
      EXPECT_EQ((*updated)[0].text(0), "faq");
    }
    auto changed = tx.exec("UPDATE tags SET uses = uses + 1");
    if (!changed) return changed.error();
    EXPECT_EQ(*changed, 2);
    auto removed = tx.exec("DELETE FROM tags WHERE name = $1", {std::string("pricing")});
    if (!removed) return removed.error();
    EXPECT_EQ(*removed, 1);
    return ok_status();
  });
  EXPECT_TRUE(status.ok()) << status.error().message;
}

TEST_P(StoreSuite, AThrowingWriteIsRolledBackAndTheExceptionReachesTheCaller) {
  auto store = open_store();
  ASSERT_TRUE(store);
  create_table(*store, "CREATE TABLE items (id BIGINT PRIMARY KEY)");
  EXPECT_THROW((void)store->db().write([](Tx& tx) -> Status {
    (void)tx.exec("INSERT INTO items (id) VALUES (1)");
    throw std::runtime_error("cannot continue");
  }),
               std::runtime_error);
  EXPECT_TRUE(insert(*store, 2).ok());
  EXPECT_EQ(ids(*store, "items"), (std::set<int64_t>{2}));
}

TEST_P(StoreSuite, ReadsCannotWrite) {
  auto store = open_store();
  ASSERT_TRUE(store);
  create_table(*store, "CREATE TABLE items (id BIGINT PRIMARY KEY)");
  auto status = store->db().read([](Tx& tx) -> Status {
    auto r = tx.exec("INSERT INTO items (id) VALUES (1)");
    if (!r) return r.error();
    return ok_status();
  });
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(count(*store, "items"), 0);
}

TEST_P(StoreSuite, AWriteInsideAWriteIsRefused) {
  auto store = open_store();
  ASSERT_TRUE(store);
  auto status = store->db().write(
      [&](Tx&) -> Status { return store->db().write([](Tx&) { return ok_status(); }); });
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("inside a write function"));
}

TEST_P(StoreSuite, ASearchSyntaxErrorDoesNotQuoteTheSearch) {
  auto store = open_store();
  ASSERT_TRUE(store);
  // Full-text search is engine-specific SQL; the rule about messages is not.
  const bool on_sqlite = sqlite();
  if (on_sqlite) create_table(*store, "CREATE VIRTUAL TABLE docs USING fts5(body)");
  // Each engine quotes the part it cannot parse: "no such column: lovelace" (FTS5 column
  // filter syntax), "syntax error in tsquery: "ada lovelace &"".
  auto status = store->db().read([&](Tx& tx) -> Status {
    auto rows =
        on_sqlite
            ? tx.query("SELECT rowid FROM docs WHERE docs MATCH $1", {std::string("lovelace: ada")})
            : tx.query("SELECT to_tsquery('simple', $1)", {std::string("ada lovelace &")});
    if (!rows) return rows.error();
    return ok_status();
  });
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, Not(HasSubstr("lovelace")));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreSuite, ::testing::Values("sqlite", "postgres"),
                         store_testing::backend_name);

}  // namespace
}  // namespace parley
