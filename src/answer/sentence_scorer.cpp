#include "answer/sentence_scorer.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace parley {
namespace {

struct Sentence {
  SentenceCandidate candidate;
  const AnalysedSentence* analysed = nullptr;
  // By vocabulary index: the question term's index (in `QuestionWeights` order), or -1.
  const std::vector<int>* question_term = nullptr;
  std::vector<uint32_t> matched;  // question term indexes, ascending
};

// The question's terms in the order weighted_coverage visits them, each with its weight
// times IDF: a sentence's coverage then adds the same numbers in the same order, without
// a lookup per term and sentence.
struct QuestionWeights {
  std::vector<const std::string*> terms;
  std::vector<double> weight;
  double total = 0;

  // weighted_coverage() of the terms at `indexes` (ascending).
  double coverage(const std::vector<uint32_t>& indexes) const {
    double found = 0;
    for (uint32_t i : indexes) found += weight[i];
    return total > 0 ? found / total : 0;
  }
};

// How close together the matched terms sit: matched distinct terms over the width of the
// smallest window holding one of each (1 when adjacent), 0 for fewer than two.
double proximity(const Sentence& sentence) {
  const size_t matched = sentence.matched.size();
  if (matched < 2) return 0;
  const AnalysedSentence& s = *sentence.analysed;
  std::vector<std::pair<uint32_t, uint32_t>> hits;  // position, term
  for (size_t i = 0; i < s.terms.size(); ++i) {
    if ((*sentence.question_term)[s.terms[i]] >= 0) hits.emplace_back(s.positions[i], s.terms[i]);
  }
  std::unordered_map<uint32_t, int> in_window;
  size_t distinct = 0, left = 0;
  uint32_t best = std::numeric_limits<uint32_t>::max();
  for (size_t right = 0; right < hits.size(); ++right) {
    if (in_window[hits[right].second]++ == 0) ++distinct;
    while (distinct == matched) {
      best = std::min(best, hits[right].first - hits[left].first + 1);
      if (--in_window[hits[left].second] == 0) --distinct;
      ++left;
    }
  }
  return best == std::numeric_limits<uint32_t>::max()
             ? 0
             : static_cast<double>(matched) / static_cast<double>(best);
}

}  // namespace

double weighted_coverage(const QuestionTerms& question, const TermIdf& idf,
                         const std::set<std::string>& terms) {
  double total = 0, found = 0;
  for (const auto& [term, weight] : question.weight) {
    auto it = idf.find(term);
    double w = weight * (it == idf.end() ? 1.0 : it->second);
    total += w;
    if (terms.count(term)) found += w;
  }
  return total > 0 ? found / total : 0;
}

ScoredSentences SentenceScorer::score(const QuestionTerms& question,
                                      const std::vector<Passage>& passages,
                                      const KeptAnalyses* kept) const {
  ScoredSentences out;
  out.analyses.resize(passages.size());
  QuestionWeights weights;
  for (const auto& [term, weight] : question.weight) weights.terms.push_back(&term);
  const size_t question_size = weights.terms.size();
  std::vector<Sentence> sentences;
  std::vector<std::vector<int>> question_term(passages.size());
  std::vector<std::vector<uint32_t>> in_title(passages.size());  // question term indexes
  double best_score = 0;
  for (const Passage& passage : passages) best_score = std::max(best_score, passage.score);
  size_t used = 0;
  for (size_t p = 0; p < passages.size() && used < weights_.max_passages; ++p) {
    const Passage& passage = passages[p];
    if (!passage.question.empty()) continue;  // Q&A pairs are matched whole
    ++used;
    out.analyses[p] = cache_ ? cache_->get(passage, kept) : analysis_of(passage, analyzer_, kept);
    const PassageAnalysis& analysis = *out.analyses[p];
    question_term[p].assign(analysis.vocabulary.size(), -1);
    for (size_t i = 0; i < question_size; ++i) {
      int64_t v = analysis.term_index(*weights.terms[i]);
      if (v >= 0) question_term[p][static_cast<size_t>(v)] = static_cast<int>(i);
      if (analysis.title_terms.count(*weights.terms[i])) {
        in_title[p].push_back(static_cast<uint32_t>(i));
      }
    }
    size_t position = 0;
    for (const AnalysedSentence& analysed : analysis.sentences) {
      Sentence sentence;
      sentence.candidate.passage = p;
      sentence.candidate.position = position++;
      sentence.candidate.text =
          std::string_view(passage.text).substr(analysed.offset, analysed.length);
      sentence.candidate.words = analysed.words;
      sentence.analysed = &analysed;
      sentence.question_term = &question_term[p];
      for (uint32_t term : analysed.terms) {
        if (int q = question_term[p][term]; q >= 0) {
          sentence.matched.push_back(static_cast<uint32_t>(q));
        }
      }
      std::sort(sentence.matched.begin(), sentence.matched.end());
      sentence.matched.erase(std::unique(sentence.matched.begin(), sentence.matched.end()),
                             sentence.matched.end());
      for (uint32_t q : sentence.matched) sentence.candidate.matched.insert(*weights.terms[q]);
      sentences.push_back(std::move(sentence));
    }
  }

  // IDF over the candidate sentences: a word in every sentence tells them apart least.
  const double n = static_cast<double>(sentences.size());
  std::vector<double> df(question_size, 0);
  for (const Sentence& sentence : sentences) {
    for (uint32_t q : sentence.matched) df[q] += 1;
  }
  size_t i = 0;
  for (const auto& [term, weight] : question.weight) {
    double idf = std::pow(std::log(1.0 + (n - df[i] + 0.5) / (df[i] + 0.5)), weights_.idf_power);
    out.idf[term] = idf;
    weights.weight.push_back(weight * idf);
    weights.total += weights.weight.back();
    ++i;
  }

  std::vector<uint32_t> from_title;
  for (Sentence& sentence : sentences) {
    SentenceCandidate& c = sentence.candidate;
    from_title.clear();
    for (uint32_t q : in_title[c.passage]) {
      if (!std::binary_search(sentence.matched.begin(), sentence.matched.end(), q)) {
        from_title.push_back(q);
      }
    }
    c.coverage = weights.coverage(sentence.matched);
    c.context = weights.coverage(from_title);
    c.type_match = question.type != AnswerType::other &&
                   sentence_has_answer_type(question.type, c.text, question.text);
    double rank = best_score > 0 ? passages[c.passage].score / best_score : 0;
    c.score = weights_.coverage * c.coverage + weights_.context * c.context +
              weights_.proximity * proximity(sentence) +
              weights_.position / (1.0 + static_cast<double>(c.position)) + weights_.rank * rank +
              weights_.type * (c.type_match ? 1.0 : 0.0);
    if (c.words < 4) c.score *= 0.5;  // a heading or a fragment reads badly as an answer
    out.candidates.push_back(std::move(c));
  }
  std::stable_sort(out.candidates.begin(), out.candidates.end(),
                   [](const auto& a, const auto& b) { return a.score > b.score; });
  return out;
}

}  // namespace parley
