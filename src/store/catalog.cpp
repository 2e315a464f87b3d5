#include "store/catalog.h"

namespace parley {
namespace {

Result<std::vector<std::string>> first_column(Database& db, std::string_view sql,
                                              const SqlParams& params) {
  std::vector<std::string> names;
  auto status = db.read([&](Tx& tx) -> Status {
    auto rows = tx.query(sql, params);
    if (!rows) return rows.error();
    names.clear();
    for (const Row& row : *rows) names.push_back(row.text(0));
    return ok_status();
  });
  if (!status) return status.error();
  return names;
}

}  // namespace

Result<std::vector<std::string>> list_tables(Database& db) {
  if (db.dialect() == Dialect::sqlite) {
    return first_column(db,
                        "SELECT name FROM pragma_table_list"
                        " WHERE schema = 'main' AND type IN ('table', 'virtual')"
                        " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
                        {});
  }
  return first_column(db,
                      "SELECT table_name::text FROM information_schema.tables"
                      " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                      " ORDER BY table_name",
                      {});
}

Result<std::vector<std::string>> list_columns(Database& db, std::string_view table) {
  if (db.dialect() == Dialect::sqlite) {
    return first_column(db, "SELECT name FROM pragma_table_info($1) ORDER BY cid",
                        {std::string(table)});
  }
  return first_column(db,
                      "SELECT column_name::text FROM information_schema.columns"
                      " WHERE table_schema = current_schema() AND table_name = $1"
                      " ORDER BY ordinal_position",
                      {std::string(table)});
}

}  // namespace parley
