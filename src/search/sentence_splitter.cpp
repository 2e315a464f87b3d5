#include "search/sentence_splitter.h"

#include <array>
#include <cctype>
#include <string>

namespace parley {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

// Words that end with a period without ending a sentence, folded, without the period.
bool is_abbreviation(std::string_view word) {
  static constexpr std::array<std::string_view, 40> kWords = {
      "e.g", "i.e", "etc",  "vs",  "cf",  "al",  "approx", "ca",   "mr",  "mrs",
      "ms",  "dr",  "prof", "st",  "jr",  "sr",  "mt",     "ft",   "no",  "nos",
      "vol", "pp",  "fig",  "inc", "ltd", "co",  "corp",   "dept", "est", "gen",
      "gov", "sen", "rep",  "rev", "u.s", "u.k", "u.n",    "jan",  "feb", "aug"};
  std::string folded;
  for (char c : word) folded += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view abbreviation : kWords) {
    if (folded == abbreviation) return true;
  }
  // Dotted initialisms ("U.S.A", "p.m"): letters separated by single periods.
  if (folded.size() >= 3 && folded.find('.') != std::string::npos) {
    bool dotted = true;
    for (size_t i = 0; i < folded.size(); ++i) {
      dotted = dotted && (i % 2 == 0 ? is_alpha(folded[i]) : folded[i] == '.');
    }
    if (dotted) return true;
  }
  return false;
}

// The word just before text[dot] (from the last space), without the period.
std::string_view word_before(std::string_view text, size_t dot) {
  size_t start = dot;
  while (start > 0 && !is_space(text[start - 1])) --start;
  std::string_view word = text.substr(start, dot - start);
  while (!word.empty() && (word.front() == '(' || word.front() == '"' || word.front() == '\'')) {
    word.remove_prefix(1);
  }
  return word;
}

// A period ends a sentence unless it follows an abbreviation or an initial; ! and ? always.
bool terminal_punctuation(std::string_view text, size_t i) {
  if (text[i] == '!' || text[i] == '?') return true;
  if (text[i] != '.') return false;
  std::string_view word = word_before(text, i);
  if (word.size() == 1 && is_upper(word[0])) return false;  // "J. K. Rowling"
  return !is_abbreviation(word);
}

// Past the closing quotes and brackets after a sentence's last mark.
size_t skip_closers(std::string_view text, size_t end) {
  while (end < text.size()) {
    if (text[end] == '"' || text[end] == '\'' || text[end] == ')' || text[end] == ']') {
      ++end;
    } else if (text.substr(end, 3) == "\xE2\x80\x9D" || text.substr(end, 3) == "\xE2\x80\x99") {
      end += 3;  // ” ’
    } else {
      break;
    }
  }
  return end;
}

// Whether what follows a space can open a sentence: not a lowercase letter (which would
// mean the period was an abbreviation we do not know).
bool opens_sentence(std::string_view text, size_t i) {
  if (i >= text.size()) return true;
  unsigned char c = static_cast<unsigned char>(text[i]);
  return !(c >= 'a' && c <= 'z');
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<std::string_view> split_sentences(std::string_view text) {
  std::vector<std::string_view> sentences;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && i + 1 < text.size() && text[i + 1] == '\n') {
      // A blank line (paragraph, list item) ends a sentence whatever precedes it.
      if (auto s = trimmed(text.substr(start, i - start)); !s.empty()) sentences.push_back(s);
      start = i + 1;
      continue;
    }
    if (!terminal_punctuation(text, i)) continue;
    size_t end = skip_closers(text, i + 1);
    if (end < text.size() && !is_space(text[end])) continue;  // "3.5", "parley.io"
    size_t next = end;
    while (next < text.size() && is_space(text[next])) ++next;
    if (!opens_sentence(text, next)) continue;
    if (auto s = trimmed(text.substr(start, end - start)); !s.empty()) sentences.push_back(s);
    start = end;
    i = end - 1;
  }
  if (auto s = trimmed(text.substr(start)); !s.empty()) sentences.push_back(s);
  return sentences;
}

std::string collapse_whitespace(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
    } else {
      if (space) out += ' ';
      out += c;
      space = false;
    }
  }
  return out;
}

}  // namespace parley
