// A bot as the search service holds it in memory: the bot opened (BotView), its BM25
// index (and vectors, with an embeddings endpoint), and its chunks' opened texts and
// sources, so that a search and a chat turn read nothing from the store and open no seal.
// Built from the store at first use and kept current by the knowledge events (a source
// processed or removed); a bot changed or removed, or its workspace deleted, drops it
// whole, texts included.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "kb/bot_settings.h"
#include "kb/chunk_pages.h"
#include "kb/search_service.h"
#include "search/search_index.h"
#include "search/vector_index.h"

namespace parley {

struct SearchService::BotIndex {
  BotView bot;             // as the index was built from it
  std::shared_mutex lock;  // shared for searches, exclusive for changes
  std::unique_ptr<SearchIndex> index;
  std::map<std::string, std::vector<std::string>> chunks_by_source;  // in document order
  struct Chunk {
    std::string source_id;
    ChunkBody body;
  };
  std::unordered_map<std::string, Chunk> chunks;
  std::map<std::string, SearchResultSource> sources;  // of the chunks above
  // Hybrid search: set when the bot has an embeddings endpoint (fixed for the index's life:
  // a settings change drops the index).
  std::optional<ModelEndpoint> embeddings;
  std::string model_key;
  std::unique_ptr<VectorIndex> vectors;  // made with the first vector's dimensions
  // The memory held, set at the end of each change under the exclusive lock and read
  // without it: the memory cap must not wait for an index being built (which may embed
  // over the network) while holding the service's mutex.
  std::atomic<size_t> bytes{0};

  // The caller holds the exclusive lock for these three.
  void drop_source(const std::string& source_id);
  // The page's chunks into the index and the texts; `sources` has each one's source.
  void add(const std::vector<OpenedChunk>& page,
           const std::map<std::string, SearchResultSource>& page_sources);
  void measure();

  // The caller holds the shared lock for these two. A hit no longer indexed (its source
  // deleted since) is nullopt.
  std::optional<SearchResult> result_of(const SearchHit& hit) const;
  HitNeighbours neighbours_of(const SearchResult& result, size_t each_side) const;

 private:
  size_t text_bytes_ = 0;
};

}  // namespace parley
