#include "answer/extractive_answerer.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "answer/follow_up.h"
#include "search/sentence_splitter.h"

namespace parley {

const char* const kDefaultFallbackMessage =
    "I'm not sure about that. Would you like to talk to a person, or leave your details so "
    "that we can get back to you?";

namespace {

constexpr double kCarriedWeight = 0.5;
constexpr double kTitleOnlyWeight = 0.5;
constexpr double kMissingTypePenalty = 0.7;

QuestionTerms question_terms(const AnswerRequest& request, const Analyzer& analyzer) {
  QuestionTerms out;
  out.text = request.question;
  out.type = answer_type_of(request.question);
  ResolvedQuestion resolved = resolve_question(request.question, request.history, analyzer);
  for (const Token& token : analyzer.analyze(request.question)) out.weight[token.term] = 1.0;
  for (const std::string& word : resolved.carried) {
    for (const Token& token : analyzer.analyze(word))
      out.weight.emplace(token.term, kCarriedWeight);
  }
  return out;
}

std::set<std::string> terms_of(std::string_view text, const Analyzer& analyzer) {
  std::set<std::string> terms;
  for (const Token& token : analyzer.analyze(text)) terms.insert(token.term);
  return terms;
}

// Weighted Dice between the question's terms and a Q&A question's, weights = IDF.
double qa_similarity(const QuestionTerms& question, const TermIdf& idf,
                     const std::set<std::string>& qa_terms) {
  auto weight_of = [&](const std::string& term) {
    auto it = idf.find(term);
    return it == idf.end() ? 1.0 : it->second;
  };
  double question_total = 0, shared = 0, qa_total = 0;
  for (const auto& [term, weight] : question.weight) {
    question_total += weight * weight_of(term);
    if (qa_terms.count(term)) shared += weight * weight_of(term);
  }
  for (const std::string& term : qa_terms) {
    auto it = question.weight.find(term);
    qa_total += it == question.weight.end() ? 1.0 : weight_of(term);
  }
  return question_total + qa_total > 0 ? 2 * shared / (question_total + qa_total) : 0;
}

// IDF of the question's terms over the Q&A questions and passages offered.
TermIdf qa_idf(const QuestionTerms& question, const std::vector<std::set<std::string>>& docs) {
  TermIdf idf;
  const double n = static_cast<double>(docs.size());
  for (const auto& [term, weight] : question.weight) {
    double df = 0;
    for (const auto& doc : docs) df += doc.count(term);
    idf[term] = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
  }
  return idf;
}

struct QaMatch {
  size_t passage = 0;
  double similarity = 0;
};

std::optional<QaMatch> best_qa_pair(const QuestionTerms& question,
                                    const std::vector<Passage>& passages,
                                    const Analyzer& analyzer) {
  bool any = std::any_of(passages.begin(), passages.end(),
                         [](const Passage& passage) { return !passage.question.empty(); });
  if (!any) return std::nullopt;
  std::vector<std::vector<std::set<std::string>>> asked(passages.size());
  std::vector<std::set<std::string>> docs;
  for (size_t p = 0; p < passages.size(); ++p) {
    const Passage& passage = passages[p];
    if (passage.question.empty()) {
      docs.push_back(terms_of(passage.text, analyzer));
      continue;
    }
    asked[p].push_back(terms_of(passage.question, analyzer));
    for (const std::string& alternative : passage.alternatives) {
      asked[p].push_back(terms_of(alternative, analyzer));
    }
    docs.insert(docs.end(), asked[p].begin(), asked[p].end());
  }
  TermIdf idf = qa_idf(question, docs);
  std::optional<QaMatch> best;
  for (size_t p = 0; p < passages.size(); ++p) {
    for (const auto& terms : asked[p]) {
      double similarity = qa_similarity(question, idf, terms);
      if (!best || similarity > best->similarity) best = QaMatch{p, similarity};
    }
  }
  return best;
}

// Numbers passages in order of first appearance; the same passage keeps its number.
class Citations {
 public:
  int number_for(const Passage& passage) {
    for (const Citation& citation : list_) {
      if (citation.chunk_id == passage.chunk_id) return citation.n;
    }
    int n = static_cast<int>(list_.size()) + 1;
    list_.push_back(Citation{n, passage.source, passage.chunk_id});
    return n;
  }
  std::vector<Citation> take() { return std::move(list_); }

