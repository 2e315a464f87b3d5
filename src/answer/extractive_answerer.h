// The extractive answerer (no model): a matching Q&A pair, else the best one to three
// sentences of the retrieved passages, with numbered citations and a confidence; below the
// bot's threshold, its fallback message and the offers of a human and of the lead form.
// Called by the chat service with the passages retrieval found for retrieval_query().
//
// Confidence (0..1), the same scale for both kinds of answer:
// - a Q&A pair: how much of the question's IDF-weighted terms the pair's question (or one
//   of its alternatives) shares, as a weighted Dice coefficient;
// - sentences: the IDF-weighted share of the question's terms the chosen sentences hold
//   (terms found only in the passage's title count half), times 0.7 when the question asks
//   for a kind of answer (a date, a number, a name, a place) that no chosen sentence has.
// IDF is over the candidate sentences; a follow-up's carried words weigh half.
#pragma once

#include <memory>
#include <optional>

#include "answer/answer_types.h"
#include "answer/sentence_scorer.h"
#include "search/analyzer.h"

namespace parley {

struct AnswererOptions {
  ScoringWeights weights;
  size_t max_sentences = 3;
  size_t max_words = 75;  // more sentences are added only while the answer stays under this
  // A further sentence must score at least this share of the best one, and add question
  // terms the answer does not have yet.
  double extra_sentence_ratio = 0.6;
  // Further sentences come only from the best sentence's passage (they read on from it);
  // other passages' sentences are rarely about the same thing.
  bool extras_from_same_passage = true;
  bool extras_need_new_terms = true;
  // ... unless it is next to a chosen sentence: it then reads as that sentence's context.
  bool adjacent_extras = true;
  // A first sentence that covers at least this share of the question (and has the kind of
  // answer it asks for) is answer enough: nothing is added to it.
  double strong_coverage = 0.9;
  double qa_min_similarity = 0.5;  // a Q&A pair below this is never returned whole
  // Passages whose sentence analysis is kept for the next questions (least recently used
  // out; about 6 KB each for a 1,000-character chunk). 0: analysed on every answer.
  size_t analysis_cache_entries = 4096;
};

class ExtractiveAnswerer {
 public:
  explicit ExtractiveAnswerer(std::shared_ptr<const Analyzer> analyzer,
                              AnswererOptions options = {});

  // Safe to call from many threads at once.
  Answer answer(const AnswerRequest& request) const;

  PassageAnalysisCache::Stats analysis_cache_stats() const { return cache_->stats(); }

 private:
  std::shared_ptr<const Analyzer> analyzer_;
  AnswererOptions options_;
  std::unique_ptr<PassageAnalysisCache> cache_;
};

// The fallback message used when a bot has none.
extern const char* const kDefaultFallbackMessage;

}  // namespace parley
