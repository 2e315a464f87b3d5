// Small helpers the repositories share: turning a statement's row count into a Status and
// mapping optional values to and from SQL NULL.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.h"

namespace parley {

inline Status done(Result<int64_t> changed) {
  if (!changed) return changed.error();
  return ok_status();
}

// not_found ("no such <what>") when the statement changed no row.
inline Status changed_one(Result<int64_t> changed, std::string_view what) {
  if (!changed) return changed.error();
  if (*changed == 0) return make_error(ErrorCode::not_found, "no such " + std::string(what));
  return ok_status();
}

template <typename T>
SqlValue or_null(const std::optional<T>& value) {
  if (!value) return std::monostate{};
  return *value;
}

inline std::optional<int64_t> integer_or_null(const Row& row, size_t i) {
  if (row.is_null(i)) return std::nullopt;
  return row.integer(i);
}

inline std::optional<std::string> text_or_null(const Row& row, size_t i) {
  if (row.is_null(i)) return std::nullopt;
  return row.text(i);
}

// One page of a bot's rows of `table` (which has workspace_id, bot_id and a time-ordered
// id), newest id first, before `before_id` (empty: from the newest): how conversations and
// leads are listed.
// One more condition of a list: `column` equals `value` (none when value is empty).
struct ColumnEquals {
  std::string_view column;
  std::string_view value;
};

inline Result<std::vector<Row>> bot_rows_newest_first(Tx& tx, std::string_view table,
                                                      std::string_view columns,
                                                      std::string_view workspace_id,
                                                      std::string_view bot_id,
                                                      std::string_view before_id, int limit,
                                                      ColumnEquals also = {}) {
  std::string sql = "SELECT " + std::string(columns) + " FROM " + std::string(table) +
                    " WHERE workspace_id = $1 AND bot_id = $2";
  SqlParams params = {std::string(workspace_id), std::string(bot_id), int64_t{limit}};
  if (!before_id.empty()) {
    params.push_back(std::string(before_id));
    sql += " AND id < $" + std::to_string(params.size());
  }
  if (!also.value.empty()) {
    params.push_back(std::string(also.value));
    sql += " AND " + std::string(also.column) + " = $" + std::to_string(params.size());
  }
  return tx.query(sql + " ORDER BY id DESC LIMIT $3", params);
}

}  // namespace parley
