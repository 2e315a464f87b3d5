#include "store/migrations.h"

#include <cassert>

namespace parley {
namespace {

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version BIGINT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL)";

Result<bool> has_migrations_table(Tx& tx) {
  const std::string_view sql =
      tx.dialect() == Dialect::sqlite
          ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1"
          : "SELECT count(*) FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_name = $1";
  auto rows = tx.query(sql, {std::string("schema_migrations")});
  if (!rows) return rows.error();
  return (*rows)[0].integer(0) > 0;
}

// Inside a transaction, so that callers can check and apply atomically.
Result<int> version_in(Tx& tx) {
  auto exists = has_migrations_table(tx);
  if (!exists) return exists.error();
  if (!*exists) return 0;
  auto rows = tx.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!rows) return rows.error();
  return static_cast<int>((*rows)[0].integer(0));
}

int newest(const std::vector<Migration>& migrations) {
  return migrations.empty() ? 0 : migrations.back().version;
}

}  // namespace

Result<int> schema_version(Database& db) {
  int version = 0;
  auto status = db.read([&](Tx& tx) -> Status {
    auto v = version_in(tx);
    if (!v) return v.error();
    version = *v;
    return ok_status();
  });
  if (!status) return status.error();
  return version;
}

Status check_schema_not_newer(int database_version, const std::vector<Migration>& migrations,
                              std::string_view where) {
  if (database_version <= newest(migrations)) return ok_status();
  return make_error(
      ErrorCode::conflict,
      (where.empty() ? std::string("the database") : "the database at " + std::string(where)) +
          " has schema version " + std::to_string(database_version) +
          " but this parley binary knows versions up to " + std::to_string(newest(migrations)) +
          ": upgrade parley (nothing was changed)");
}

Status migrate(Database& db, const std::vector<Migration>& migrations, const Clock& clock) {
  for (size_t i = 1; i < migrations.size(); ++i) {
    assert(migrations[i - 1].version < migrations[i].version && "migrations out of order");
  }
  auto current = schema_version(db);
  if (!current) return current.error();
  if (auto newer = check_schema_not_newer(*current, migrations, ""); !newer) {
    return newer;
  }
  for (const Migration& m : migrations) {
    if (m.version <= *current) continue;
    auto applied = db.write([&](Tx& tx) -> Status {
      // Checked again inside the write: another process (a second node, `parley
      // migrate`) may have applied it since.
      auto version = version_in(tx);
      if (!version) return version.error();
      if (*version >= m.version) return ok_status();
      if (auto created = tx.exec(kCreateTable); !created) return created.error();
      if (auto ran = tx.exec_script(m.sql); !ran) {
        return make_error(ran.error().code, "migration " + std::to_string(m.version) + " (" +
                                                m.name + ") failed: " + ran.error().message);
      }
      auto recorded =
          tx.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                  {int64_t{m.version}, m.name, clock.now_ms()});
      if (!recorded) return recorded.error();
      return ok_status();
    });
    if (!applied) {
      // Two nodes starting together both try; the loser's CREATE fails. If the winner
      // applied this migration, carry on from there.
      auto now = schema_version(db);
      if (now && *now >= m.version) continue;
      return applied;
    }
  }
  return ok_status();
}

}  // namespace parley
