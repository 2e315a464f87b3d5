#include "store/embeddings_repo.h"

#include "store/repo_util.h"

namespace parley {
namespace {

// Lookups go this many hashes at a time: far below either backend's parameter limit.
constexpr size_t kLookupBatch = 500;

}  // namespace

Status put_embeddings(Tx& tx, const std::vector<EmbeddingRow>& rows) {
  for (const EmbeddingRow& r : rows) {
    auto inserted = tx.exec(
        "INSERT INTO embeddings (workspace_id, model_key, text_hash, dimensions, vector_sealed, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6) "
        "ON CONFLICT (workspace_id, model_key, text_hash) DO NOTHING",
        {r.workspace_id, r.model_key, r.text_hash, r.dimensions, r.vector_sealed, r.created_at});
    if (!inserted) return inserted.error();
  }
  return ok_status();
}

Result<std::vector<EmbeddingRow>> find_embeddings(Tx& tx, std::string_view workspace_id,
                                                  std::string_view model_key,
                                                  const std::vector<std::string>& text_hashes) {
  std::vector<EmbeddingRow> out;
  for (size_t begin = 0; begin < text_hashes.size(); begin += kLookupBatch) {
    const size_t end = std::min(text_hashes.size(), begin + kLookupBatch);
    std::string sql =
        "SELECT workspace_id, model_key, text_hash, dimensions, vector_sealed, created_at "
        "FROM embeddings WHERE workspace_id = $1 AND model_key = $2 AND text_hash IN (";
    SqlParams params = {std::string(workspace_id), std::string(model_key)};
    for (size_t i = begin; i < end; ++i) {
      params.push_back(text_hashes[i]);
      sql += (i > begin ? ", $" : "$") + std::to_string(params.size());
    }
    auto rows = tx.query(sql + ")", params);
    if (!rows) return rows.error();
    for (const Row& row : *rows) {
      out.push_back(
          {row.text(0), row.text(1), row.text(2), row.integer(3), row.bytes(4), row.integer(5)});
    }
  }
  return out;
}

Result<int64_t> prune_embeddings(Tx& tx, std::string_view workspace_id) {
  return tx.exec(
      "DELETE FROM embeddings WHERE workspace_id = $1 AND NOT EXISTS ("
      "SELECT 1 FROM chunks JOIN bots ON bots.id = chunks.bot_id "
      "WHERE chunks.embed_hash = embeddings.text_hash AND bots.workspace_id = $1)",
      {std::string(workspace_id)});
}

}  // namespace parley
