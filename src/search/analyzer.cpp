// The Analyzer: text -> tokens, the same way for indexed chunks and for queries.
//
// Segmentation. Text is cut at ASCII whitespace into chunks. A chunk of pure ASCII takes a
// fast path that needs no ICU (split at non-alphanumerics, lowercase), following the
// UAX #29 rules ICU applies to ASCII: "don't", "e.g", "example.com", "3.5", "1,000" and
// "snake_case" stay one word. Chunks with any other byte go to ICU's word BreakIterator
// (dictionaries for CJK and Thai) and NFKC case folding. Because the choice is made per
// whitespace-separated chunk, an ASCII word gives the same tokens whatever surrounds it, so
// an ASCII query always meets the same word inside a non-ASCII passage.
//
// Identifiers. Words joined by exactly one '-', '.', '/', '@' (or a Unicode hyphen, which
// becomes '-') with no space around it form a run; a run where some word has a digit, or
// that contains '@' (an email), is one token: "E-1042" -> "e-1042", "AB-12-XY",
// "COVID-19", "x86_64-linux". Words with digits ("2.3.1", "v1.4", "3.5", "1042") are never
// stemmed and never stopwords. After the whole identifier come its parts at the same
// position ("e-1042" then "1042"; "covid-19" then "covid" and "19"), so a query for a part
// finds the identifier, and a query for the identifier ranks exact matches first. One-letter
// ASCII parts ("e") are left out as noise. Runs longer than kMaxIdentifierBytes (base64,
// long paths) are treated as separate words.
#include "search/analyzer.h"

#include <libstemmer.h>
#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/ustring.h>

#include <array>
#include <mutex>
#include <stdexcept>

#include "search/stopwords.h"

namespace parley {
namespace {

// Longer words are dropped (their position still counts): no query types them, and they
// would bloat the vocabulary.
constexpr size_t kMaxWordBytes = 100;
constexpr size_t kMaxIdentifierBytes = 64;

const icu::Normalizer2& nfkc_casefold() {
  static const icu::Normalizer2* normalizer = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFKCCasefoldInstance(status);
    if (U_FAILURE(status)) throw std::runtime_error("ICU NFKC_Casefold data is missing");
    return n;
  }();
  return *normalizer;
}

// Creating a word BreakIterator loads rules and dictionaries; cloning one is cheap.
std::unique_ptr<icu::BreakIterator> clone_word_breaker() {
  static std::mutex mutex;
  static std::unique_ptr<icu::BreakIterator> prototype;
  std::lock_guard lock(mutex);
  if (!prototype) {
    UErrorCode status = U_ZERO_ERROR;
    prototype.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status)) throw std::runtime_error("ICU word break rules are missing");
  }
  return std::unique_ptr<icu::BreakIterator>(prototype->clone());
}

enum class Kind { kWord, kNumber, kRaw };  // kWord: stopword check and stemming

struct Part {
  size_t offset;
  size_t size;
  Kind kind;
};

// The stem and stopword verdict of a recently seen word. Word frequencies are skewed, so a
// small direct-mapped cache answers most words without Snowball or the stopword set.
struct CachedWord {
  std::string word;  // folded; "" marks an empty slot
  std::string stem;
  bool stopword = false;
};
constexpr size_t kWordCacheBits = 13;

size_t word_cache_slot(std::string_view word) {
  uint64_t hash = 14695981039346656037ull;  // FNV-1a
  for (unsigned char c : word) hash = (hash ^ c) * 1099511628211ull;
  return (hash * 0x9E3779B97F4A7C15ull) >> (64 - kWordCacheBits);
}

// Per-thread scratch, reused across calls: sb_stemmer is not thread-safe, and ICU objects
// and buffers are too costly to make per call.
struct ThreadState {
  std::unique_ptr<icu::BreakIterator> breaker;
  icu::UnicodeString text;
  icu::UnicodeString folded;
  std::string word;
  std::string run;  // words of the current run with their joiners: a whole identifier
  std::vector<Part> parts;
  std::array<sb_stemmer*, kSnowballAlgorithmCount> stemmers{};
  std::array<std::vector<CachedWord>, kSnowballAlgorithmCount> word_caches;

