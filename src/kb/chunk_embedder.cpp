#include "kb/chunk_embedder.h"

#include <set>

#include "kb/bot_service.h"
#include "kb/chunk_pages.h"
#include "kb/embedding_codec.h"
#include "store/bots_repo.h"
#include "store/embeddings_repo.h"

namespace parley {

HttpPolicy ChunkEmbedder::ingest_policy() const {
  HttpPolicy policy;
  policy.timeout_ms = ctx_.config.embeddings_timeout_ms;
  policy.connect_timeout_ms = std::min(policy.connect_timeout_ms, policy.timeout_ms);
  policy.max_attempts = ctx_.config.embeddings_max_attempts;
  policy.retry_base_ms = ctx_.config.embeddings_retry_base_ms;
  policy.retry_cap_ms = ctx_.config.embeddings_retry_cap_ms;
  return policy;
}

HttpPolicy ChunkEmbedder::query_policy() const {
  HttpPolicy policy;
  policy.timeout_ms = ctx_.config.embeddings_query_timeout_ms;
  policy.connect_timeout_ms = policy.timeout_ms;
  policy.max_attempts = 1;  // a visitor is waiting: BM25 answers instead
  return policy;
}

Result<std::optional<ModelEndpoint>> ChunkEmbedder::endpoint_of(const std::string& workspace_id,
                                                                const std::string& bot_id) const {
  auto bot = read_bot(ctx_, workspace_id, bot_id);
  if (!bot) return bot.error();
  if (!*bot) return std::optional<ModelEndpoint>();
  auto settings = open_bot_settings(ctx_.keyring, **bot);
  if (!settings) return settings.error();
  if (!settings->embeddings.configured()) return std::optional<ModelEndpoint>();
  return std::optional<ModelEndpoint>(settings->embeddings);
}

Result<std::map<std::string, Embedding>> ChunkEmbedder::cached(
    const std::string& workspace_id, const std::string& model_key,
    const std::vector<std::string>& hashes) const {
  std::vector<EmbeddingRow> rows;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    auto found = find_embeddings(tx, workspace_id, model_key, hashes);
    if (!found) return found.error();
    rows = std::move(*found);
    return ok_status();
  });
  if (!read) return read.error();
  std::map<std::string, Embedding> out;
  for (const EmbeddingRow& row : rows) {
    auto vector =
        open_vector(ctx_.keyring, workspace_id, model_key, row.text_hash, row.vector_sealed);
    if (!vector) return vector.error();
    out.emplace(row.text_hash, std::move(*vector));
  }
  return out;
}

// Batch by batch, so that what was embedded before a failure is kept.
Status ChunkEmbedder::embed_and_store(const std::string& workspace_id,
                                      const ModelEndpoint& endpoint,
                                      const std::vector<const EmbedItem*>& missing,
                                      const HttpPolicy& policy,
                                      std::map<std::string, Embedding>& out) {
  const size_t batch = static_cast<size_t>(std::max(1, ctx_.config.embeddings_batch_size));
  const std::string model_key = embedding_model_key(endpoint);
  EmbeddingsClient client(endpoint, policy, batch, sleep_);
  for (size_t begin = 0; begin < missing.size(); begin += batch) {
    const size_t end = std::min(missing.size(), begin + batch);
    std::vector<std::string> texts;
    for (size_t i = begin; i < end; ++i) texts.push_back(missing[i]->text);
    auto vectors = client.embed(texts);
    if (!vectors) return vectors.error();
    counters_.inputs_embedded += texts.size();
    if (!out.empty() && !vectors->empty() && out.begin()->second.size() != (*vectors)[0].size()) {
      return make_error(ErrorCode::unavailable,
                        "embeddings endpoint: the vectors changed their number of dimensions");
    }
    std::vector<EmbeddingRow> rows;
    for (size_t i = begin; i < end; ++i) {
      Embedding& vector = (*vectors)[i - begin];
      auto sealed =
          seal_vector(ctx_.keyring, workspace_id, model_key, missing[i]->text_hash, vector);
      if (!sealed) return sealed.error();
      rows.push_back({workspace_id, model_key, missing[i]->text_hash,
                      static_cast<int64_t>(vector.size()), std::move(*sealed),
                      ctx_.clock.now_ms()});
      out[missing[i]->text_hash] = std::move(vector);
    }
    Status stored = ctx_.store.db().write([&](Tx& tx) { return put_embeddings(tx, rows); });
    if (!stored) return stored;
  }
  return ok_status();
}

Result<ChunkVectors> ChunkEmbedder::vectors(const std::string& workspace_id,
                                            const ModelEndpoint& endpoint,
                                            const std::vector<EmbedItem>& items, bool embed_missing,
                                            const HttpPolicy& policy) {
  std::vector<std::string> hashes;
  std::set<std::string> seen;
  for (const EmbedItem& item : items) {
    if (seen.insert(item.text_hash).second) hashes.push_back(item.text_hash);
  }
  auto found = cached(workspace_id, embedding_model_key(endpoint), hashes);
  if (!found) return found.error();
  counters_.cache_hits += found->size();
  ChunkVectors out;
  out.by_hash = std::move(*found);
  if (!embed_missing || out.by_hash.size() == hashes.size()) return out;
  std::vector<const EmbedItem*> missing;
  std::set<std::string> queued;
  for (const EmbedItem& item : items) {
    if (!out.by_hash.count(item.text_hash) && queued.insert(item.text_hash).second) {
      missing.push_back(&item);
    }
  }
  if (auto s = embed_and_store(workspace_id, endpoint, missing, policy, out.by_hash); !s) {
    if (s.error().code != ErrorCode::unavailable && s.error().code != ErrorCode::invalid_argument) {
      return s.error();  // the store or the keyring failed: not the endpoint's doing
    }
    ++counters_.ingest_failures;
    out.endpoint_error = s.error();
  }
  return out;
}

Status ChunkEmbedder::embed_source(const std::string& workspace_id, const std::string& bot_id,
                                   const std::string& source_id) {
  auto endpoint = endpoint_of(workspace_id, bot_id);
  if (!endpoint) return endpoint.error();
  if (!*endpoint) return ok_status();
  std::vector<EmbedItem> items;
  Status read = for_each_chunk_page(
      ctx_, workspace_id, bot_id, source_id, [&](const std::vector<OpenedChunk>& page) {
        for (const OpenedChunk& chunk : page) {
          items.push_back({embedding_hash(chunk.body), embedding_text(chunk.body)});
        }
        return ok_status();
      });
  if (!read) return read;
  auto got = vectors(workspace_id, **endpoint, items, true, ingest_policy());
  if (!got) return got.error();
  if (got->endpoint_error) return *got->endpoint_error;
  return ok_status();
}

Result<Embedding> ChunkEmbedder::embed_query(const ModelEndpoint& endpoint,
                                             const std::string& query) const {
  EmbeddingsClient client(endpoint, query_policy(), 1, sleep_);
  auto vectors = client.embed({query});
  if (!vectors) return vectors.error();
  return std::move(vectors->front());
}

}  // namespace parley
