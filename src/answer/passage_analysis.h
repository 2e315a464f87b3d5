// Where the extractive answerer gets a passage's analysis (search/sentence_analysis.h):
// PassageAnalysisCache keeps those of recently answered-from passages, bounded, least
// recently used out, shared by the threads of one ExtractiveAnswerer; on a miss the
// analysis kept elsewhere (KeptAnalyses: the search index's) is asked for before the text
// is analysed.
#pragma once

#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "answer/answer_types.h"
#include "search/analyzer.h"
#include "search/sentence_analysis.h"

namespace parley {

// Analyses kept beside the passages' texts: the search index keeps each chunk's.
class KeptAnalyses {
 public:
  virtual ~KeptAnalyses() = default;
  // The passage's analysis when one is kept for its very text and title, else null.
  virtual std::shared_ptr<const PassageAnalysis> find(const Passage& passage) const = 0;
};

// The passage's analysis: the one kept, or made from its text.
std::shared_ptr<const PassageAnalysis> analysis_of(const Passage& passage, const Analyzer& analyzer,
                                                   const KeptAnalyses* kept);

class PassageAnalysisCache {
 public:
  // capacity 0: nothing kept, every call analyses.
  PassageAnalysisCache(const Analyzer& analyzer, size_t capacity)
      : analyzer_(analyzer), capacity_(capacity) {}

  // The passage's analysis, from the cache when the chunk's text and title are the ones it
  // was analysed with (an edited chunk keeps its id: the text is compared whole), else
  // analysis_of() (a miss).
  std::shared_ptr<const PassageAnalysis> get(const Passage& passage, const KeptAnalyses* kept);

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
