#include "store/store.h"

#include <algorithm>
#include <random>
#include <system_error>

#include "core/ids.h"
#include "store/catalog.h"
#include "store/postgres/pg_database.h"
#include "store/schema.h"
#include "store/sqlite/sqlite_database.h"

namespace parley {
namespace {

constexpr const char* kSqliteFileName = "parley.db";

bool is_postgres_url(std::string_view url) {
  return url.starts_with("postgres://") || url.starts_with("postgresql://");
}

// Reads the schema version of an existing SQLite file without changing a byte of it and
// without leaving a file beside it.
Result<int> inspect_sqlite_version(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return 0;
  auto db = SqliteDatabase::open(file, SqliteOptions{.inspect_only = true});
  if (!db) return db.error();
  return schema_version(**db);
}

Result<std::unique_ptr<Database>> open_sqlite(const StoreOptions& options,
                                              const std::vector<Migration>& migrations) {
  if (options.data_dir.empty()) {
    return make_error(ErrorCode::invalid_argument, "no data directory given");
  }
  const std::filesystem::path file = options.data_dir / kSqliteFileName;
  auto version = inspect_sqlite_version(file);
  if (!version) return version.error();
  if (auto newer = check_schema_not_newer(*version, migrations, file.string()); !newer) {
    return newer.error();
  }
  std::error_code ec;
  // Owner only: the directory will hold personal data.
  if (std::filesystem::create_directories(options.data_dir, ec) && !ec) {
    std::filesystem::permissions(options.data_dir, std::filesystem::perms::owner_all, ec);
  }
  if (ec) {
    return make_error(ErrorCode::unavailable, "cannot create the data directory " +
                                                  options.data_dir.string() + ": " + ec.message());
  }
  auto db = SqliteDatabase::open(file);
  if (!db) return db.error();
  return std::unique_ptr<Database>(std::move(db).value());
}

Result<std::unique_ptr<Database>> open_postgres(const StoreOptions& options,
                                                const std::vector<Migration>& migrations) {
  auto db =
      PgDatabase::open(PgOptions{.url = options.database_url, .pool_size = options.pg_pool_size});
  if (!db) return db.error();
  // Only a read-only transaction so far: a newer schema is refused untouched.
  auto version = schema_version(**db);
  if (!version) return version.error();
  if (auto newer =
          check_schema_not_newer(*version, migrations, redact_database_url(options.database_url));
      !newer) {
    return newer.error();
  }
  return std::unique_ptr<Database>(std::move(db).value());
}

}  // namespace

Result<std::unique_ptr<Store>> Store::open(const StoreOptions& options, const Clock& clock) {
  return open(options, clock, parley_migrations());
}

Result<std::unique_ptr<Store>> Store::open(const StoreOptions& options, const Clock& clock,
                                           const std::vector<Migration>& migrations) {
  const bool postgres = !options.database_url.empty();
  if (postgres && !is_postgres_url(options.database_url)) {
    return make_error(ErrorCode::invalid_argument,
                      "the database URL must start with postgres:// or postgresql://");
  }
  auto db = postgres ? open_postgres(options, migrations) : open_sqlite(options, migrations);
  if (!db) return db.error();
  const std::string location = postgres ? redact_database_url(options.database_url)
                                        : (options.data_dir / kSqliteFileName).string();
  std::unique_ptr<Store> store(new Store(std::move(db).value(), clock, location));
  if (auto migrated = migrate(store->db(), migrations, clock); !migrated) {
    return make_error(migrated.error().code, "cannot migrate the database at " + location + ": " +
                                                 migrated.error().message);
  }
  auto version = parley::schema_version(store->db());
  if (!version) return version.error();
  store->schema_version_ = *version;
  if (auto meta = store->load_meta(); !meta) return meta.error();
  return store;
}

Status Store::load_meta() {
  // Test migration lists may leave out the meta table; then there is no instance id.
  auto tables = list_tables(*db_);
  if (!tables) return tables.error();
  const bool has_meta = std::find(tables->begin(), tables->end(), "meta") != tables->end();
  if (!has_meta) return ok_status();
  auto read = db_->read([&](Tx& tx) -> Status {
    auto rows = tx.query("SELECT value FROM meta WHERE key = 'instance_id'");
    if (!rows) return rows.error();
    if (!rows->empty()) instance_id_ = (*rows)[0].text(0);
    return ok_status();
  });
  if (!read) return read;
  if (!instance_id_.empty()) return ok_status();
  const std::string id = new_id("inst", clock_);
  auto written = db_->write([&](Tx& tx) -> Status {
    const std::string_view insert =
        "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING";
    if (auto r = tx.exec(insert, {std::string("instance_id"), id}); !r) return r.error();
    if (auto r = tx.exec(insert, {std::string("created_at"), std::to_string(clock_.now_ms())});
        !r) {
      return r.error();
    }
    return ok_status();
  });
  if (!written) return written;
  // Another node may have won the race: read back whichever id was kept.
  return db_->read([&](Tx& tx) -> Status {
    auto rows = tx.query("SELECT value FROM meta WHERE key = 'instance_id'");
    if (!rows) return rows.error();
    instance_id_ = (*rows)[0].text(0);
    return ok_status();
  });
}

Status Store::ping() {
  return db_->read([](Tx& tx) -> Status {
    auto rows = tx.query("SELECT 1");
    if (!rows) return rows.error();
    return ok_status();
  });
}

std::string Store::backend_name() const {
  return db_->dialect() == Dialect::sqlite ? "sqlite" : "postgres";
}

}  // namespace parley
