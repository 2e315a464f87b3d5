#include "answer/sentence_scorer.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "answer/sentence_splitter.h"

namespace parley {
namespace {

struct Sentence {
  SentenceCandidate candidate;
  std::vector<Token> tokens;
};

// How close together the matched terms sit: matched distinct terms over the width of the
// smallest window holding one of each (1 when adjacent), 0 for fewer than two.
double proximity(const std::vector<Token>& tokens, const std::set<std::string>& matched) {
  if (matched.size() < 2) return 0;
  std::vector<std::pair<uint32_t, const std::string*>> hits;
  for (const Token& token : tokens) {
    if (matched.count(token.term)) hits.emplace_back(token.position, &token.term);
  }
  std::unordered_map<std::string, int> in_window;
  size_t distinct = 0, left = 0;
  uint32_t best = std::numeric_limits<uint32_t>::max();
  for (size_t right = 0; right < hits.size(); ++right) {
    if (in_window[*hits[right].second]++ == 0) ++distinct;
    while (distinct == matched.size()) {
      best = std::min(best, hits[right].first - hits[left].first + 1);
      if (--in_window[*hits[left].second] == 0) --distinct;
      ++left;
    }
  }
  return best == std::numeric_limits<uint32_t>::max()
             ? 0
             : static_cast<double>(matched.size()) / static_cast<double>(best);
}

size_t word_count(std::string_view text) {
  size_t words = 0;
  bool in_word = false;
  for (char c : text) {
    bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
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
  std::vector<Sentence> sentences;
  std::vector<std::set<std::string>> title_terms(passages.size());
  double best_score = 0;
  for (const Passage& passage : passages) best_score = std::max(best_score, passage.score);
  size_t used = 0;
  for (size_t p = 0; p < passages.size() && used < weights_.max_passages; ++p) {
    const Passage& passage = passages[p];
    if (!passage.question.empty()) continue;  // Q&A pairs are matched whole
    ++used;
    std::set<std::string> title;
    for (const Token& token : analyzer_.analyze(passage.source.title)) title.insert(token.term);
    title_terms[p] = std::move(title);
    size_t position = 0;
    for (std::string_view text : split_sentences(passage.text)) {
      Sentence sentence;
      sentence.candidate.passage = p;
      sentence.candidate.position = position++;
      sentence.candidate.text = text;
      sentence.candidate.words = word_count(text);
      sentence.tokens = analyzer_.analyze(text);
      for (const Token& token : sentence.tokens) {
        if (question.weight.count(token.term)) sentence.candidate.matched.insert(token.term);
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
    for (const std::string& term : title_terms[c.passage]) {
      if (question.weight.count(term) && !c.matched.count(term)) from_title.insert(term);
    }
    c.coverage = weighted_coverage(question, out.idf, c.matched);
    c.context = weighted_coverage(question, out.idf, from_title);
    c.type_match = question.type != AnswerType::other &&
                   sentence_has_answer_type(question.type, c.text, question.text);
    double rank = best_score > 0 ? passages[c.passage].score / best_score : 0;
    c.score = weights_.coverage * c.coverage + weights_.context * c.context +
              weights_.proximity * proximity(sentence.tokens, c.matched) +
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
