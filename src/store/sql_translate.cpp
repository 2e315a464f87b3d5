#include "store/sql_translate.h"

#include <cctype>

namespace parley {
namespace {

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Index just past the quoted run that starts at `i` (a quote char), or the end.
size_t skip_quoted(std::string_view sql, size_t i) {
  const char quote = sql[i];
  for (size_t j = i + 1; j < sql.size(); ++j) {
    // A doubled quote ('it''s') ends one run and starts the next: same outcome.
    if (sql[j] == quote) return j + 1;
  }
  return sql.size();
}

// A PostgreSQL dollar quote `$tag$ ... $tag$` starting at `i`, or npos if `i` is not one.
size_t skip_dollar_quoted(std::string_view sql, size_t i) {
  // The caller has ruled out `$1`: a tag never starts with a digit.
  size_t j = i + 1;
  while (j < sql.size() && is_word_char(sql[j])) ++j;
  if (j >= sql.size() || sql[j] != '$') return std::string_view::npos;
  const std::string_view tag = sql.substr(i, j - i + 1);
  const size_t end = sql.find(tag, j + 1);
  return end == std::string_view::npos ? sql.size() : end + tag.size();
}

}  // namespace

std::string translate_sql(std::string_view sql, Dialect dialect) {
  std::string out;
  out.reserve(sql.size() + 8);
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    size_t end = i + 1;
    if (c == '\'' || c == '"') {
      end = skip_quoted(sql, i);
    } else if (c == '-' && next == '-') {
      end = sql.find('\n', i);
      end = end == std::string_view::npos ? sql.size() : end;
    } else if (c == '/' && next == '*') {
      end = sql.find("*/", i + 2);
      end = end == std::string_view::npos ? sql.size() : end + 2;
    } else if (c == '$' && std::isdigit(static_cast<unsigned char>(next))) {
      out += dialect == Dialect::sqlite ? '?' : '$';
      ++i;
      continue;
    } else if (c == '$' && dialect == Dialect::postgres) {
      const size_t quoted_end = skip_dollar_quoted(sql, i);
      if (quoted_end != std::string_view::npos) end = quoted_end;
    } else if (is_word_char(c)) {
      while (end < sql.size() && is_word_char(sql[end])) ++end;
      if (sql.substr(i, end - i) == "BYTES") {
        out += dialect == Dialect::sqlite ? "BLOB" : "BYTEA";
        i = end;
        continue;
      }
    }
    out.append(sql.substr(i, end - i));
    i = end;
  }
  return out;
}

std::string sql_excerpt(std::string_view sql) {
  constexpr size_t kMax = 120;
  std::string out;
  for (char c : sql.substr(0, kMax)) {
    const bool space = c == '\n' || c == '\t' || c == '\r' || c == ' ';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  if (sql.size() > kMax) out += "...";
  return out;
}

std::string mask_values(std::string message, const SqlParams& params) {
  for (const SqlValue& param : params) {
    const auto* text = std::get_if<std::string>(&param);
    if (text == nullptr || text->size() < 4) continue;
    for (size_t at = message.find(*text); at != std::string::npos;
         at = message.find(*text, at + 3)) {
      message.replace(at, text->size(), "***");
    }
  }
  return message;
}

}  // namespace parley
