// Turns an analyzed question into weighted index terms for SearchIndex: the words found in
// the vocabulary, near spellings of those it lacks (typos), and per-bot synonyms.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "search/analyzer.h"
#include "search/index_vocabulary.h"

namespace parley {

struct QueryTerm {
  uint32_t term;
  double weight;        // 1 for the question's own words, less for typo and synonym matches
  uint32_t word;        // which question word it stands for, for the proximity bonus
  std::string surface;  // what to highlight when it matches
};

struct ParsedQuery {
  uint32_t words = 0;  // the question's words (an identifier and its parts are one)
  std::vector<QueryTerm> terms;
  std::vector<double> pair_weights;  // proximity: words i and i+1 together, by IDF
};

struct Synonym {
  std::vector<std::string> from;      // stemmed terms that must follow each other
  std::vector<std::string> to;        // stemmed terms added to the query
  std::vector<std::string> surfaces;  // the words of `to`, for highlights
};
// Keyed by from[0].
using SynonymTable = std::unordered_map<std::string, std::vector<Synonym>>;

// Every entry both ways: "login" -> {"sign in"} also makes "sign in" mean "login".
SynonymTable build_synonym_table(const Analyzer& analyzer,
                                 const std::map<std::string, std::vector<std::string>>& entries);

ParsedQuery parse_query(const std::vector<Token>& tokens, const Vocabulary& vocabulary,
                        const SynonymTable& synonyms, bool typo_tolerance, uint32_t live_docs);

// Which query term a chunk's term is, for the proximity bonus: a bitmap that fits in a cache
// line or two rules out almost every term before the short list of query terms is searched.
class QueryTermLookup {
 public:
  explicit QueryTermLookup(const std::vector<QueryTerm>& terms) : terms_(terms) {
    for (const QueryTerm& term : terms) bits_[slot(term.term)] |= bit(term.term);
  }
  // The index in the query's terms, or -1.
  int find(uint32_t term) const {
    if (!(bits_[slot(term)] & bit(term))) return -1;
    for (size_t i = 0; i < terms_.size(); ++i) {
      if (terms_[i].term == term) return static_cast<int>(i);
    }
    return -1;
  }

 private:
  static size_t slot(uint32_t term) { return term / 64 % kWords; }
  static uint64_t bit(uint32_t term) { return uint64_t{1} << (term % 64); }
  static constexpr size_t kWords = 16;
  std::array<uint64_t, kWords> bits_{};
  const std::vector<QueryTerm>& terms_;
};

}  // namespace parley
