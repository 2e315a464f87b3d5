// What a language brings to text analysis: its Snowball algorithm and its stopwords, the
// lists embedded at build time (cmake/embed_stopwords.cmake). Used by the Analyzer.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>

namespace parley {

struct EmbeddedStopwords {
  const char* language;  // Snowball algorithm name: "english"
  const char* words;     // UTF-8, one word per line, as the list was written
};

// Every list compiled in; empty when the build found none.
std::span<const EmbeddedStopwords> embedded_stopwords();

// The list for a Snowball algorithm name, or "" when there is none.
std::string_view stopword_list(std::string_view snowball_name);

// Snowball algorithms this code knows; algorithm() indexes them.
inline constexpr size_t kSnowballAlgorithmCount = 29;

class LanguageRules {
 public:
  // `language`: an ISO 639-1 code, optionally with a region ("pt-BR"), or a Snowball name.
  explicit LanguageRules(std::string_view language);
  LanguageRules(const LanguageRules&) = delete;
  LanguageRules& operator=(const LanguageRules&) = delete;

  // Index below kSnowballAlgorithmCount, or -1 when this libstemmer has no algorithm for
  // the language (then there are no stopwords either).
  int algorithm() const { return algorithm_; }
  const std::string& stemmer_name() const { return stemmer_name_; }  // "" when none

  // `word` case-folded with NFKC_Casefold; the lists are folded the same way ("daß").
  bool is_stopword(std::string_view word) const {
    return word.size() <= longest_stopword_ && stopwords_.contains(word);
  }

 private:
  void load_stopwords(std::string_view list);

  int algorithm_ = -1;
  std::string stemmer_name_;
  std::string stopword_text_;  // folded stopwords, one per line; the set points into it
  std::unordered_set<std::string_view> stopwords_;
  size_t longest_stopword_ = 0;
};

}  // namespace parley
