// SQL for the embeddings cache: a chunk's vector, sealed, found again by the workspace, the
// model and the hash of the embedded text, so unchanged text is never embedded twice.
// Called by the knowledge layer at ingest and when a search index is built.
#pragma once

#include <string>
#include <vector>

#include "store/database.h"

namespace parley {

struct EmbeddingRow {
  std::string workspace_id;
  std::string model_key;  // identifies base URL + model (a hash: no URL in the table)
  std::string text_hash;  // SHA-256 of the embedded text
  int64_t dimensions = 0;
  Bytes vector_sealed;
  int64_t created_at = 0;
};

// Stores the rows; a row already cached (same key) is left as it is.
Status put_embeddings(Tx& tx, const std::vector<EmbeddingRow>& rows);
// The cached rows among `text_hashes`, in no particular order.
Result<std::vector<EmbeddingRow>> find_embeddings(Tx& tx, std::string_view workspace_id,
                                                  std::string_view model_key,
                                                  const std::vector<std::string>& text_hashes);
// Deletes the workspace's vectors that no chunk of its bots refers to (chunks.embed_hash);
// returns how many went.
Result<int64_t> prune_embeddings(Tx& tx, std::string_view workspace_id);

}  // namespace parley
