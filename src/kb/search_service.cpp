#include "kb/search_service.h"

#include <algorithm>
#include <atomic>

#include "kb/bot_service.h"
#include "kb/chunk_codec.h"
#include "kb/chunk_pages.h"
#include "kb/embedding_codec.h"
#include "kb/source_seal.h"
#include "search/rank_fusion.h"
#include "store/bots_repo.h"
#include "store/chunks_repo.h"
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

struct SearchService::BotIndex {
  std::string workspace_id;
  std::shared_mutex lock;  // shared for searches, exclusive for changes
  std::unique_ptr<SearchIndex> index;
  std::map<std::string, std::vector<std::string>> chunks_by_source;
  // Hybrid search: set when the bot has an embeddings endpoint (fixed for the index's life:
  // a settings change drops the index).
  std::optional<ModelEndpoint> embeddings;
  std::string model_key;
  std::unique_ptr<VectorIndex> vectors;  // made with the first vector's dimensions
  // The indexes' size, set at the end of each change under the exclusive lock and read
  // without it: the memory cap must not wait for an index being built (which may embed
  // over the network) while holding the service's mutex.
  std::atomic<size_t> bytes{0};

  // The caller holds the exclusive lock.
  void drop_source(const std::string& source_id) {
    for (const std::string& chunk_id : chunks_by_source[source_id]) {
      index->remove(chunk_id);
      if (vectors) vectors->remove(chunk_id);
    }
    chunks_by_source.erase(source_id);
  }
  void measure() { bytes = index->memory_bytes() + (vectors ? vectors->memory_bytes() : 0); }
};

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
  auto got = embedder_.vectors(entry.workspace_id, *entry.embeddings, items, embed_missing, policy);
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

// Reads one source's chunks (every source's, when source_id is empty) into the index,
// replacing what the index held for it, with their vectors. The caller holds the index's
// exclusive lock.
Status SearchService::fill(BotIndex& entry, const std::string& bot_id, const std::string& source_id,
                           bool embed_missing) {
  if (!source_id.empty()) entry.drop_source(source_id);
  Status filled = for_each_chunk_page(
      ctx_, entry.workspace_id, bot_id, source_id, [&](const std::vector<OpenedChunk>& page) {
        std::vector<std::pair<std::string, EmbedItem>> to_embed;
        for (const OpenedChunk& chunk : page) {
          entry.index->add(chunk_text(chunk.row, chunk.body));
          entry.chunks_by_source[chunk.row.source_id].push_back(chunk.row.id);
          if (entry.embeddings) {
            to_embed.push_back(
                {chunk.row.id, {embedding_hash(chunk.body), embedding_text(chunk.body)}});
          }
        }
        return add_vectors(entry, to_embed, embed_missing);
      });
  entry.measure();
  return filled;
}