  ~ThreadState() {
    for (sb_stemmer* stemmer : stemmers) {
      if (stemmer != nullptr) sb_stemmer_delete(stemmer);
    }
  }
  sb_stemmer* stemmer(const LanguageRules& language) {
    sb_stemmer*& stemmer = stemmers[language.algorithm()];
    if (stemmer == nullptr) stemmer = sb_stemmer_new(language.stemmer_name().c_str(), "UTF_8");
    return stemmer;
  }
  std::vector<CachedWord>& word_cache(int algorithm) {
    std::vector<CachedWord>& cache = word_caches[algorithm];
    if (cache.empty()) cache.resize(size_t{1} << kWordCacheBits);
    return cache;
  }
};

ThreadState& thread_state() {
  thread_local ThreadState state;
  return state;
}

bool is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_alpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool is_alnum(unsigned char c) { return is_digit(c) || is_alpha(c); }
bool is_word_char(unsigned char c) { return is_alnum(c) || c == '_'; }
bool is_ascii_joiner(unsigned char c) { return c == '-' || c == '.' || c == '/' || c == '@'; }

char joiner_of(char16_t c) {
  if (c < 0x80) return is_ascii_joiner(c) ? static_cast<char>(c) : 0;
  return c >= 0x2010 && c <= 0x2013 ? '-' : 0;  // hyphen, non-breaking hyphen, dashes
}

// One analyze() call: segments the text and turns words and identifier runs into tokens.
class Tokenizer {
 public:
  Tokenizer(const LanguageRules& language, bool keep_stopwords, std::vector<Token>& out,
            uint32_t first_position = 0)
      : language_(language),
        state_(thread_state()),
        keep_stopwords_(keep_stopwords),
        out_(out),
        position_(first_position) {
    state_.run.clear();
    state_.parts.clear();
  }

  void analyze(std::string_view text) {
    size_t unicode_begin = std::string_view::npos;
    size_t unicode_end = 0;
    size_t i = 0;
    while (i < text.size()) {
      while (i < text.size() && is_space(text[i])) ++i;
      if (i == text.size()) break;
      size_t begin = i;
      unsigned char high = 0;
      while (i < text.size() && !is_space(text[i])) high |= static_cast<unsigned char>(text[i++]);
      if (high >= 0x80) {  // consecutive non-ASCII chunks go to ICU together
        if (unicode_begin == std::string_view::npos) unicode_begin = begin;
        unicode_end = i;
        continue;
      }
      if (unicode_begin != std::string_view::npos) {
        unicode_span(text.substr(unicode_begin, unicode_end - unicode_begin));
        unicode_begin = std::string_view::npos;
      }
      ascii_chunk(text.substr(begin, i - begin));
    }
    if (unicode_begin != std::string_view::npos) {
      unicode_span(text.substr(unicode_begin, unicode_end - unicode_begin));
    }
    flush();
  }
  uint32_t next_position() const { return position_; }

 private:
  void ascii_chunk(std::string_view chunk) {
    const size_t n = chunk.size();
    size_t last_word_end = std::string_view::npos;
    char joiner = 0;
    size_t i = 0;
    while (i < n) {
      unsigned char c = chunk[i];
      if (!is_word_char(c)) {
        bool joins =
            is_ascii_joiner(c) && last_word_end == i && i + 1 < n && is_word_char(chunk[i + 1]);
        joiner = joins ? static_cast<char>(c) : 0;
        ++i;
        continue;
      }
      size_t begin = i;
      bool digit = false;
      bool alnum = false;
      for (; i < n; ++i) {
        unsigned char ch = chunk[i];
        if (is_word_char(ch)) {
          digit |= is_digit(ch);
          alnum |= ch != '_';
          continue;
        }
        // UAX #29 WB6/7 and WB11/12: a middle letter between letters, a middle number
        // between digits.
        if (i > begin && i + 1 < n) {
          unsigned char before = chunk[i - 1];
          unsigned char after = chunk[i + 1];
          if ((ch == '.' || ch == '\'') && is_alpha(before) && is_alpha(after)) continue;
          if ((ch == '.' || ch == ',' || ch == ';' || ch == '\'') && is_digit(before) &&
              is_digit(after)) {
            continue;
          }
        }
        break;
      }
      if (!alnum) {  // underscores only
        joiner = 0;
        continue;
      }
      std::string& word = state_.word;
      word.assign(chunk.data() + begin, i - begin);
      for (char& ch : word) {
        if (ch >= 'A' && ch <= 'Z') ch += 'a' - 'A';
      }
      add(word, digit ? Kind::kNumber : Kind::kWord, joiner);
      joiner = 0;
      last_word_end = i;
    }
  }

