// Scores the sentences of the best passages against a question, for the extractive
// answerer: question-term coverage weighted by IDF over the candidate sentences, the
// passage title as context, proximity, position in the passage, retrieval rank and the
// answer type the question asks for. Pure: passages in, scored candidates out.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "answer/answer_cues.h"
#include "answer/answer_types.h"
#include "answer/passage_analysis.h"
#include "search/analyzer.h"

namespace parley {

// A question's terms (stemmed) and their weights: 1 for its own words, less for words a
// follow-up carried from an earlier question.
struct QuestionTerms {
  std::unordered_map<std::string, double> weight;
  AnswerType type = AnswerType::other;
  std::string text;  // the question as asked, for the answer-type cues
};

struct SentenceCandidate {
  size_t passage = 0;   // index into the passages
  size_t position = 0;  // sentence index in its passage
  std::string_view text;
  size_t words = 0;
  std::set<std::string> matched;  // question terms the sentence has
  double coverage = 0;            // IDF-weighted share of the question's terms in the sentence
  double context = 0;             // ... found only in the passage's title
  bool type_match = false;
  double score = 0;
};

struct ScoringWeights {
  double coverage = 1.0;
  double context = 0.3;
  double proximity = 0.15;
  double position = 0.25;
  double rank = 0.6;
  double type = 0.4;
  // IDF over a few dozen sentences is noisy; its square root keeps the order of the terms
  // but lets a second common word count next to one rare word.
  double idf_power = 0.5;
  size_t max_passages = 5;  // sentences come from this many of the best passages
};

// The question terms' IDF over the candidate sentences: ln(1 + (N - df + 0.5) / (df + 0.5)).
using TermIdf = std::unordered_map<std::string, double>;

struct ScoredSentences {
  std::vector<SentenceCandidate> candidates;  // best first
  TermIdf idf;
  // By passage: the analysis its sentences came from (null for a passage not used).
  std::vector<std::shared_ptr<const PassageAnalysis>> analyses;
};

// The IDF-weighted share (0..1) of the question's terms found in `terms`.
double weighted_coverage(const QuestionTerms& question, const TermIdf& idf,
                         const std::set<std::string>& terms);

class SentenceScorer {
 public:
  // With a cache, a passage's sentences are split and analysed once for many questions.
  explicit SentenceScorer(const Analyzer& analyzer, ScoringWeights weights = {},
                          PassageAnalysisCache* cache = nullptr)
      : analyzer_(analyzer), weights_(weights), cache_(cache) {}

  // Every sentence of the first max_passages non-Q&A passages, best first. `kept`: where
  // their analyses may be kept already.
  ScoredSentences score(const QuestionTerms& question, const std::vector<Passage>& passages,
                        const KeptAnalyses* kept = nullptr) const;

 private:
  const Analyzer& analyzer_;
  ScoringWeights weights_;
  PassageAnalysisCache* cache_;
};

}  // namespace parley
