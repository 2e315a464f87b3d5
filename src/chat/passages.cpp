#include "chat/passages.h"

#include <algorithm>
#include <map>

namespace parley {
namespace {

// The chunker's overlap is at most half its largest chunk; a longer match is not one.
constexpr size_t kMaxOverlap = 4000;

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

bool ends_sentence(std::string_view text) {
  while (!text.empty() &&
         (text.back() == '"' || text.back() == '\'' || text.back() == ')' || text.back() == ']')) {
    text.remove_suffix(1);
  }
  return !text.empty() && (text.back() == '.' || text.back() == '!' || text.back() == '?');
}

Passage passage_of(SearchResult& r) {
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
  return passage;
}

// A passage being assembled: its source's chunks it holds, by position.
struct Window {
  Passage passage;
  std::map<size_t, std::string> chunks;  // empty: the hit alone (no context known)

  bool meets(const Window& other) const {
    if (chunks.empty() || other.chunks.empty()) return false;
    if (passage.source.id != other.passage.source.id) return false;
    return chunks.begin()->first <= other.chunks.rbegin()->first + 1 &&
           other.chunks.begin()->first <= chunks.rbegin()->first + 1;
  }
};

}  // namespace

void append_following_chunk(std::string& text, std::string_view next) {
  // The longest start of `next` that ends a sentence (the overlap is whole sentences) and
  // that `text` ends with, from a word's start.
  size_t repeated = 0;
  const size_t longest = std::min({next.size(), text.size(), kMaxOverlap});
  for (size_t k = longest; k > 0; --k) {
    if (k < next.size() && !is_space(next[k])) continue;
    if (!ends_sentence(next.substr(0, k))) continue;
    if (k < text.size() && !is_space(text[text.size() - k - 1])) continue;
    if (std::string_view(text).substr(text.size() - k) == next.substr(0, k)) {
      repeated = k;
      break;
    }
  }
  next.remove_prefix(repeated);
  while (!next.empty() && is_space(next.front())) next.remove_prefix(1);
  if (next.empty()) return;
  if (!text.empty()) text += ends_sentence(text) ? "\n\n" : "\n";
  text += next;
}

std::vector<Passage> passages_from(std::vector<SearchResult> results) {
  std::vector<Passage> passages;
  passages.reserve(results.size());
  for (SearchResult& r : results) passages.push_back(passage_of(r));
  return passages;
}

std::vector<Passage> passages_in_context(std::vector<SearchResult> results,
                                         const std::vector<HitNeighbours>& neighbours,
                                         size_t limit) {
  std::vector<Window> windows;
  for (size_t i = 0; i < results.size(); ++i) {
    Window window;
    const HitNeighbours* context = i < neighbours.size() ? &neighbours[i] : nullptr;
    if (context && (!context->before.empty() || !context->after.empty())) {
      for (const NeighbourChunk& chunk : context->before)
        window.chunks[chunk.position] = chunk.text;
      window.chunks[context->position] = results[i].text;
      for (const NeighbourChunk& chunk : context->after) window.chunks[chunk.position] = chunk.text;
    }
    window.passage = passage_of(results[i]);
    // Results come best first: a later hit that meets an earlier one's context joins it.
    auto joined = std::find_if(windows.begin(), windows.end(),
                               [&](const Window& earlier) { return earlier.meets(window); });
    if (joined == windows.end()) {
      if (windows.size() == limit) continue;
      windows.push_back(std::move(window));
    } else {
      joined->chunks.merge(window.chunks);
    }
  }
  std::vector<Passage> passages;
  passages.reserve(windows.size());
  for (Window& window : windows) {
    if (!window.chunks.empty()) {
      std::string text;
      for (const auto& [position, chunk] : window.chunks) append_following_chunk(text, chunk);
      window.passage.text = std::move(text);
    }
    passages.push_back(std::move(window.passage));
  }
  return passages;
}

}  // namespace parley