  void unicode_span(std::string_view span) {
    icu::UnicodeString& text = state_.text;
    // UTF-16 never needs more units than UTF-8 has bytes; bad bytes become U+FFFD.
    int32_t capacity = static_cast<int32_t>(span.size()) + 1;
    int32_t length = 0;
    UErrorCode status = U_ZERO_ERROR;
    u_strFromUTF8WithSub(text.getBuffer(capacity), capacity, &length, span.data(),
                         static_cast<int32_t>(span.size()), 0xFFFD, nullptr, &status);
    text.releaseBuffer(U_SUCCESS(status) ? length : 0);

    if (!state_.breaker) state_.breaker = clone_word_breaker();
    icu::BreakIterator& breaker = *state_.breaker;
    breaker.setText(text);
    int32_t last_word_end = -1;
    char joiner = 0;
    int32_t begin = breaker.first();
    for (int32_t end = breaker.next(); end != icu::BreakIterator::DONE;
         begin = end, end = breaker.next()) {
      int32_t rule = breaker.getRuleStatus();
      if (rule < UBRK_WORD_NONE_LIMIT) {
        joiner = end - begin == 1 && last_word_end == begin ? joiner_of(text.charAt(begin)) : 0;
        continue;
      }
      // ICU keeps an email address as one word; split it at '@' as the ASCII path does.
      for (int32_t piece = begin;;) {
        int32_t at = text.indexOf(u'@', piece, end - piece);
        int32_t piece_end = at < 0 ? end : at;
        bool added = unicode_word(piece, piece_end, rule, joiner);
        joiner = added && at >= 0 ? '@' : 0;
        if (added) last_word_end = piece_end;
        if (at < 0) break;
        piece = at + 1;
      }
    }
  }

  // Folds one ICU word and adds it; false when it has no letter or digit.
  bool unicode_word(int32_t begin, int32_t end, int32_t rule, char joiner) {
    const icu::UnicodeString& text = state_.text;
    bool digit = false;
    bool alnum = false;
    for (int32_t i = begin; i < end;) {
      UChar32 c;
      U16_NEXT(text.getBuffer(), i, end, c);
      digit |= u_isdigit(c) != 0;
      alnum |= u_isalnum(c) != 0;
    }
    if (!alnum) return false;
    UErrorCode status = U_ZERO_ERROR;
    nfkc_casefold().normalize(text.tempSubString(begin, end - begin), state_.folded, status);
    if (U_FAILURE(status)) return false;
    if (state_.folded.indexOf(u'\u2019') >= 0) {  // "don’t" as "don't": one stem for both
      state_.folded.findAndReplace(icu::UnicodeString(u'\u2019'), icu::UnicodeString(u'\''));
    }
    state_.word.clear();
    state_.folded.toUTF8String(state_.word);
    Kind kind = digit ? Kind::kNumber : rule >= UBRK_WORD_KANA ? Kind::kRaw : Kind::kWord;
    add(state_.word, kind, joiner);
    return true;
  }

  // A word arrives; `joiner` is the character tying it to the previous word, or 0.
  void add(std::string_view word, Kind kind, char joiner) {
    if (joiner == 0) flush();
    if (joiner != 0) state_.run += joiner;
    run_is_identifier_ |= kind == Kind::kNumber || joiner == '@';
    state_.parts.push_back(Part{state_.run.size(), word.size(), kind});
    state_.run += word;
  }

