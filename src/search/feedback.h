// Pseudo-relevance feedback for SearchIndex (RM3-style): words that the best first-pass
// chunks share but the question lacks ("myocardial" for "heart attack") join the query
// at a fraction of its weight, so a relevant chunk using other words can still be found.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "search/index_query.h"
#include "search/index_vocabulary.h"

namespace parley {

struct FeedbackDoc {
  const std::vector<uint8_t>* tokens;  // per field: token count, then each token's term id
  double score;                        // its first-pass score
};

struct ExpansionTerm {
  uint32_t term;
  double weight;  // in the units of QueryTerm::weight
};

// Up to `max_terms` terms of the feedback chunks (best first) that the query lacks, by
// relevance model probability (term frequency weighted by a softmax of the scores),
// weighing `total_weight` times the query's own weight together. Terms in more than 5% of
// the chunks are skipped: they say little and cost the most (so a bot with under 40 chunks
// gets no expansion). `model`: working memory by term id, all zero before and after. Deterministic:
// ties go by term text, never by id.
std::vector<ExpansionTerm> feedback_terms(std::span<const FeedbackDoc> docs,
                                          std::span<const QueryTerm> query,
                                          const Vocabulary& vocabulary, uint32_t live_docs,
                                          size_t max_terms, double total_weight,
                                          std::vector<double>& model);

}  // namespace parley
