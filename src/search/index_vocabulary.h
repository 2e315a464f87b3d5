// The search index's vocabulary: stemmed terms with their postings, and the surface words
// seen for them (for typo tolerance and highlights). Used by SearchIndex and its query parser.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include "search/analyzer.h"
#include "search/fuzzy_matcher.h"
#include "search/index_postings.h"
#include "search/index_string_map.h"

namespace parley {

struct Vocabulary {
  StringIdMap terms;                   // stemmed term -> term id
  std::vector<PostingList> postings;   // by term id
  FuzzyMatcher surfaces;               // surface word -> word id
  std::vector<uint32_t> surface_term;  // by word id: its term id

  // The token's term id, adding the term and its surface word when new.
  uint32_t intern(const Token& token) {
    auto [term, new_term] = terms.insert(token.term);
    if (new_term) postings.emplace_back();
    auto [word, new_word] = surfaces.insert(token.surface);
    if (new_word) surface_term.push_back(term);
    return term;
  }

  // The term's id when some live chunk holds it, else StringIdMap::kNone.
  uint32_t live_term(std::string_view term) const {
    const uint32_t id = terms.find(term);
    return id != StringIdMap::kNone && postings[id].live() > 0 ? id : StringIdMap::kNone;
  }

  size_t memory_bytes() const {
    size_t bytes = terms.memory_bytes() + surfaces.memory_bytes() +
                   surface_term.capacity() * sizeof(uint32_t) +
                   postings.capacity() * sizeof(PostingList);
    for (const auto& list : postings) bytes += list.memory_bytes();
    return bytes;
  }
};

// BM25's inverse document frequency, never negative (the Lucene form).
inline double bm25_idf(uint32_t df, uint32_t docs) {
  return std::log(1.0 + (docs - df + 0.5) / (df + 0.5));
}

}  // namespace parley
