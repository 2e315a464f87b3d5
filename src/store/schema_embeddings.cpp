#include "store/schema.h"

namespace parley {

// Dense vectors of chunks, cached by what was embedded: the workspace, the model (a hash of
// its base URL and name) and the SHA-256 of the embedded text. A vector can give away the
// text it came from, so it is sealed with the workspace key. Rows go with their workspace;
// rows no chunk refers to any more (chunks.embed_hash) are pruned when a bot or a source is
// deleted.
Migration embeddings_migration() {
  return {6, "create the embeddings cache",
          R"sql(
CREATE TABLE embeddings (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  model_key TEXT NOT NULL,
  text_hash TEXT NOT NULL,
  dimensions BIGINT NOT NULL,
  vector_sealed BYTES NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, model_key, text_hash)
);
ALTER TABLE chunks ADD COLUMN embed_hash TEXT;
CREATE INDEX chunks_by_embed_hash ON chunks (embed_hash);
)sql"};
}

}  // namespace parley
