#include "kb/search_service.h"

#include <algorithm>

#include "kb/chunk_codec.h"
#include "kb/source_seal.h"
#include "store/bots_repo.h"
#include "store/chunks_repo.h"
#include "store/sources_repo.h"

namespace parley {
namespace {

constexpr int kLoadPage = 1000;

ChunkText chunk_text(const ChunkRow& row, const ChunkBody& body) {
  ChunkText text;
  text.chunk_id = row.id;
  text.source_id = row.source_id;
  text.title = body.title;
  for (const std::string& heading : body.headings) {
    text.headings += (text.headings.empty() ? "" : " > ") + heading;
  }
  text.body = body.text;
  if (!body.question.empty()) {
    text.question = body.question;
    for (const std::string& alternative : body.alternatives) text.question += "\n" + alternative;
  }
  return text;
}

}  // namespace

struct SearchService::BotIndex {
  std::string workspace_id;
  std::shared_mutex lock;  // shared for searches, exclusive for changes
  std::unique_ptr<SearchIndex> index;
  std::map<std::string, std::vector<std::string>> chunks_by_source;
};

std::shared_ptr<SearchService::BotIndex> SearchService::loaded(const std::string& bot_id) {
  std::lock_guard lock(mutex_);
  auto found = indexes_.find(bot_id);
  return found == indexes_.end() ? nullptr : found->second;
}

// Reads one source's chunks (every source's, when source_id is empty) into the index,
// replacing what the index held for it. The caller holds the index's exclusive lock.
Status SearchService::fill(BotIndex& entry, const std::string& bot_id,
                           const std::string& source_id) {
  if (!source_id.empty()) {
    for (const std::string& chunk_id : entry.chunks_by_source[source_id]) {
      entry.index->remove(chunk_id);
    }
    entry.chunks_by_source.erase(source_id);
  }
  std::optional<ChunkPosition> after;
  while (true) {
    std::vector<ChunkRow> rows;
    Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
      auto page = list_chunks(tx, bot_id, source_id, after, kLoadPage);
      if (!page) return page.error();
      rows = std::move(*page);
      return ok_status();
    });
    if (!read) return read;
    for (const ChunkRow& row : rows) {
      auto body = open_chunk_body(ctx_.keyring, entry.workspace_id, row);
      if (!body) return body.error();
      entry.index->add(chunk_text(row, *body));
      entry.chunks_by_source[row.source_id].push_back(row.id);
    }
    if (rows.size() < static_cast<size_t>(kLoadPage)) return ok_status();
    after = ChunkPosition{rows.back().source_id, rows.back().ordinal, rows.back().id};
  }
}

Result<std::shared_ptr<SearchService::BotIndex>> SearchService::load(std::string_view workspace_id,
                                                                     const std::string& bot_id) {
  if (auto entry = loaded(bot_id)) return entry;
  std::optional<BotRow> bot;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    auto found = find_bot(tx, workspace_id, bot_id);
    if (!found) return found.error();
    bot = std::move(*found);
    return ok_status();
  });
  if (!read) return read.error();
  if (!bot) return make_error(ErrorCode::not_found, "no such bot");

  auto entry = std::make_shared<BotIndex>();
  entry->workspace_id = bot->workspace_id;
  entry->index = std::make_unique<SearchIndex>(std::make_shared<Analyzer>(bot->language));
  std::unique_lock building(entry->lock);
  {
    // Publish first, so that changes arriving while it builds wait for it, then apply.
    std::lock_guard lock(mutex_);
    auto [slot, inserted] = indexes_.emplace(bot_id, entry);
    if (!inserted) return slot->second;  // another thread got there first
    recent_.push_front(bot_id);
  }
  if (auto filled = fill(*entry, bot_id, ""); !filled) {
    std::lock_guard lock(mutex_);
    indexes_.erase(bot_id);
    recent_.remove(bot_id);
    return filled.error();
  }
  building.unlock();
  evict_over_cap(bot_id);
  return entry;
}

void SearchService::evict_over_cap(const std::string& keep_bot_id) {
  std::lock_guard lock(mutex_);
  size_t total = 0;
  for (const auto& [id, entry] : indexes_) {
    std::shared_lock reading(entry->lock);
    total += entry->index->memory_bytes();
  }
  // Least recently used first; the bot just asked for stays.
  for (auto it = recent_.rbegin(); total > memory_cap_bytes_ && it != recent_.rend();) {
    if (*it == keep_bot_id) {
      ++it;
      continue;
    }
    auto entry = indexes_.find(*it);
    {
      std::shared_lock reading(entry->second->lock);
      total -= std::min(total, entry->second->index->memory_bytes());
    }
    indexes_.erase(entry);
    it = std::make_reverse_iterator(recent_.erase(std::next(it).base()));
  }
}

