// SQLite FTS5 baseline: an in-memory database, fts5(title, text) with the porter tokenizer
// over unicode61, bm25() ranking, the query's words each quoted and joined with OR.
#include <sqlite3.h>

#include <cctype>
#include <stdexcept>

#include "engine.h"

namespace parley::bench {
namespace {

// The query's alphanumeric words (bytes >= 0x80 count as letters, as unicode61 mostly
// does), each double-quoted so that FTS5 syntax in a question cannot break the query.
std::string fts5_match_expression(const std::string& query) {
  std::string expression, word;
  auto flush = [&] {
    if (word.empty()) return;
    if (!expression.empty()) expression += " OR ";
    expression += '"' + word + '"';
    word.clear();
  };
  for (unsigned char c : query) {
    if (std::isalnum(c) || c >= 0x80) {
      word += static_cast<char>(c);
    } else {
      flush();
    }
  }
  flush();
  return expression;
}

class Fts5Engine : public Engine {
 public:
  Fts5Engine() {
    if (sqlite3_open(":memory:", &db_) != SQLITE_OK) throw std::runtime_error("sqlite open");
    exec("CREATE VIRTUAL TABLE docs USING fts5(title, text, tokenize='porter unicode61')");
  }
  ~Fts5Engine() override {
    sqlite3_finalize(query_);
    sqlite3_close(db_);
  }

  std::string name() const override { return "fts5"; }
  std::string describe() const override {
    return "SQLite " + std::string(sqlite3_libversion()) +
           " in-memory fts5(title, text, tokenize='porter unicode61'), words OR-ed, "
           "ORDER BY bm25(docs), optimized after the load";
  }

  void build(const std::vector<BeirDoc>& docs) override {
    exec("BEGIN");
    sqlite3_stmt* insert = prepare("INSERT INTO docs(rowid, title, text) VALUES (?, ?, ?)");
    for (size_t i = 0; i < docs.size(); ++i) {
      sqlite3_bind_int64(insert, 1, static_cast<sqlite3_int64>(i + 1));
      sqlite3_bind_text(insert, 2, docs[i].title.data(), docs[i].title.size(), SQLITE_STATIC);
      sqlite3_bind_text(insert, 3, docs[i].text.data(), docs[i].text.size(), SQLITE_STATIC);
      if (sqlite3_step(insert) != SQLITE_DONE) fail("insert");
      sqlite3_reset(insert);
      ids_.push_back(docs[i].id);
    }
    sqlite3_finalize(insert);
    exec("COMMIT");
    // One merged b-tree per term, as a careful deployment would keep it for reading.
    exec("INSERT INTO docs(docs) VALUES('optimize')");
    query_ = prepare("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?");
  }

  std::vector<std::string> search(const std::string& query, size_t limit) override {
    std::vector<std::string> ranked;
    std::string expression = fts5_match_expression(query);
    if (expression.empty()) return ranked;
    sqlite3_bind_text(query_, 1, expression.data(), expression.size(), SQLITE_TRANSIENT);
    sqlite3_bind_int64(query_, 2, static_cast<sqlite3_int64>(limit));
    while (sqlite3_step(query_) == SQLITE_ROW) {
      ranked.push_back(ids_[sqlite3_column_int64(query_, 0) - 1]);
    }
    sqlite3_reset(query_);
    return ranked;
  }

  size_t index_bytes() const override {
    return static_cast<size_t>(pragma("page_count") * pragma("page_size"));
  }

 private:
  void exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error != nullptr ? error : "";
      sqlite3_free(error);
      throw std::runtime_error(std::string(sql) + ": " + message);
    }
  }
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) fail(sql);
    return stmt;
  }
  sqlite3_int64 pragma(const char* name) const {
    sqlite3_stmt* stmt = nullptr;
    std::string sql = std::string("PRAGMA ") + name;
    sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr);
    sqlite3_int64 value = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_finalize(stmt);
    return value;
  }
  [[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what + ": " + sqlite3_errmsg(db_));
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* query_ = nullptr;
  std::vector<std::string> ids_;
};

}  // namespace

std::unique_ptr<Engine> make_fts5_engine() { return std::make_unique<Fts5Engine>(); }

}  // namespace parley::bench
