// Turns SQL written in the shared dialect (see database.h) into what one engine accepts.
// Called by the backends when they prepare a statement or run a migration script.
#pragma once

#include <string>
#include <string_view>

#include "store/database.h"

namespace parley {

// `$N` placeholders become `?N` on SQLite (SQLite would otherwise number `$2 ... $1` by
// first appearance); the `BYTES` column type becomes BLOB / BYTEA. String literals, quoted
// identifiers, comments and PostgreSQL dollar-quoted bodies are left alone.
std::string translate_sql(std::string_view sql, Dialect dialect);

// The start of a statement, for error messages: SQL text is code, never data, so it is
// safe to show, but a whole migration would drown the message.
std::string sql_excerpt(std::string_view sql);

// `message` with every occurrence of a bound text value (4 characters or more) masked:
// a last guard for engine messages that quote what they were given (an FTS or tsquery
// syntax error quotes the search, which may be personal data).
std::string mask_values(std::string message, const SqlParams& params);

}  // namespace parley
