// Fresh, empty databases for the store's tests, on either backend, one per test: a temp
// directory for SQLite, a new database on the server at PARLEY_TEST_PG_URL for
// PostgreSQL. Included by *_test.cpp files only.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <set>
#include <string>

#include "core/clock.h"
#include "store/postgres/pg_connection.h"
#include "store/store.h"

namespace parley::store_testing {

inline std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

inline std::string random_suffix() {
  std::random_device random;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 12; ++i) out += kHex[random() & 15];
  return out;
}

// `url` pointing at database `name` instead of the one it names.
inline std::string with_database(const std::string& url, const std::string& name) {
  const size_t authority = url.find("://") + 3;
  const size_t query = url.find('?', authority);
  const size_t path = url.find('/', authority);
  const size_t host_end = std::min(path, query);
  std::string out = url.substr(0, host_end) + "/" + name;
  if (query != std::string::npos) out += url.substr(query);
  return out;
}

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "parley-store-test.XXXXXX").string();
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

// A fresh database; dropped (PostgreSQL) or deleted (SQLite) when destroyed, so destroy
// every Store on it first.
class TestDatabase {
 public:
  explicit TestDatabase(const std::string& backend) {
    if (backend == "sqlite") {
      dir_ = std::make_unique<TempDir>();
      options_.data_dir = dir_->path() / "data";
      return;
    }
    server_url_ = env("PARLEY_TEST_PG_URL");
    name_ = "parley_t_" + random_suffix();
    auto admin = PgConnection::connect(server_url_);
    if (!admin) {
      ADD_FAILURE() << admin.error().message;
      return;
    }
    if (auto created = (*admin)->exec_script("CREATE DATABASE " + name_); !created) {
      ADD_FAILURE() << created.error().message;
      return;
    }
    options_.database_url = with_database(server_url_, name_);
  }
  ~TestDatabase() {
    if (name_.empty()) return;
    if (auto admin = PgConnection::connect(server_url_)) {
      (void)(*admin)->exec_script("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    }
  }
  const StoreOptions& options() const { return options_; }
  // The SQLite data directory (empty on PostgreSQL).
  std::filesystem::path data_dir() const { return options_.data_dir; }

 private:
  std::unique_ptr<TempDir> dir_;
  std::string server_url_;
  std::string name_;
  StoreOptions options_;
};

// A test run once per backend (INSTANTIATE_TEST_SUITE_P with "sqlite" and "postgres").
// Without PARLEY_TEST_PG_URL the PostgreSQL runs are skipped, unless PARLEY_REQUIRE_PG=1
// says they must run (CI, `make test`).
class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && env("PARLEY_TEST_PG_URL").empty()) {
      if (env("PARLEY_REQUIRE_PG") == "1") {
        FAIL() << "PARLEY_REQUIRE_PG=1 but PARLEY_TEST_PG_URL is not set: run the tests "
                  "through scripts/with-postgres.sh";
      }
      GTEST_SKIP() << "PARLEY_TEST_PG_URL is not set: run through scripts/with-postgres.sh "
                      "to test PostgreSQL";
    }
    database_ = std::make_unique<TestDatabase>(GetParam());
  }
  void TearDown() override { database_.reset(); }

  // Opens (or reopens) the Store on this test's database, failing the test on error.
  std::unique_ptr<Store> open_store() {
    auto store = Store::open(database_->options(), clock_);
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
    return store.ok() ? std::move(store).value() : nullptr;
  }

  bool sqlite() const { return GetParam() == "sqlite"; }

  // Creates a scratch table outside the migrations: these tests are about the engine.
  void create_table(Store& store, const std::string& ddl) {
    auto status = store.db().write([&](Tx& tx) { return tx.exec_script(ddl); });
    ASSERT_TRUE(status.ok()) << status.error().message;
  }

  int64_t count(Store& store, const std::string& table) {
    int64_t n = -1;
    auto status = store.db().read([&](Tx& tx) -> Status {
      auto rows = tx.query("SELECT count(*) FROM " + table);
      if (!rows) return rows.error();
      n = (*rows)[0].integer(0);
      return ok_status();
    });
    EXPECT_TRUE(status.ok()) << status.error().message;
    return n;
  }

  std::set<int64_t> ids(Store& store, const std::string& table) {
    std::set<int64_t> out;
    auto status = store.db().read([&](Tx& tx) -> Status {
      auto rows = tx.query("SELECT id FROM " + table);
      if (!rows) return rows.error();
      out.clear();
      for (const Row& row : *rows) out.insert(row.integer(0));
      return ok_status();
    });
    EXPECT_TRUE(status.ok()) << status.error().message;
    return out;
  }

  Status insert(Store& store, int64_t id) {
    return store.db().write([id](Tx& tx) -> Status {
      auto r = tx.exec("INSERT INTO items (id) VALUES ($1)", {id});
      if (!r) return r.error();
      return ok_status();
    });
  }

  ManualClock clock_;
  std::unique_ptr<TestDatabase> database_;
};

inline std::string backend_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

}  // namespace parley::store_testing
