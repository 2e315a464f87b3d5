#include "search/sentence_analysis.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

#include "search/sentence_splitter.h"

namespace parley {

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

TextSentences analyse_sentences(std::string_view text, const Analyzer& analyzer) {
  TextSentences out;
  out.texts = split_sentences(text);
  uint32_t position = 0;
  for (std::string_view sentence : out.texts) {
    out.first_positions.push_back(position);
    out.tokens.push_back(analyzer.analyze_piece(sentence, position));
  }
  return out;
}

PassageAnalysis analyse_passage(std::string_view text, std::string_view title,
                                const Analyzer& analyzer) {
  const TextSentences sentences = analyse_sentences(text, analyzer);
  PassageAnalysis out;
  for (const Token& token : analyzer.analyze(title)) out.title_terms.insert(token.term);
  std::unordered_map<std::string_view, uint32_t> index;  // term -> first-seen number
  std::vector<std::string_view> seen;                    // by first-seen number
  for (size_t s = 0; s < sentences.texts.size(); ++s) {
    const std::string_view sentence_text = sentences.texts[s];
    const std::vector<Token>& tokens = sentences.tokens[s];
    AnalysedSentence sentence;
    sentence.offset = static_cast<size_t>(sentence_text.data() - text.data());
    sentence.length = sentence_text.size();
    sentence.words = word_count(sentence_text);
    sentence.terms.reserve(tokens.size());
    sentence.positions.reserve(tokens.size());
    for (const Token& token : tokens) {
      auto [it, added] = index.try_emplace(token.term, static_cast<uint32_t>(seen.size()));
      if (added) seen.push_back(token.term);
      sentence.terms.push_back(it->second);
      sentence.positions.push_back(token.position - sentences.first_positions[s]);
    }
    out.sentences.push_back(std::move(sentence));
  }
  // Sorted, so that a question's few terms are looked up rather than every term checked.
  std::vector<uint32_t> order(seen.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return seen[a] < seen[b]; });
  std::vector<uint32_t> rank(seen.size());
  for (uint32_t r = 0; r < order.size(); ++r) rank[order[r]] = r;
  for (AnalysedSentence& sentence : out.sentences) {
    for (uint32_t& term : sentence.terms) term = rank[term];
  }
  out.vocabulary.reserve(seen.size());
  for (uint32_t i : order) out.vocabulary.emplace_back(seen[i]);
  return out;
}

int64_t PassageAnalysis::term_index(std::string_view term) const {
  auto it = std::lower_bound(vocabulary.begin(), vocabulary.end(), term,
                             [](const std::string& a, std::string_view b) { return a < b; });
  return it != vocabulary.end() && *it == term ? it - vocabulary.begin() : -1;
}

}  // namespace parley