  void flush() {
    std::string_view run = state_.run;
    std::vector<Part>& parts = state_.parts;
    if (parts.size() == 1) {
      emit(run, parts[0].kind, position_++);
    } else if (parts.size() > 1 && run_is_identifier_ && run.size() <= kMaxIdentifierBytes) {
      push(run, run, position_, false);
      for (size_t i = 0; i < parts.size(); ++i) {
        std::string_view part = run.substr(parts[i].offset, parts[i].size);
        if (part.size() == 1 && parts[i].kind == Kind::kWord) continue;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; ++j)
          seen = run.substr(parts[j].offset, parts[j].size) == part;
        if (!seen) emit(part, parts[i].kind, position_);
      }
      ++position_;
    } else {
      for (const Part& part : parts)
        emit(run.substr(part.offset, part.size), part.kind, position_++);
    }
    state_.run.clear();
    parts.clear();
    run_is_identifier_ = false;
  }

  void emit(std::string_view word, Kind kind, uint32_t position) {
    if (word.size() > kMaxWordBytes) return;
    if (kind != Kind::kWord) {
      push(word, word, position, false);
      return;
    }
    if (language_.algorithm() < 0) {  // no stemmer, so no stopword list either
      push(word, word, position, false);
      return;
    }
    const CachedWord& known = lookup(word);
    if (known.stopword && !keep_stopwords_) return;
    push(known.stem, word, position, known.stopword);
  }

  const CachedWord& lookup(std::string_view word) {
    CachedWord& slot = state_.word_cache(language_.algorithm())[word_cache_slot(word)];
    if (slot.word == word) return slot;
    slot.word.assign(word);
    slot.stopword = language_.is_stopword(word);
    sb_stemmer* stemmer = state_.stemmer(language_);
    const sb_symbol* stem =
        stemmer == nullptr
            ? nullptr
            : sb_stemmer_stem(stemmer, reinterpret_cast<const sb_symbol*>(word.data()),
                              static_cast<int>(word.size()));
    if (stem == nullptr) {  // out of memory
      slot.stem.assign(word);
    } else {
      slot.stem.assign(reinterpret_cast<const char*>(stem), sb_stemmer_length(stemmer));
    }
    return slot;
  }

  void push(std::string_view term, std::string_view surface, uint32_t position, bool stopword) {
    Token& token = out_.emplace_back();
    token.term.assign(term);
    token.surface.assign(surface);
    token.position = position;
    token.stopword = stopword;
  }

  const LanguageRules& language_;
  ThreadState& state_;
  const bool keep_stopwords_;
  std::vector<Token>& out_;
  uint32_t position_;
  bool run_is_identifier_ = false;
};

}  // namespace

struct Analyzer::Impl {
  explicit Impl(std::string_view language) : rules(language) {}
  LanguageRules rules;
};

Analyzer::Analyzer(std::string_view language) : impl_(std::make_unique<Impl>(language)) {}

Analyzer::~Analyzer() = default;

std::vector<Token> Analyzer::analyze(std::string_view text, bool keep_stopwords) const {
  std::vector<Token> tokens;
  tokens.reserve(text.size() / 6 + 1);
  Tokenizer(impl_->rules, keep_stopwords, tokens).analyze(text);
  return tokens;
}

std::vector<Token> Analyzer::analyze_piece(std::string_view piece, uint32_t& position) const {
  std::vector<Token> tokens;
  tokens.reserve(piece.size() / 6 + 1);
  Tokenizer tokenizer(impl_->rules, /*keep_stopwords=*/false, tokens, position);
  tokenizer.analyze(piece);
  position = tokenizer.next_position();
  return tokens;
}

const std::string& Analyzer::stemmer_name() const { return impl_->rules.stemmer_name(); }

bool Analyzer::is_stopword(std::string_view folded_word) const {
  return impl_->rules.is_stopword(folded_word);
}

}  // namespace parley
