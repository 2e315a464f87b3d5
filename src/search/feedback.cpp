#include "search/feedback.h"

#include <algorithm>
#include <cmath>

#include "search/index_postings.h"
#include "search/index_varint.h"

namespace parley {
namespace {

constexpr double kMaxDocFraction = 0.05;  // terms in more chunks than this never expand
constexpr uint32_t kMinDocFrequency = 2;  // a term of one chunk cannot find another
// P(D|Q) = softmax(score / kScoreScale): a chunk that scores a few BM25 points under the
// best one says little about what the question means.
constexpr double kScoreScale = 2.0;
// The chunks (best first) that carry this share of P(D|Q) are read; the long tail of chunks
// that each say almost nothing is not.
constexpr double kFeedbackMass = 0.95;

}  // namespace

std::vector<uint8_t> expandable_terms(const Vocabulary& vocabulary, uint32_t live_docs) {
  const auto max_df = static_cast<uint32_t>(kMaxDocFraction * live_docs);
  std::vector<uint8_t> expandable(vocabulary.postings.size(), 0);
  for (size_t term = 0; term < expandable.size(); ++term) {
    const uint32_t df = vocabulary.postings[term].live();
    expandable[term] = df >= kMinDocFrequency && df <= max_df;
  }
  return expandable;
}

std::vector<ExpansionTerm> feedback_terms(std::span<const FeedbackDoc> docs,
                                          std::span<const QueryTerm> query,
                                          const Vocabulary& vocabulary,
                                          std::span<const uint8_t> expandable, size_t max_terms,
                                          double total_weight, std::vector<float>& model) {
  if (docs.empty() || max_terms == 0 || total_weight <= 0) return {};
  double top = docs[0].score;
  for (const FeedbackDoc& doc : docs) top = std::max(top, doc.score);
  std::vector<double> doc_weights;
  double weight_sum = 0;
  for (const FeedbackDoc& doc : docs) {
    doc_weights.push_back(std::exp((doc.score - top) / kScoreScale));
    weight_sum += doc_weights.back();
  }

  // Relevance model: P(w|R) = sum over chunks of P(w|D) * P(D|Q), with P(w|D) the term's
  // share of the chunk's tokens. Only expandable terms are counted: the others never join.
  if (model.size() < expandable.size()) model.resize(expandable.size(), 0);
  // Without a branch per token: the loop reads every token of the feedback chunks.
  std::vector<uint32_t> seen;
  size_t seen_count = 0;
  double covered = 0;
  for (size_t d = 0; d < docs.size() && covered < kFeedbackMass * weight_sum; ++d) {
    covered += doc_weights[d];
    const auto share =
        static_cast<float>(doc_weights[d] / weight_sum / std::max(docs[d].length, 1u));
    const uint8_t* p = docs[d].tokens->data();
    for (int field = 0; field < kIndexFields; ++field) {
      const uint32_t count = get_varint(p);
      seen.resize(std::max(seen.size(), seen_count + count));
      for (uint32_t i = 0; i < count; ++i) {
        const uint32_t term = get_varint(p);
        const float counted = expandable[term];
        seen[seen_count] = term;
        seen_count += counted != 0 && model[term] == 0;
        model[term] += share * counted;
      }
    }
  }
  seen.resize(seen_count);

  std::vector<ExpansionTerm> found;
  for (uint32_t term : seen) {
    const double probability = model[term];
    model[term] = 0;
    const bool in_query = std::any_of(query.begin(), query.end(),
                                      [term](const QueryTerm& q) { return q.term == term; });
    if (in_query) continue;
    found.push_back({term, probability});
  }
  const auto better = [&](const ExpansionTerm& a, const ExpansionTerm& b) {
    if (a.weight != b.weight) return a.weight > b.weight;
    return vocabulary.terms.key(a.term) < vocabulary.terms.key(b.term);
  };
  if (found.size() > max_terms) {
    std::partial_sort(found.begin(), found.begin() + max_terms, found.end(), better);
    found.resize(max_terms);
  } else {
    std::sort(found.begin(), found.end(), better);
  }

  double query_weight = 0, found_weight = 0;
  for (const QueryTerm& term : query) query_weight += term.weight;
  for (const ExpansionTerm& term : found) found_weight += term.weight;
  for (ExpansionTerm& term : found) term.weight *= total_weight * query_weight / found_weight;
  return found;
}

}  // namespace parley
