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
  uint32_t length;                     // its token count, every field
  double score;                        // its first-pass score
};

struct ExpansionTerm {
  uint32_t term;
  double weight;  // in the units of QueryTerm::weight
};

// By term id: 1 for the terms that may expand a query. Terms in more than 5% of the chunks
// say little and cost the most (so a bot with under 40 chunks gets no expansion); a term of
// one chunk cannot find another. Recomputed when the chunks change.
std::vector<uint8_t> expandable_terms(const Vocabulary& vocabulary, uint32_t live_docs);

// Up to `max_terms` expandable terms of the feedback chunks (best first) that the query
// lacks, by relevance model probability (term frequency weighted by a softmax of the
// scores; the tail of chunks past 95% of the softmax weight is not read), weighing `total_weight`
// times the query's own weight together. `model`: working memory by term id, all zero before and
// after. Deterministic: ties go by term text, never by id.
std::vector<ExpansionTerm> feedback_terms(std::span<const FeedbackDoc> docs,
                                          std::span<const QueryTerm> query,
                                          const Vocabulary& vocabulary,
                                          std::span<const uint8_t> expandable, size_t max_terms,
                                          double total_weight, std::vector<float>& model);

}  // namespace parley