 private:
  std::vector<Citation> list_;
};

Answer fallback_answer(const AnswerSettings& settings, double confidence) {
  Answer answer;
  answer.text =
      settings.fallback_message.empty() ? kDefaultFallbackMessage : settings.fallback_message;
  answer.confidence = confidence;
  answer.fallback = true;
  answer.offer_human = true;
  answer.offer_lead_form = true;
  return answer;
}

}  // namespace

ExtractiveAnswerer::ExtractiveAnswerer(std::shared_ptr<const Analyzer> analyzer,
                                       AnswererOptions options)
    : analyzer_(std::move(analyzer)),
      options_(options),
      cache_(std::make_unique<PassageAnalysisCache>(*analyzer_, options.analysis_cache_entries)) {}

Answer ExtractiveAnswerer::answer(const AnswerRequest& request) const {
  const double threshold = std::clamp(request.settings.confidence_threshold, 0.0, 1.0);
  QuestionTerms question = question_terms(request, *analyzer_);
  if (question.weight.empty() || request.passages.empty()) {
    return fallback_answer(request.settings, 0);
  }

  if (auto qa = best_qa_pair(question, request.passages, *analyzer_);
      qa && qa->similarity >= options_.qa_min_similarity && qa->similarity >= threshold) {
    const Passage& pair = request.passages[qa->passage];
    Answer answer;
    answer.text = collapse_whitespace(pair.text) + " [1]";
    answer.citations.push_back(Citation{1, pair.source, pair.chunk_id});
    answer.confidence = std::min(1.0, qa->similarity);
    return answer;
  }

  SentenceScorer scorer(*analyzer_, options_.weights, cache_.get());
  ScoredSentences scored = scorer.score(question, request.passages, request.kept_analyses);
  if (scored.candidates.empty()) return fallback_answer(request.settings, 0);

  // The best sentence, then up to two more that add question terms and fit the length.
  std::vector<const SentenceCandidate*> chosen{&scored.candidates[0]};
  std::set<std::string> covered = scored.candidates[0].matched;
  size_t words = scored.candidates[0].words;
  const SentenceCandidate& best = scored.candidates[0];
  const bool strong = best.coverage >= options_.strong_coverage &&
                      (question.type == AnswerType::other || best.type_match);
  for (size_t i = 1;
       !strong && i < scored.candidates.size() && chosen.size() < options_.max_sentences; ++i) {
    const SentenceCandidate& c = scored.candidates[i];
    if (words + c.words > options_.max_words) continue;
    if (options_.extras_from_same_passage && c.passage != chosen[0]->passage) continue;
    // A neighbour of a chosen sentence reads as its context; any other sentence must earn
    // its place: score near the best one and bring question terms the answer lacks.
    bool adjacent = std::any_of(chosen.begin(), chosen.end(), [&](const SentenceCandidate* s) {
      return s->passage == c.passage &&
             (s->position + 1 == c.position || c.position + 1 == s->position);
    });
    bool adds = std::any_of(c.matched.begin(), c.matched.end(),
                            [&](const std::string& term) { return !covered.count(term); });
    bool earns = c.score >= options_.extra_sentence_ratio * best.score &&
                 (adds || !options_.extras_need_new_terms);
    if (!earns && !(options_.adjacent_extras && adjacent)) continue;
    chosen.push_back(&c);
    covered.insert(c.matched.begin(), c.matched.end());
    words += c.words;
  }

  // Confidence: the share of the question the answer covers, title-only terms at half.
  std::set<std::string> title_only;
  bool type_found = question.type == AnswerType::other;
  for (const SentenceCandidate* c : chosen) {
    type_found = type_found || c->type_match;
    for (const std::string& term : scored.analyses[c->passage]->title_terms) {
      if (question.weight.count(term) && !covered.count(term)) title_only.insert(term);
    }
  }
  double confidence = weighted_coverage(question, scored.idf, covered) +
                      kTitleOnlyWeight * weighted_coverage(question, scored.idf, title_only);
  if (!type_found) confidence *= kMissingTypePenalty;
  confidence = std::clamp(confidence, 0.0, 1.0);
  if (confidence < threshold) return fallback_answer(request.settings, confidence);

  Answer answer;
  Citations citations;
  for (const SentenceCandidate* c : chosen) {
    if (!answer.text.empty()) answer.text += ' ';
    answer.text += collapse_whitespace(c->text);
    answer.text += " [" + std::to_string(citations.number_for(request.passages[c->passage])) + "]";
  }
  answer.citations = citations.take();
  answer.confidence = confidence;
  return answer;
}

}  // namespace parley
