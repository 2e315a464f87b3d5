// A passage's text analysed for the extractive answerer once, not on every turn: its
// sentences with their tokens (as indexes into the passage's own vocabulary of terms) and
// its title's terms. All of it is independent of the question, so a turn only scores.
// PassageAnalysisCache keeps the analyses of recently answered-from chunks, bounded, least
// recently used out; shared by the threads of one ExtractiveAnswerer.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "answer/answer_types.h"
#include "search/analyzer.h"

namespace parley {

struct AnalysedSentence {
  size_t offset = 0;  // where it lies in the passage's text
  size_t length = 0;
  size_t words = 0;
  // Its tokens in order (stopwords left out): a term as an index into the vocabulary, and
  // its word position.
  std::vector<uint32_t> terms;
  std::vector<uint32_t> positions;
};

struct PassageAnalysis {
  std::vector<std::string> vocabulary;  // the distinct terms of the sentences, sorted
  std::vector<AnalysedSentence> sentences;
  std::set<std::string> title_terms;

  // The term's index in the vocabulary, or -1 when no sentence has it.
  int64_t term_index(std::string_view term) const;
};

// The analysis of `passage` (its text and its source's title) with `analyzer`.
PassageAnalysis analyse_passage(const Passage& passage, const Analyzer& analyzer);

class PassageAnalysisCache {
 public:
  // capacity 0: nothing kept, every call analyses.
  PassageAnalysisCache(const Analyzer& analyzer, size_t capacity)
      : analyzer_(analyzer), capacity_(capacity) {}

  // The passage's analysis, from the cache when the chunk's text and title are the ones it
  // was analysed with (an edited chunk keeps its id: the text is compared whole).
  std::shared_ptr<const PassageAnalysis> get(const Passage& passage);

  struct Stats {
    uint64_t hits = 0;
    uint64_t misses = 0;
  };
  Stats stats() const;

 private:
  struct Entry {
    std::string chunk_id;
    std::string text;
    std::string title;
    std::shared_ptr<const PassageAnalysis> analysis;
  };
  std::shared_ptr<const PassageAnalysis> find(const Passage& passage);

  const Analyzer& analyzer_;
  const size_t capacity_;
  mutable std::mutex mutex_;  // guards the members below
  std::list<Entry> recent_;   // most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> by_chunk_;  // keys: chunk_id
  Stats stats_;
};

}  // namespace parley
