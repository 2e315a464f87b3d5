#include "kb/search_service.h"

#include <algorithm>
#include <atomic>
#include <set>

#include "core/ids.h"
#include "kb/bot_index.h"
#include "kb/bot_service.h"
#include "kb/embedding_codec.h"
#include "kb/source_seal.h"
#include "search/rank_fusion.h"
#include "store/bots_repo.h"
#include "store/sources_repo.h"

namespace parley {
namespace {

// Hybrid search fuses this many candidates (at least) from each ranking.
constexpr size_t kFusionDepth = 50;

bool blank(std::string_view text) {
  for (unsigned char ch : text) {
    if (ch > ' ') return false;
  }
  return true;
}

// BM25's and the vectors' candidates fused by reciprocal rank; a chunk found only by its
// vector has no highlights.
std::vector<SearchHit> fuse(const std::vector<SearchHit>& lexical,
                            const std::vector<VectorHit>& dense, size_t limit) {
  std::vector<std::vector<std::string>> rankings(2);
  std::map<std::string, const SearchHit*> by_id;
  for (const SearchHit& hit : lexical) {
    rankings[0].push_back(hit.chunk_id);
    by_id[hit.chunk_id] = &hit;
  }
  for (const VectorHit& hit : dense) rankings[1].push_back(hit.chunk_id);
  std::vector<SearchHit> out;
  for (FusedHit& fused : reciprocal_rank_fusion(rankings)) {
    if (out.size() == limit) break;
    SearchHit hit;
    if (auto found = by_id.find(fused.id); found != by_id.end()) hit = *found->second;
    hit.chunk_id = std::move(fused.id);
    hit.score = fused.score;
    out.push_back(std::move(hit));
  }
  return out;
}

}  // namespace

size_t SearchService::bytes_of(const BotIndex& entry) { return entry.bytes; }

// Vectors for the chunks: cached ones and, when building, the rest embedded now with one
// attempt (what ingest could not embed). Chunks without a vector are found by BM25 alone.
// The caller holds the index's exclusive lock.
Status SearchService::add_vectors(BotIndex& entry,
                                  const std::vector<std::pair<std::string, EmbedItem>>& chunks,
                                  bool embed_missing) {
  if (!entry.embeddings || chunks.empty()) return ok_status();
  std::vector<EmbedItem> items;
  for (const auto& [chunk_id, item] : chunks) items.push_back(item);
  HttpPolicy policy = embedder_.ingest_policy();
  policy.max_attempts = 1;
  auto got =
      embedder_.vectors(entry.bot.workspace_id, *entry.embeddings, items, embed_missing, policy);
  if (!got) return got.error();
  for (const auto& [chunk_id, item] : chunks) {
    auto vector = got->by_hash.find(item.text_hash);
    if (vector == got->by_hash.end()) continue;
    if (!entry.vectors) entry.vectors = std::make_unique<VectorIndex>(vector->second.size());
    entry.vectors->add(chunk_id, vector->second);  // another model's dimensions: left out
  }
  return ok_status();
}

std::shared_ptr<SearchService::BotIndex> SearchService::loaded(const std::string& bot_id) {
  std::lock_guard lock(mutex_);
  auto found = indexes_.find(bot_id);
  return found == indexes_.end() ? nullptr : found->second;
}

// The sources of a page's chunks, title and URL opened: those the index holds already
// from it, the others read (one read for the page). A source deleted meanwhile is left out.
Result<std::map<std::string, SearchResultSource>> SearchService::sources_of(
    const BotIndex& entry, const std::string& bot_id, const std::vector<OpenedChunk>& page) {
  std::map<std::string, SearchResultSource> out;
  std::set<std::string> missing;
  for (const OpenedChunk& chunk : page) {
    const std::string& id = chunk.row.source_id;
    if (auto known = entry.sources.find(id); known != entry.sources.end()) {
      out.insert(*known);
    } else {
      missing.insert(id);
    }
  }
  std::vector<SourceRow> rows;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    rows.clear();
    for (const std::string& id : missing) {
      auto source = find_source(tx, bot_id, id);
      if (!source) return source.error();
      if (*source) rows.push_back(std::move(**source));
    }
    return ok_status();
  });
  if (!read) return read.error();
  for (const SourceRow& row : rows) {
    auto title = open_source_title(ctx_.keyring, row);
    if (!title) return title.error();
    auto url = open_source_url(ctx_.keyring, row);
    if (!url) return url.error();
    out[row.id] = {row.id, row.external_id, std::move(*title),
                   url->empty() ? std::optional<std::string>() : std::move(*url)};
  }
  return out;
}