Result<std::vector<SearchResult>> SearchService::search(std::string_view workspace_id,
                                                        std::string_view bot_id,
                                                        std::string_view query, size_t limit) {
  const std::string bot(bot_id);
  auto entry = load(workspace_id, bot);
  if (!entry) return entry.error();
  // A loaded index is another workspace's bot as far as this caller is concerned.
  if ((*entry)->workspace_id != workspace_id) {
    return make_error(ErrorCode::not_found, "no such bot");
  }
  {
    std::lock_guard lock(mutex_);
    recent_.remove(bot);
    recent_.push_front(bot);
  }
  std::vector<SearchHit> hits;
  {
    std::shared_lock reading((*entry)->lock);
    SearchOptions options;
    options.limit = limit;
    hits = (*entry)->index->search(query, options);
  }
  if (hits.empty()) return std::vector<SearchResult>{};

  std::vector<std::string> ids;
  for (const SearchHit& hit : hits) ids.push_back(hit.chunk_id);
  std::vector<ChunkRow> rows;
  std::map<std::string, SourceRow> sources;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    auto found = find_chunks(tx, bot_id, ids);
    if (!found) return found.error();
    rows = std::move(*found);
    for (const ChunkRow& row : rows) {
      if (sources.count(row.source_id)) continue;
      auto source = find_source(tx, bot_id, row.source_id);
      if (!source) return source.error();
      if (*source) sources.emplace(row.source_id, std::move(**source));
    }
    return ok_status();
  });
  if (!read) return read.error();
  std::map<std::string, const ChunkRow*> by_id;
  for (const ChunkRow& row : rows) by_id[row.id] = &row;

  std::vector<SearchResult> results;
  for (const SearchHit& hit : hits) {
    auto row = by_id.find(hit.chunk_id);
    if (row == by_id.end()) continue;  // deleted since the search: leave it out
    auto source = sources.find(row->second->source_id);
    if (source == sources.end()) continue;
    auto body = open_chunk_body(ctx_.keyring, (*entry)->workspace_id, *row->second);
    if (!body) return body.error();
    auto title = open_source_title(ctx_.keyring, source->second);
    if (!title) return title.error();
    auto url = open_source_url(ctx_.keyring, source->second);
    if (!url) return url.error();
    SearchResult result;
    result.chunk_id = hit.chunk_id;
    result.score = hit.score;
    result.text = std::move(body->text);
    result.highlights = hit.matched_terms;
    result.source = {source->second.id, source->second.external_id, std::move(*title),
                     url->empty() ? std::optional<std::string>() : std::move(*url)};
    if (!body->url.empty()) result.source.url = body->url;  // a crawled page's own URL
    results.push_back(std::move(result));
  }
  return results;
}

void SearchService::source_changed(const std::string& bot_id, const std::string& source_id) {
  auto entry = loaded(bot_id);
  if (!entry) return;  // built from the store when first used
  std::unique_lock changing(entry->lock);
  if (!fill(*entry, bot_id, source_id)) {
    changing.unlock();
    bot_removed(bot_id);  // rebuilt whole at the next search
  }
}

void SearchService::source_removed(const std::string& bot_id, const std::string& source_id) {
  auto entry = loaded(bot_id);
  if (!entry) return;
  std::unique_lock changing(entry->lock);
  for (const std::string& chunk_id : entry->chunks_by_source[source_id]) {
    entry->index->remove(chunk_id);
  }
  entry->chunks_by_source.erase(source_id);
}

void SearchService::bot_removed(const std::string& bot_id) {
  std::lock_guard lock(mutex_);
  indexes_.erase(bot_id);
  recent_.remove(bot_id);
}

size_t SearchService::memory_bytes() const {
  std::lock_guard lock(mutex_);
  size_t total = 0;
  for (const auto& [id, entry] : indexes_) {
    std::shared_lock reading(entry->lock);
    total += entry->index->memory_bytes();
  }
  return total;
}

size_t SearchService::loaded_bots() const {
  std::lock_guard lock(mutex_);
  return indexes_.size();
}

}  // namespace parley
