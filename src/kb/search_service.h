// Search over a bot's chunks: one in-memory SearchIndex per bot, built from the store at
// first use, kept current as sources are processed or deleted, and evicted least recently
// used when the indexes together pass the configured memory cap (rebuilt on next use).
// A bot with an embeddings endpoint also gets a VectorIndex of its chunks' cached vectors,
// and its searches fuse BM25 with the query's nearest chunks by reciprocal rank fusion.
// Hits come back with their text and source for citations, from memory: a loaded bot holds
// its chunks' opened texts and sources, and its row and settings, which the chat reads
// too (kb/bot_index.h). Called by the search route and the chat.
#pragma once

#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "kb/bot_view.h"
#include "kb/chunk_embedder.h"
#include "kb/kb_context.h"
#include "kb/query_vector_cache.h"
#include "search/search_index.h"
#include "search/vector_index.h"

namespace parley {

struct SearchResultSource {
  std::string id;
  std::optional<std::string> external_id;
  std::string title;
  std::optional<std::string> url;
};

struct SearchResult {
  std::string chunk_id;
  double score = 0;
  std::string text;
  std::vector<std::string> highlights;  // the words of the text that matched
  SearchResultSource source;
  // For the answerers (the search route does not show them): a Q&A chunk's question and
  // its other phrasings (text is then the answer), and the page of a paged document.
  std::string question;
  std::vector<std::string> alternatives;
  int64_t page = 0;  // 0: none
};

// A chunk next to a hit in its source, for an answerer that reads the hit in its context.
struct NeighbourChunk {
  std::string chunk_id;
  size_t position = 0;  // its place among the source's chunks, in document order
  std::string text;
};

// A hit's place among its source's chunks and the neighbours on each side (the same page,
// passages only: a Q&A pair stands alone), nearest last in `before`, nearest first in
// `after`.
struct HitNeighbours {
  size_t position = 0;
  std::vector<NeighbourChunk> before;
  std::vector<NeighbourChunk> after;
};

struct OpenedChunk;

class SearchService {
 public:
  SearchService(KbContext context, size_t memory_cap_bytes, ChunkEmbedder& embedder)
      : ctx_(context), memory_cap_bytes_(memory_cap_bytes), embedder_(embedder) {}

  // The bot as loaded for search: read and opened once, kept until it changes. not_found
  // for an unknown bot or another workspace's.
  Result<std::shared_ptr<const BotView>> bot(std::string_view workspace_id,
                                             std::string_view bot_id);
  // The same by the public id a widget names it by; not_found for a malformed or unknown
  // one (a rotated public id names nothing once the rotation is done).
  Result<std::shared_ptr<const BotView>> bot_by_public_id(std::string_view public_id);

  // limit 1-100; an empty query answers no results.
  Result<std::vector<SearchResult>> search(std::string_view workspace_id, std::string_view bot_id,
                                           std::string_view query, size_t limit);

  // For each result of search(), up to `each_side` chunks of its source before and after
  // it. A result no longer indexed, or a Q&A pair, has none.
  Result<std::vector<HitNeighbours>> neighbours(std::string_view workspace_id,
                                                std::string_view bot_id,
                                                const std::vector<SearchResult>& results,
                                                size_t each_side);

  // A passage for the extractive answerer: a chunk's text, or several chunks' joined.
  struct PassageText {
    std::string_view chunk_id;
    std::string_view text;
    std::string_view title;  // its source's
  };
  // When the passage is a chunk's whole text, the sentence analysis its index keeps
  // (SearchIndex::passage_analysis), so that the answerer analyses nothing; else null (a
  // passage of joined chunks, a bot not found).
  std::shared_ptr<const PassageAnalysis> analysis(std::string_view workspace_id,
                                                  std::string_view bot_id,
                                                  const PassageText& passage);
  // Keep loaded indexes current: a source was (re)processed, or deleted; a bot deleted (or
  // its settings changed: its index is dropped and rebuilt with them at the next search);
  // a workspace deleted (its bots' indexes and texts dropped).
  void source_changed(const std::string& bot_id, const std::string& source_id);
  void source_removed(const std::string& bot_id, const std::string& source_id);
  void bot_removed(const std::string& bot_id);
  void workspace_removed(const std::string& workspace_id);

  // The workspace of a loaded bot, without a read; nothing when it is not loaded.
  std::optional<std::string> loaded_workspace(const std::string& bot_id);

  size_t memory_bytes() const;
  // Prometheus text: each loaded bot's index size, the total and the cap.
  void render_metrics(std::string& out) const;
  size_t loaded_bots() const;
  // How many chunks of a loaded bot have a vector (0 when not loaded): for tests.
  size_t vector_count(const std::string& bot_id);

 private:
  struct BotIndex;
  std::shared_ptr<BotIndex> loaded(const std::string& bot_id);
  Result<std::shared_ptr<BotIndex>> load(std::string_view workspace_id, const std::string& bot_id);
  // load() for this workspace's caller, marked most recently used.
  Result<std::shared_ptr<BotIndex>> find(std::string_view workspace_id, std::string_view bot_id);
  Result<std::map<std::string, SearchResultSource>> sources_of(
      const BotIndex& entry, const std::string& bot_id, const std::vector<OpenedChunk>& page);
  Status fill(BotIndex& index, const std::string& bot_id, const std::string& source_id,
              bool embed_missing);
  void evict_over_cap(const std::string& keep_bot_id);
  // Forgets a loaded bot; the caller holds mutex_.
  void unload(std::map<std::string, std::shared_ptr<BotIndex>>::iterator entry);
  Status add_vectors(BotIndex& entry, const std::vector<std::pair<std::string, EmbedItem>>& chunks,
                     bool embed_missing);
  std::optional<Embedding> query_vector(const BotIndex& entry, std::string_view query);
  static size_t bytes_of(const BotIndex& entry);

  KbContext ctx_;
  size_t memory_cap_bytes_;
  ChunkEmbedder& embedder_;
  QueryVectorCache query_vectors_;
  mutable std::mutex mutex_;  // guards the four members below
  std::map<std::string, std::shared_ptr<BotIndex>> indexes_;
  std::map<std::string, std::string, std::less<>> by_public_id_;  // of the loaded bots
  std::list<std::string> recent_;                                 // most recently used first
  uint64_t drops_ = 0;  // bots dropped so far: a load that saw a drop does not publish
};

}  // namespace parley
