// Gives chunks their dense vectors for hybrid search: finds what the embeddings cache
// already holds for a bot's endpoint, embeds the rest in batches through the endpoint and
// stores the vectors sealed. Called by the ingest worker once a source's chunks are stored,
// and by the search service when it builds an index (vectors that ingest could not get).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kb/embedding_counters.h"
#include "kb/kb_context.h"
#include "model/embeddings_client.h"

namespace parley {

struct EmbedItem {
  std::string text_hash;  // embedding_hash of the chunk
  std::string text;       // embedding_text of the chunk
};

// Vectors by text hash, and why some are missing when the endpoint failed.
struct ChunkVectors {
  std::map<std::string, Embedding> by_hash;
  std::optional<Error> endpoint_error;
};

class ChunkEmbedder {
 public:
  ChunkEmbedder(KbContext context, EmbeddingCounters& counters, SleepFn sleep = real_sleep())
      : ctx_(context), counters_(counters), sleep_(std::move(sleep)) {}

  // The bot's embeddings endpoint; nullopt when it has none configured (or is gone).
  Result<std::optional<ModelEndpoint>> endpoint_of(const std::string& workspace_id,
                                                   const std::string& bot_id) const;

  // Embeds the chunks of the source that the cache lacks. A failure (after the retries)
  // leaves the vectors missing; the source is unaffected.
  Status embed_source(const std::string& workspace_id, const std::string& bot_id,
                      const std::string& source_id);

  // The vectors of `items` by text hash: cached ones opened; with `embed_missing`, the rest
  // embedded and cached first. On an endpoint failure, returns what it has, with the error,
  // and counts it; fails only when the store or the keyring does.
  Result<ChunkVectors> vectors(const std::string& workspace_id, const ModelEndpoint& endpoint,
                               const std::vector<EmbedItem>& items, bool embed_missing,
                               const HttpPolicy& policy);

  Result<Embedding> embed_query(const ModelEndpoint& endpoint, const std::string& query) const;

  EmbeddingCounters& counters() { return counters_; }
  HttpPolicy ingest_policy() const;
  HttpPolicy query_policy() const;  // one attempt under a short timeout

 private:
  Result<std::map<std::string, Embedding>> cached(const std::string& workspace_id,
                                                  const std::string& model_key,
                                                  const std::vector<std::string>& hashes) const;
  Status embed_and_store(const std::string& workspace_id, const ModelEndpoint& endpoint,
                         const std::vector<const EmbedItem*>& missing, const HttpPolicy& policy,
                         std::map<std::string, Embedding>& out);

  KbContext ctx_;
  EmbeddingCounters& counters_;
  SleepFn sleep_;
};

}  // namespace parley