Result<std::shared_ptr<SearchService::BotIndex>> SearchService::load(std::string_view workspace_id,
                                                                     const std::string& bot_id) {
  if (auto entry = loaded(bot_id)) return entry;
  auto found = read_bot(ctx_, workspace_id, bot_id);
  if (!found) return found.error();
  if (!*found) return make_error(ErrorCode::not_found, "no such bot");
  const BotRow& bot = **found;

  auto settings = open_bot_settings(ctx_.keyring, bot);
  if (!settings) return settings.error();
  auto entry = std::make_shared<BotIndex>();
  entry->workspace_id = bot.workspace_id;
  if (settings->embeddings.configured()) {
    entry->embeddings = settings->embeddings;
    entry->model_key = embedding_model_key(settings->embeddings);
  }
  entry->index = std::make_unique<SearchIndex>(std::make_shared<Analyzer>(bot.language));
  std::map<std::string, std::vector<std::string>> synonyms;
  for (const auto& group : settings->synonyms) {
    auto& others = synonyms[group.front()];
    others.insert(others.end(), group.begin() + 1, group.end());
  }
  entry->index->set_synonyms(synonyms);
  std::unique_lock building(entry->lock);
  {
    // Publish first, so that changes arriving while it builds wait for it, then apply.
    std::lock_guard lock(mutex_);
    auto [slot, inserted] = indexes_.emplace(bot_id, entry);
    if (!inserted) return slot->second;  // another thread got there first
    recent_.push_front(bot_id);
  }
  if (auto filled = fill(*entry, bot_id, "", /*embed_missing=*/true); !filled) {
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
  for (const auto& [id, entry] : indexes_) total += bytes_of(*entry);
  // Least recently used first; the bot just asked for stays.
  for (auto it = recent_.rbegin(); total > memory_cap_bytes_ && it != recent_.rend();) {
    if (*it == keep_bot_id) {
      ++it;
      continue;
    }
    auto entry = indexes_.find(*it);
    total -= std::min(total, bytes_of(*entry->second));
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
  BotIndex& index = **entry;
  // Embedded before taking the lock: a slow endpoint must not hold up index updates.
  std::optional<Embedding> query_vector;
  if (index.embeddings && !blank(query)) query_vector = this->query_vector(index, query);
  std::vector<SearchHit> hits;
  {
    std::shared_lock reading(index.lock);
    const bool hybrid = query_vector && index.vectors && index.vectors->size() > 0;
    SearchOptions options;
    options.limit = hybrid ? std::max(limit, kFusionDepth) : limit;
    hits = index.index->search(query, options);
    if (hybrid) hits = fuse(hits, index.vectors->search(*query_vector, options.limit), limit);
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
    result.question = std::move(body->question);
    result.alternatives = std::move(body->alternatives);
    result.page = body->page;
    results.push_back(std::move(result));
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
  auto entry = load(workspace_id, std::string(bot_id));
  if (!entry) return entry.error();
  if ((*entry)->workspace_id != workspace_id) {
    return make_error(ErrorCode::not_found, "no such bot");
  }
  // The neighbours' ids from the index's list of each source's chunks in document order.
  std::vector<std::vector<std::pair<std::string, size_t>>> wanted(results.size());
  std::vector<std::string> ids;
  {
    BotIndex& index = **entry;
    std::shared_lock reading(index.lock);
    for (size_t i = 0; i < results.size(); ++i) {
      if (!results[i].question.empty()) continue;
      auto source = index.chunks_by_source.find(results[i].source.id);
      if (source == index.chunks_by_source.end()) continue;
      const std::vector<std::string>& chunks = source->second;
      auto hit = std::find(chunks.begin(), chunks.end(), results[i].chunk_id);
      if (hit == chunks.end()) continue;
      const size_t at = static_cast<size_t>(hit - chunks.begin());
      out[i].position = at;
      const size_t first = at > each_side ? at - each_side : 0;
      const size_t last = std::min(chunks.size() - 1, at + each_side);
      for (size_t k = first; k <= last; ++k) {
        if (k == at) continue;
        wanted[i].emplace_back(chunks[k], k);
        ids.push_back(chunks[k]);
      }
    }
  }
  if (ids.empty()) return out;
  std::vector<ChunkRow> rows;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    auto found = find_chunks(tx, bot_id, ids);
    if (!found) return found.error();
    rows = std::move(*found);
    return ok_status();
  });
  if (!read) return read.error();
  std::map<std::string, ChunkBody> bodies;
  for (const ChunkRow& row : rows) {
    auto body = open_chunk_body(ctx_.keyring, (*entry)->workspace_id, row);
    if (!body) return body.error();
    bodies.emplace(row.id, std::move(*body));
  }
  for (size_t i = 0; i < results.size(); ++i) {
    // Outward from the hit, stopping at a gap (a chunk deleted meanwhile), another page (of
    // a document, or a crawled site) or a Q&A pair: the context must read on from the hit.
    auto take = [&](auto begin, auto end, std::vector<NeighbourChunk>& side) {
      for (auto it = begin; it != end; ++it) {
        auto body = bodies.find(it->first);
        if (body == bodies.end() || body->second.page != results[i].page ||
            !body->second.question.empty() ||
            (!body->second.url.empty() && body->second.url != results[i].source.url)) {
          break;
        }
        side.push_back({it->first, it->second, body->second.text});
      }
    };
    auto split = std::find_if(wanted[i].begin(), wanted[i].end(),
                              [&](const auto& w) { return w.second > out[i].position; });
    take(std::make_reverse_iterator(split), wanted[i].rend(), out[i].before);
    take(split, wanted[i].end(), out[i].after);
    std::reverse(out[i].before.begin(), out[i].before.end());
  }
  return out;
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
  indexes_.erase(bot_id);
  recent_.remove(bot_id);
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
  out += "# HELP parley_search_memory_bytes Memory held by every loaded search index.\n"
         "# TYPE parley_search_memory_bytes gauge\nparley_search_memory_bytes " +
         std::to_string(total) + "\n";
  out += "# HELP parley_search_memory_cap_bytes Loaded indexes past this size are evicted, "
         "least recently used first (kb.search_memory_mb).\n"
         "# TYPE parley_search_memory_cap_bytes gauge\nparley_search_memory_cap_bytes " +
         std::to_string(memory_cap_bytes_) + "\n";
}

size_t SearchService::loaded_bots() const {
  std::lock_guard lock(mutex_);
  return indexes_.size();
}

}  // namespace parley