// Reads one source's chunks (every source's, when source_id is empty) into the index,
// replacing what the index held for it, with their vectors. The caller holds the index's
// exclusive lock.
Status SearchService::fill(BotIndex& entry, const std::string& bot_id, const std::string& source_id,
                           bool embed_missing) {
  if (!source_id.empty()) entry.drop_source(source_id);
  Status filled = for_each_chunk_page(
      ctx_, entry.bot.workspace_id, bot_id, source_id,
      [&](const std::vector<OpenedChunk>& page) -> Status {
        auto sources = sources_of(entry, bot_id, page);
        if (!sources) return sources.error();
        entry.add(page, *sources);
        if (!entry.embeddings) return ok_status();
        std::vector<std::pair<std::string, EmbedItem>> to_embed;
        for (const OpenedChunk& chunk : page) {
          if (!sources->count(chunk.row.source_id)) continue;
          to_embed.push_back(
              {chunk.row.id, {embedding_hash(chunk.body), embedding_text(chunk.body)}});
        }
        return add_vectors(entry, to_embed, embed_missing);
      });
  entry.measure();
  return filled;
}

Result<std::shared_ptr<SearchService::BotIndex>> SearchService::load(std::string_view workspace_id,
                                                                     const std::string& bot_id) {
  if (auto entry = loaded(bot_id)) return entry;
  uint64_t drops_seen = 0;
  {
    std::lock_guard lock(mutex_);
    drops_seen = drops_;
  }
  auto found = read_bot(ctx_, workspace_id, bot_id);
  if (!found) return found.error();
  if (!*found) return make_error(ErrorCode::not_found, "no such bot");
  auto opened_bot = open_bot(ctx_.keyring, **found);
  if (!opened_bot) return opened_bot.error();
  auto entry = std::make_shared<BotIndex>();
  entry->bot = std::move(*opened_bot);
  const BotView& bot = entry->bot;
  const BotSettings& opened = bot.settings;
  if (opened.embeddings.configured()) {
    entry->embeddings = opened.embeddings;
    entry->model_key = embedding_model_key(opened.embeddings);
  }
  entry->index = std::make_unique<SearchIndex>(std::make_shared<Analyzer>(bot.language));
  std::map<std::string, std::vector<std::string>> synonyms;
  for (const auto& group : opened.synonyms) {
    auto& others = synonyms[group.front()];
    others.insert(others.end(), group.begin() + 1, group.end());
  }
  entry->index->set_synonyms(synonyms);
  std::unique_lock building(entry->lock);
  bool published = false;
  {
    // Publish first, so that changes arriving while it builds wait for it, then apply. A
    // bot changed or dropped since it was read is not published: it serves this call only.
    std::lock_guard lock(mutex_);
    if (drops_ == drops_seen) {
      auto [slot, inserted] = indexes_.emplace(bot_id, entry);
      if (!inserted) return slot->second;  // another thread got there first
      by_public_id_[bot.public_id] = bot_id;
      recent_.push_front(bot_id);
      published = true;
    }
  }
  if (auto filled = fill(*entry, bot_id, "", /*embed_missing=*/true); !filled) {
    if (published) bot_removed(bot_id);
    return filled.error();
  }
  building.unlock();
  if (published) evict_over_cap(bot_id);
  return entry;
}

Result<std::shared_ptr<SearchService::BotIndex>> SearchService::find(std::string_view workspace_id,
                                                                     std::string_view bot_id) {
  const std::string bot(bot_id);
  auto entry = load(workspace_id, bot);
  if (!entry) return entry.error();
  // A loaded index is another workspace's bot as far as this caller is concerned.
  if ((*entry)->bot.workspace_id != workspace_id) {
    return make_error(ErrorCode::not_found, "no such bot");
  }
  std::lock_guard lock(mutex_);
  // Not when evicted or dropped meanwhile: recent_ names only loaded bots.
  if (indexes_.count(bot) && recent_.front() != bot) {
    recent_.remove(bot);
    recent_.push_front(bot);
  }
  return entry;
}

