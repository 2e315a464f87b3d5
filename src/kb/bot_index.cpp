#include "kb/bot_index.h"

#include <algorithm>

namespace parley {
namespace {

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

size_t text_bytes(const ChunkBody& body) {
  size_t bytes = body.text.size() + body.title.size() + body.url.size() + body.question.size();
  for (const std::string& heading : body.headings) bytes += heading.size();
  for (const std::string& alternative : body.alternatives) bytes += alternative.size();
  return bytes;
}

}  // namespace

void SearchService::BotIndex::drop_source(const std::string& source_id) {
  for (const std::string& chunk_id : chunks_by_source[source_id]) {
    index->remove(chunk_id);
    if (vectors) vectors->remove(chunk_id);
    if (auto chunk = chunks.find(chunk_id); chunk != chunks.end()) {
      text_bytes_ -= std::min(text_bytes_, text_bytes(chunk->second.body));
      chunks.erase(chunk);
    }
  }
  chunks_by_source.erase(source_id);
  sources.erase(source_id);
}

void SearchService::BotIndex::add(const std::vector<OpenedChunk>& page,
                                  const std::map<std::string, SearchResultSource>& page_sources) {
  for (const OpenedChunk& chunk : page) {
    auto source = page_sources.find(chunk.row.source_id);
    if (source == page_sources.end()) continue;  // deleted while the page was read
    sources.insert(*source);
    index->add(chunk_text(chunk.row, chunk.body));
    chunks_by_source[chunk.row.source_id].push_back(chunk.row.id);
    text_bytes_ += text_bytes(chunk.body);
    chunks[chunk.row.id] = {chunk.row.source_id, chunk.body};
  }
}

void SearchService::BotIndex::measure() {
  // A chunk's text once more beside its words in the index, and its map entry.
  constexpr size_t kPerChunk = 160;
  bytes = index->memory_bytes() + (vectors ? vectors->memory_bytes() : 0) + text_bytes_ +
          kPerChunk * chunks.size();
}

std::optional<SearchResult> SearchService::BotIndex::result_of(const SearchHit& hit) const {
  auto chunk = chunks.find(hit.chunk_id);
  if (chunk == chunks.end()) return std::nullopt;
  auto source = sources.find(chunk->second.source_id);
  if (source == sources.end()) return std::nullopt;
  const ChunkBody& body = chunk->second.body;
  SearchResult result;
  result.chunk_id = hit.chunk_id;
  result.score = hit.score;
  result.text = body.text;
  result.highlights = hit.matched_terms;
  result.source = source->second;
  if (!body.url.empty()) result.source.url = body.url;  // a crawled page's own URL
  result.question = body.question;
  result.alternatives = body.alternatives;
  result.page = body.page;
  return result;
}

HitNeighbours SearchService::BotIndex::neighbours_of(const SearchResult& result,
                                                     size_t each_side) const {
  HitNeighbours out;
  if (!result.question.empty()) return out;
  auto source = chunks_by_source.find(result.source.id);
  if (source == chunks_by_source.end()) return out;
  const std::vector<std::string>& order = source->second;
  auto hit = std::find(order.begin(), order.end(), result.chunk_id);
  if (hit == order.end()) return out;
  out.position = static_cast<size_t>(hit - order.begin());
  // Outward from the hit, stopping at another page (of a document, or a crawled site) or a
  // Q&A pair: the context must read on from the hit.
  auto reads_on = [&](size_t k) {
    const ChunkBody& body = chunks.at(order[k]).body;
    return body.page == result.page && body.question.empty() &&
           (body.url.empty() || body.url == result.source.url);
  };
  for (size_t k = out.position; k > 0 && out.position - (k - 1) <= each_side && reads_on(k - 1);
       --k) {
    out.before.push_back({order[k - 1], k - 1, chunks.at(order[k - 1]).body.text});
  }
  std::reverse(out.before.begin(), out.before.end());
  for (size_t k = out.position + 1;
       k < order.size() && k - out.position <= each_side && reads_on(k); ++k) {
    out.after.push_back({order[k], k, chunks.at(order[k]).body.text});
  }
  return out;
}

}  // namespace parley
