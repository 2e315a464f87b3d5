// Search over a bot's chunks: one in-memory SearchIndex per bot, built from the store at
// first use, kept current as sources are processed or deleted, and evicted least recently
// used when the indexes together pass the configured memory cap (rebuilt on next use).
// Hits come back with their text and source for citations. Called by the search route and
// (later) the answerers.
#pragma once

#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "kb/kb_context.h"
#include "search/search_index.h"

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
};

class SearchService {
 public:
  SearchService(KbContext context, size_t memory_cap_bytes)
      : ctx_(context), memory_cap_bytes_(memory_cap_bytes) {}

  // limit 1-100; an empty query answers no results.
  Result<std::vector<SearchResult>> search(std::string_view workspace_id, std::string_view bot_id,
                                           std::string_view query, size_t limit);

  // Keep loaded indexes current: a source was (re)processed, or deleted; a bot deleted.
  void source_changed(const std::string& bot_id, const std::string& source_id);
  void source_removed(const std::string& bot_id, const std::string& source_id);
  void bot_removed(const std::string& bot_id);

  size_t memory_bytes() const;
  size_t loaded_bots() const;

 private:
  struct BotIndex;
  std::shared_ptr<BotIndex> loaded(const std::string& bot_id);
  Result<std::shared_ptr<BotIndex>> load(std::string_view workspace_id, const std::string& bot_id);
  Status fill(BotIndex& index, const std::string& bot_id, const std::string& source_id);
  void evict_over_cap(const std::string& keep_bot_id);

  KbContext ctx_;
  size_t memory_cap_bytes_;
  mutable std::mutex mutex_;  // guards the two members below
  std::map<std::string, std::shared_ptr<BotIndex>> indexes_;
  std::list<std::string> recent_;  // most recently used first
};

}  // namespace parley