Result<std::shared_ptr<const BotView>> SearchService::bot(std::string_view workspace_id,
                                                          std::string_view bot_id) {
  auto entry = find(workspace_id, bot_id);
  if (!entry) return entry.error();
  return std::shared_ptr<const BotView>(*entry, &(*entry)->bot);
}

Result<std::shared_ptr<const BotView>> SearchService::bot_by_public_id(std::string_view public_id) {
  std::optional<std::pair<std::string, std::string>> known;  // workspace and bot id
  {
    std::lock_guard lock(mutex_);
    if (auto id = by_public_id_.find(public_id); id != by_public_id_.end()) {
      known.emplace(indexes_.at(id->second)->bot.workspace_id, id->second);
    }
  }
  if (!known) {
    if (!is_valid_id(public_id, "pub")) return make_error(ErrorCode::not_found, "no such bot");
    auto row =
        read_one(ctx_.store.db(), [&](Tx& tx) { return find_bot_by_public_id(tx, public_id); });
    if (!row) return row.error();
    if (!*row) return make_error(ErrorCode::not_found, "no such bot");
    known.emplace((*row)->workspace_id, (*row)->id);
  }
  auto found = bot(known->first, known->second);
  // Rotated between the lookup and the load: the old public id names nothing.
  if (found && (*found)->public_id != public_id) {
    return make_error(ErrorCode::not_found, "no such bot");
  }
  return found;
}

void SearchService::evict_over_cap(const std::string& keep_bot_id) {
  std::lock_guard lock(mutex_);
  size_t total = 0;
  for (const auto& [id, entry] : indexes_) total += bytes_of(*entry);
  // Least recently used first; the bot just asked for stays.
  std::vector<std::string> evicted;
  for (auto it = recent_.rbegin(); total > memory_cap_bytes_ && it != recent_.rend(); ++it) {
    if (*it == keep_bot_id) continue;
    total -= std::min(total, bytes_of(*indexes_.at(*it)));
    evicted.push_back(*it);
  }
  for (const std::string& bot_id : evicted) unload(indexes_.find(bot_id));
}

void SearchService::unload(std::map<std::string, std::shared_ptr<BotIndex>>::iterator entry) {
  by_public_id_.erase(entry->second->bot.public_id);
  recent_.remove(entry->first);
  indexes_.erase(entry);
}

Result<std::vector<SearchResult>> SearchService::search(std::string_view workspace_id,
                                                        std::string_view bot_id,
                                                        std::string_view query, size_t limit) {
  auto entry = find(workspace_id, bot_id);
  if (!entry) return entry.error();
  BotIndex& index = **entry;
  // Embedded before taking the lock: a slow endpoint must not hold up index updates.
  std::optional<Embedding> query_vector;
  if (index.embeddings && !blank(query)) query_vector = this->query_vector(index, query);
  std::shared_lock reading(index.lock);
  const bool hybrid = query_vector && index.vectors && index.vectors->size() > 0;
  SearchOptions options;
  options.limit = hybrid ? std::max(limit, kFusionDepth) : limit;
  std::vector<SearchHit> hits = index.index->search(query, options);
  if (hybrid) hits = fuse(hits, index.vectors->search(*query_vector, options.limit), limit);
  std::vector<SearchResult> results;
  for (const SearchHit& hit : hits) {
    if (auto result = index.result_of(hit)) results.push_back(std::move(*result));
  }
  return results;
}

// The query's vector from the cache or the endpoint (one attempt, short timeout); nullopt
// when the endpoint fails, and the search answers with BM25 alone.
std::optional<Embedding> SearchService::query_vector(const BotIndex& entry,
                                                     std::string_view query) {
  const std::string text(query);
  if (auto cached = query_vectors_.get(entry.model_key, text)) return cached;
  auto embedded = embedder_.embed_query(*entry.embeddings, text);
  if (!embedded) {
    ++embedder_.counters().query_failures;
    return std::nullopt;
  }
  ++embedder_.counters().queries_embedded;
  query_vectors_.put(entry.model_key, text, *embedded);
  return std::move(*embedded);
}

