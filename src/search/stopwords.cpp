// Language code -> Snowball algorithm, and the stopword lists folded for lookup. The list
// data itself is generated (stopwords_data.cpp in the build directory).
#include "search/stopwords.h"

#include <libstemmer.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>

namespace parley {
namespace {

constexpr std::array<const char*, kSnowballAlgorithmCount> kAlgorithms = {
    "arabic",    "armenian",   "basque",   "catalan", "danish",     "dutch",
    "english",   "finnish",    "french",   "german",  "greek",      "hindi",
    "hungarian", "indonesian", "irish",    "italian", "lithuanian", "nepali",
    "norwegian", "portuguese", "romanian", "russian", "serbian",    "spanish",
    "swedish",   "tamil",      "turkish",  "yiddish", "porter"};

struct LanguageCode {
  std::string_view code;
  std::string_view algorithm;
};
constexpr LanguageCode kLanguageCodes[] = {
    {"en", "english"},   {"de", "german"},     {"fr", "french"},    {"es", "spanish"},
    {"it", "italian"},   {"pt", "portuguese"}, {"nl", "dutch"},     {"sv", "swedish"},
    {"no", "norwegian"}, {"nb", "norwegian"},  {"nn", "norwegian"}, {"da", "danish"},
    {"fi", "finnish"},   {"ru", "russian"},    {"hu", "hungarian"}, {"ro", "romanian"},
    {"tr", "turkish"},   {"ar", "arabic"},     {"el", "greek"},     {"id", "indonesian"},
    {"ga", "irish"},     {"lt", "lithuanian"}, {"ne", "nepali"},    {"sr", "serbian"},
    {"ta", "tamil"},     {"hy", "armenian"},   {"eu", "basque"},    {"ca", "catalan"},
    {"hi", "hindi"},     {"yi", "yiddish"}};

bool libstemmer_has(std::string_view algorithm) {
  for (const char** name = sb_stemmer_list(); *name != nullptr; ++name) {
    if (algorithm == *name) return true;
  }
  return false;
}

// "pt-BR" -> "pt" -> index of "portuguese"; a Snowball name ("english") works too.
int algorithm_index(std::string_view language) {
  std::string code;
  for (char c : language) {
    if (c == '-' || c == '_') break;
    code += static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
  }
  std::string_view name = code;
  for (const LanguageCode& entry : kLanguageCodes) {
    if (entry.code == code) name = entry.algorithm;
  }
  for (size_t i = 0; i < kAlgorithms.size(); ++i) {
    if (name == kAlgorithms[i]) return libstemmer_has(name) ? static_cast<int>(i) : -1;
  }
  return -1;
}

bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

}  // namespace

std::string_view stopword_list(std::string_view snowball_name) {
  for (const EmbeddedStopwords& list : embedded_stopwords()) {
    if (snowball_name == list.language) return list.words;
  }
  return {};
}

LanguageRules::LanguageRules(std::string_view language) : algorithm_(algorithm_index(language)) {
  if (algorithm_ < 0) return;
  stemmer_name_ = kAlgorithms[algorithm_];
  load_stopwords(stopword_list(stemmer_name_));
}

void LanguageRules::load_stopwords(std::string_view list) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* fold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status)) return;
  while (!list.empty()) {
    size_t end = list.find('\n');
    std::string_view line = list.substr(0, end);
    list.remove_prefix(end == std::string_view::npos ? list.size() : end + 1);
    while (!line.empty() && is_space(line.back())) line.remove_suffix(1);
    while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
    if (line.empty()) continue;
    icu::UnicodeString folded = fold->normalize(
        icu::UnicodeString::fromUTF8(icu::StringPiece(line.data(), line.size())), status);
    if (U_SUCCESS(status)) folded.toUTF8String(stopword_text_) += '\n';
    status = U_ZERO_ERROR;
  }
  // Views into stopword_text_, taken only now that it has stopped growing.
  std::string_view words = stopword_text_;
  while (!words.empty()) {
    size_t end = words.find('\n');
    stopwords_.insert(words.substr(0, end));
    longest_stopword_ = std::max(longest_stopword_, end);
    words.remove_prefix(end + 1);
  }
}

}  // namespace parley
