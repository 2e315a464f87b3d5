// Text analysis for retrieval: ICU word segmentation, NFKC case folding, stopwords and
// Snowball stemming in a language, identifiers kept whole. The index and the queries go
// through the same Analyzer, so that "Refunds" in a question meets "refund" in a passage.
// Safe to use from many threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace parley {

struct Token {
  std::string term;       // normalized and stemmed: what the index stores
  std::string surface;    // normalized (case-folded) but not stemmed: for typo matching
  uint32_t position = 0;  // word position in the text; stopwords leave gaps
  bool stopword = false;  // kept only when the caller asks for stopwords (phrases)
};

class Analyzer {
 public:
  // `language`: an ISO 639-1 code ("en", "de", "pt-BR" uses "pt"); a language Snowball
  // has no stemmer for gets segmentation and case folding only.
  explicit Analyzer(std::string_view language);
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // The text's tokens in order. Stopwords are dropped unless keep_stopwords (their
  // positions are skipped either way, so phrase distances stay true). An identifier
  // ("E-1042", "AB-12-XY") comes whole, then its parts ("1042") at the same position.
  std::vector<Token> analyze(std::string_view text, bool keep_stopwords = false) const;
  // analyze() of one piece of a longer text, the pieces in order and apart only by
  // whitespace (its sentences): word positions start at `position`, which comes back past
  // the piece's words, so that the pieces' tokens together are the whole text's.
  std::vector<Token> analyze_piece(std::string_view piece, uint32_t& position) const;

  // The Snowball algorithm in use ("english"), or "" when none.
  const std::string& stemmer_name() const;
  bool is_stopword(std::string_view folded_word) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley
