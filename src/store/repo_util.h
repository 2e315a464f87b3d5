// Small helpers the repositories share: turning a statement's row count into a Status and
// mapping optional values to and from SQL NULL.
#pragma once

#include <optional>
#include <string>
#include <string_view>

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

}  // namespace parley
