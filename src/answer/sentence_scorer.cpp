#include "answer/sentence_scorer.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace parley {
namespace {

struct Sentence {
  SentenceCandidate candidate;
  const AnalysedSentence* analysed = nullptr;
  const std::vector<char>* asked = nullptr;  // by vocabulary index: a question term?
};

// How close together the matched terms sit: matched distinct terms over the width of the
// smallest window holding one of each (1 when adjacent), 0 for fewer than two.
double proximity(const Sentence& sentence) {
  const size_t matched = sentence.candidate.matched.size();
  if (matched < 2) return 0;
  const AnalysedSentence& s = *sentence.analysed;
  std::vector<std::pair<uint32_t, uint32_t>> hits;  // position, term
  for (size_t i = 0; i < s.terms.size(); ++i) {
    if ((*sentence.asked)[s.terms[i]]) hits.emplace_back(s.positions[i], s.terms[i]);
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
                                      const std::vector<Passage>& passages) const {
  ScoredSentences out;
  out.analyses.resize(passages.size());
  std::vector<Sentence> sentences;
  std::vector<std::vector<char>> asked(passages.size());
  double best_score = 0;
  for (const Passage& passage : passages) best_score = std::max(best_score, passage.score);
  size_t used = 0;
  for (size_t p = 0; p < passages.size() && used < weights_.max_passages; ++p) {
    const Passage& passage = passages[p];
    if (!passage.question.empty()) continue;  // Q&A pairs are matched whole
    ++used;
    out.analyses[p] =
        cache_ ? cache_->get(passage)
               : std::make_shared<const PassageAnalysis>(analyse_passage(passage, analyzer_));
    const PassageAnalysis& analysis = *out.analyses[p];
    asked[p].resize(analysis.vocabulary.size());
    for (size_t v = 0; v < analysis.vocabulary.size(); ++v) {
      asked[p][v] = question.weight.count(analysis.vocabulary[v]) ? 1 : 0;
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
      sentence.asked = &asked[p];
      for (uint32_t term : analysed.terms) {
        if (asked[p][term]) sentence.candidate.matched.insert(analysis.vocabulary[term]);
      }
      sentences.push_back(std::move(sentence));
    }
  }

  // IDF over the candidate sentences: a word in every sentence tells them apart least.
  const double n = static_cast<double>(sentences.size());
  for (const auto& [term, weight] : question.weight) {
    double df = 0;
    for (const Sentence& sentence : sentences) df += sentence.candidate.matched.count(term);
    out.idf[term] = std::pow(std::log(1.0 + (n - df + 0.5) / (df + 0.5)), weights_.idf_power);
  }

  for (Sentence& sentence : sentences) {
    SentenceCandidate& c = sentence.candidate;
    std::set<std::string> from_title;
    for (const std::string& term : out.analyses[c.passage]->title_terms) {
      if (question.weight.count(term) && !c.matched.count(term)) from_title.insert(term);
    }
    c.coverage = weighted_coverage(question, out.idf, c.matched);
    c.context = weighted_coverage(question, out.idf, from_title);
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
