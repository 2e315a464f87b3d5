#include "store/chunks_repo.h"

#include <unordered_set>

#include "store/repo_util.h"

namespace parley {
namespace {

constexpr std::string_view kColumns =
    "id, bot_id, source_id, page_id, kind, ordinal, page, content_hash, body_sealed, created_at, "
    "embed_hash";

ChunkRow chunk_from(const Row& row) {
  return {row.text(0),
          row.text(1),
          row.text(2),
          text_or_null(row, 3),
          row.text(4),
          row.integer(5),
          row.integer(6),
          row.text(7),
          row.bytes(8),
          row.integer(9),
          text_or_null(row, 10).value_or("")};
}

}  // namespace

Result<int64_t> replace_chunks(Tx& tx, std::string_view source_id,
                               const std::optional<std::string>& page_id,
                               const std::vector<ChunkRow>& chunks) {
  std::string scope = page_id ? "source_id = $1 AND page_id = $2" : "source_id = $1";
  SqlParams scope_params = {std::string(source_id)};
  if (page_id) scope_params.push_back(*page_id);

  std::unordered_set<std::string> wanted;
  for (const ChunkRow& chunk : chunks) wanted.insert(chunk.content_hash);
  auto existing = tx.query("SELECT content_hash FROM chunks WHERE " + scope, scope_params);
  if (!existing) return existing.error();
  for (const Row& row : *existing) {
    if (wanted.count(row.text(0))) continue;
    SqlParams params = scope_params;
    params.push_back(row.text(0));
    const std::string at = "$" + std::to_string(params.size());
    if (auto s = done(
            tx.exec("DELETE FROM chunks WHERE " + scope + " AND content_hash = " + at, params));
        !s) {
      return s.error();
    }
  }
  std::unordered_set<std::string> written;
  for (const ChunkRow& c : chunks) {
    if (!written.insert(c.content_hash).second) continue;
    auto upserted = tx.exec(
        "INSERT INTO chunks (" + std::string(kColumns) +
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
            "ON CONFLICT (source_id, content_hash) DO UPDATE SET page_id = excluded.page_id, "
            "kind = excluded.kind, ordinal = excluded.ordinal, page = excluded.page, "
            "body_sealed = excluded.body_sealed, embed_hash = excluded.embed_hash",
        {c.id, c.bot_id, c.source_id, or_null(c.page_id), c.kind, c.ordinal, c.page, c.content_hash,
         c.body_sealed, c.created_at,
         c.embed_hash.empty() ? SqlValue(std::monostate{}) : SqlValue(c.embed_hash)});
    if (!upserted) return upserted.error();
  }
  return count_chunks(tx, source_id);
}

Result<std::vector<ChunkRow>> list_chunks(Tx& tx, std::string_view bot_id,
                                          std::string_view source_id,
                                          const std::optional<ChunkPosition>& after, int limit) {
  std::string sql = "SELECT " + std::string(kColumns) + " FROM chunks WHERE bot_id = $1";
  SqlParams params = {std::string(bot_id), int64_t{limit}};
  if (!source_id.empty()) {
    params.push_back(std::string(source_id));
    sql += " AND source_id = $" + std::to_string(params.size());
  }
  if (after) {
    params.push_back(after->source_id);
    params.push_back(after->ordinal);
    params.push_back(after->id);
    const size_t n = params.size();
    sql += " AND (source_id, ordinal, id) > ($" + std::to_string(n - 2) + ", $" +
           std::to_string(n - 1) + ", $" + std::to_string(n) + ")";
  }
  auto rows = tx.query(sql + " ORDER BY source_id, ordinal, id LIMIT $2", params);
  if (!rows) return rows.error();
  std::vector<ChunkRow> out;
  for (const Row& row : *rows) out.push_back(chunk_from(row));
  return out;
}

Result<int64_t> count_chunks(Tx& tx, std::string_view source_id) {
  auto rows =
      tx.query("SELECT COUNT(*) FROM chunks WHERE source_id = $1", {std::string(source_id)});
  if (!rows) return rows.error();
  return rows->front().integer(0);
}

}  // namespace parley
