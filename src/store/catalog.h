// What the live schema holds, read from the engine's own catalog: tables and their
// columns. The data-map test compares it with the registry; startup checks may later.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace parley {

// Tables that hold rows (SQLite: ordinary and virtual tables, not their shadow tables nor
// SQLite's own; PostgreSQL: base tables of the current schema), sorted by name.
Result<std::vector<std::string>> list_tables(Database& db);

// The columns of `table`, in declaration order; empty if there is no such table.
Result<std::vector<std::string>> list_columns(Database& db, std::string_view table);

}  // namespace parley
