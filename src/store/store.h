// The Store: Parley's storage, opened once at start and shared by the whole program. It
// picks the backend (a SQLite file in the data directory by default, PostgreSQL when a
// database URL is given), refuses a schema newer than this binary, and applies
// migrations. Repositories in src/store/ use db(); services never see SQL.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/config.h"
#include "core/result.h"
#include "store/database.h"
#include "store/migrations.h"

namespace parley {

struct StoreOptions {
  std::filesystem::path data_dir;
  // Empty: the SQLite file data_dir/parley.db. "postgres://..." or "postgresql://...":
  // that PostgreSQL database.
  std::string database_url;
  int pg_pool_size = 8;
};

class Store {
 public:
  // Checks the schema version without changing anything, then opens the backend and
  // applies the migrations this binary knows: parley_migrations() unless told otherwise.
  static Result<std::unique_ptr<Store>> open(const StoreOptions& options, const Clock& clock);
  static Result<std::unique_ptr<Store>> open(const StoreOptions& options, const Clock& clock,
                                             const std::vector<Migration>& migrations);

  Database& db() { return *db_; }
  const Clock& clock() const { return clock_; }
  int schema_version() const { return schema_version_; }
  StoreStats stats() const { return db_->stats(); }
  // A cheap round trip to the database, for /readyz.
  Status ping();
  std::string backend_name() const;  // "sqlite" or "postgres"
  // Where the data lives, for messages and logs: a path, or a URL without its password.
  const std::string& location() const { return location_; }
  // This installation's id, created with its database; never personal data.
  const std::string& instance_id() const { return instance_id_; }

 private:
  Store(std::unique_ptr<Database> db, const Clock& clock, std::string location)
      : db_(std::move(db)), clock_(clock), location_(std::move(location)) {}
  Status load_meta();

  std::unique_ptr<Database> db_;
  const Clock& clock_;
  std::string location_;
  int schema_version_ = 0;
  std::string instance_id_;
};

}  // namespace parley
