#include "chat/passages.h"

namespace parley {

std::vector<Passage> passages_from(std::vector<SearchResult> results) {
  std::vector<Passage> passages;
  passages.reserve(results.size());
  for (SearchResult& r : results) {
    Passage passage;
    passage.chunk_id = std::move(r.chunk_id);
    passage.source.id = std::move(r.source.id);
    passage.source.external_id = std::move(r.source.external_id);
    passage.source.title = std::move(r.source.title);
    passage.source.url = std::move(r.source.url);
    if (r.page > 0) passage.source.page = r.page;
    passage.text = std::move(r.text);
    passage.score = r.score;
    passage.question = std::move(r.question);
    passage.alternatives = std::move(r.alternatives);
    passages.push_back(std::move(passage));
  }
  return passages;
}

}  // namespace parley