Result<std::vector<HitNeighbours>> SearchService::neighbours(
    std::string_view workspace_id, std::string_view bot_id,
    const std::vector<SearchResult>& results, size_t each_side) {
  std::vector<HitNeighbours> out(results.size());
  if (each_side == 0 || results.empty()) return out;
  auto entry = find(workspace_id, bot_id);
  if (!entry) return entry.error();
  std::shared_lock reading((*entry)->lock);
  for (size_t i = 0; i < results.size(); ++i)
    out[i] = (*entry)->neighbours_of(results[i], each_side);
  return out;
}

std::shared_ptr<const PassageAnalysis> SearchService::analysis(std::string_view workspace_id,
                                                               std::string_view bot_id,
                                                               const PassageText& passage) {
  auto entry = find(workspace_id, bot_id);
  if (!entry) return nullptr;
  std::shared_lock reading((*entry)->lock);
  auto chunk = (*entry)->chunks.find(std::string(passage.chunk_id));
  if (chunk == (*entry)->chunks.end() || chunk->second.body.text != passage.text) return nullptr;
  return (*entry)->index->passage_analysis(passage.chunk_id, passage.title);
}

void SearchService::source_changed(const std::string& bot_id, const std::string& source_id) {
  auto entry = loaded(bot_id);
  if (!entry) return;  // built from the store when first used
  std::unique_lock changing(entry->lock);
  // The ingest worker has just embedded what it could: only cached vectors are read here.
  if (!fill(*entry, bot_id, source_id, /*embed_missing=*/false)) {
    changing.unlock();
    bot_removed(bot_id);  // rebuilt whole at the next search
  }
}

void SearchService::source_removed(const std::string& bot_id, const std::string& source_id) {
  auto entry = loaded(bot_id);
  if (!entry) return;
  std::unique_lock changing(entry->lock);
  entry->drop_source(source_id);
  entry->measure();
}

void SearchService::bot_removed(const std::string& bot_id) {
  std::lock_guard lock(mutex_);
  ++drops_;
  if (auto entry = indexes_.find(bot_id); entry != indexes_.end()) unload(entry);
}

void SearchService::workspace_removed(const std::string& workspace_id) {
  std::lock_guard lock(mutex_);
  ++drops_;
  for (auto it = indexes_.begin(); it != indexes_.end();) {
    auto next = std::next(it);
    if (it->second->bot.workspace_id == workspace_id) unload(it);
    it = next;
  }
}

size_t SearchService::memory_bytes() const {
  std::lock_guard lock(mutex_);
  size_t total = 0;
  for (const auto& [id, entry] : indexes_) total += bytes_of(*entry);
  return total;
}

size_t SearchService::vector_count(const std::string& bot_id) {
  auto entry = loaded(bot_id);
  if (!entry) return 0;
  std::shared_lock reading(entry->lock);
  return entry->vectors ? entry->vectors->size() : 0;
}

void SearchService::render_metrics(std::string& out) const {
  std::lock_guard lock(mutex_);
  out +=
      "# HELP parley_search_index_bytes Memory held by a loaded bot's search index (words and "
      "vectors).\n# TYPE parley_search_index_bytes gauge\n";
  size_t total = 0;
  for (const auto& [bot_id, entry] : indexes_) {
    total += bytes_of(*entry);
    out += "parley_search_index_bytes{bot_id=\"" + bot_id + "\"} " +
           std::to_string(bytes_of(*entry)) + "\n";
  }
  out +=
      "# HELP parley_search_memory_bytes Memory held by every loaded search index.\n"
      "# TYPE parley_search_memory_bytes gauge\nparley_search_memory_bytes " +
      std::to_string(total) + "\n";
  out +=
      "# HELP parley_search_memory_cap_bytes Loaded indexes past this size are evicted, "
      "least recently used first (kb.search_memory_mb).\n"
      "# TYPE parley_search_memory_cap_bytes gauge\nparley_search_memory_cap_bytes " +
      std::to_string(memory_cap_bytes_) + "\n";
}

std::optional<std::string> SearchService::loaded_workspace(const std::string& bot_id) {
  auto entry = loaded(bot_id);
  if (!entry) return std::nullopt;
  return entry->bot.workspace_id;
}

size_t SearchService::loaded_bots() const {
  std::lock_guard lock(mutex_);
  return indexes_.size();
}

}  // namespace parley
