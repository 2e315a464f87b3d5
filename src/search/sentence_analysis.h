// A passage's text analysed for the extractive answerer: its sentences with their tokens
// (as indexes into the passage's own vocabulary of terms) and its title's terms. All of it
// is independent of the question, so a turn only scores. Made from the text here, or kept
// for each indexed chunk by the search index (SearchIndex::passage_analysis).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "search/analyzer.h"

namespace parley {

struct AnalysedSentence {
  size_t offset = 0;  // where it lies in the passage's text
  size_t length = 0;
  size_t words = 0;
  // Its tokens in order (stopwords left out): a term as an index into the vocabulary, and
  // its word position.
  std::vector<uint32_t> terms;
  std::vector<uint32_t> positions;

  bool operator==(const AnalysedSentence&) const = default;
};

struct PassageAnalysis {
  std::vector<std::string> vocabulary;  // the distinct terms of the sentences, sorted
  std::vector<AnalysedSentence> sentences;
  std::set<std::string> title_terms;

  // The term's index in the vocabulary, or -1 when no sentence has it.
  int64_t term_index(std::string_view term) const;
  bool operator==(const PassageAnalysis&) const = default;
};

// A text cut in sentences (views into it), each with its tokens; word positions go on
// from one sentence to the next, so that all the tokens in order are analyze(text)'s.
struct TextSentences {
  std::vector<std::string_view> texts;
  std::vector<std::vector<Token>> tokens;
  std::vector<uint32_t> first_positions;  // each sentence's first word's position
};
TextSentences analyse_sentences(std::string_view text, const Analyzer& analyzer);

// The analysis of a passage's text and its source's title.
PassageAnalysis analyse_passage(std::string_view text, std::string_view title,
                                const Analyzer& analyzer);

// Whitespace-separated words, as an answer's length is counted.
size_t word_count(std::string_view text);

}  // namespace parley
