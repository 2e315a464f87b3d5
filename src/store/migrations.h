// Versioned schema migrations: each is applied once, in order, in its own write, and
// recorded in schema_migrations. Run by Store::open at start and by `parley migrate`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/database.h"

namespace parley {

struct Migration {
  int version;       // 1, 2, 3...: strictly increasing, never reused, never edited once shipped
  std::string name;  // what it does, e.g. "create meta"
  std::string sql;   // one or more `;`-separated statements in the shared dialect
};

// The newest version the database has applied; 0 for an empty database.
Result<int> schema_version(Database& db);

// Refuses, with a message that tells the operator what to do, a database whose schema is
// newer than every migration this binary knows. `where` names the database in the message
// (no password: it reaches logs).
Status check_schema_not_newer(int database_version, const std::vector<Migration>& migrations,
                              std::string_view where);

// Applies every migration newer than the database's version, each in its own write.
// Refuses (and changes nothing) when the database is newer than `migrations`.
Status migrate(Database& db, const std::vector<Migration>& migrations, const Clock& clock);

}  // namespace parley
