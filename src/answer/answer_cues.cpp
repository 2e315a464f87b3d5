#include "answer/answer_cues.h"

#include <array>
#include <cctype>
#include <string>
#include <vector>

namespace parley {
namespace {

std::string folded(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The words of `text`, split on anything but letters, digits and a few joiners.
std::vector<std::string_view> words_of(std::string_view text) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !std::isalnum(static_cast<unsigned char>(text[i])) &&
           static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
    }
    size_t start = i;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) ||
                               static_cast<unsigned char>(text[i]) >= 0x80 || text[i] == '\'' ||
                               text[i] == '-' || text[i] == '.' || text[i] == ',')) {
      ++i;
    }
    std::string_view word = text.substr(start, i - start);
    while (!word.empty() && (word.back() == '.' || word.back() == ',' || word.back() == '\'')) {
      word.remove_suffix(1);
    }
    if (!word.empty()) words.push_back(word);
  }
  return words;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool contains_word(const std::string& folded_text, std::string_view word) {
  size_t at = 0;
  while ((at = folded_text.find(word, at)) != std::string::npos) {
    bool left = at == 0 || !std::isalpha(static_cast<unsigned char>(folded_text[at - 1]));
    size_t end = at + word.size();
    bool right =
        end == folded_text.size() || !std::isalpha(static_cast<unsigned char>(folded_text[end]));
    if (left && right) return true;
    at = end;
  }
  return false;
}

bool has_digit(std::string_view word) {
  for (char c : word) {
    if (std::isdigit(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

bool is_year(std::string_view word) {
  if (word.size() == 5 && (word.back() == 's')) word.remove_suffix(1);  // "1990s"
  if (word.size() != 4) return false;
  for (char c : word) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return word[0] == '1' || word[0] == '2';
}

bool has_time(std::string_view sentence) {
  static constexpr std::array<std::string_view, 16> kTimeWords = {
      "january",   "february", "march",    "april",    "may",     "june", "july", "august",
      "september", "october",  "november", "december", "century", "bc",   "ad",   "decade"};
  std::string text = folded(sentence);
  for (std::string_view word : words_of(sentence)) {
    if (is_year(word)) return true;
  }
  for (std::string_view word : kTimeWords) {
    if (word != "may" && word != "march" && contains_word(text, word)) return true;
  }
  return false;
}

bool has_quantity(std::string_view sentence) {
  static constexpr std::array<std::string_view, 22> kNumberWords = {
      "one",     "two",      "three",   "four",    "five",   "six",    "seven", "eight",
      "nine",    "ten",      "eleven",  "twelve",  "twenty", "thirty", "forty", "fifty",
      "hundred", "thousand", "million", "billion", "dozen",  "percent"};
  std::string text = folded(sentence);
  for (std::string_view word : words_of(sentence)) {
    if (has_digit(word)) return true;
  }
  for (std::string_view word : kNumberWords) {
    if (contains_word(text, word)) return true;
  }
  return false;
}

bool capitalized(std::string_view word) {
  return !word.empty() && std::isupper(static_cast<unsigned char>(word[0]));
}

// A capitalized word, not the sentence's first, that the question does not contain.
bool has_new_name(std::string_view sentence, std::string_view question) {
  std::string question_text = folded(question);
  auto words = words_of(sentence);
  for (size_t i = 1; i < words.size(); ++i) {
    if (capitalized(words[i]) && !contains_word(question_text, folded(words[i]))) return true;
  }
  return false;
}

bool has_place(std::string_view sentence, std::string_view question) {
  static constexpr std::array<std::string_view, 8> kPlaceCues = {
      "in", "at", "near", "located", "north", "south", "east", "west"};
  std::string question_text = folded(question);
  auto words = words_of(sentence);
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    std::string word = folded(words[i]);
    for (std::string_view cue : kPlaceCues) {
      if (word == cue && capitalized(words[i + 1]) &&
          !contains_word(question_text, folded(words[i + 1]))) {
        return true;
      }
    }
  }
  return false;
}

// "X is a ...", "X was an ...", "X refers to ...": how a definition reads.
bool has_definition(std::string_view sentence) {
  static constexpr std::array<std::string_view, 9> kCopulas = {
      " is a ",    " is an ", " is the ",    " was a ",    " was an ",
      " was the ", " are a ", " refers to ", " is one of "};
  std::string text = folded(sentence);
  for (std::string_view copula : kCopulas) {
    if (text.find(copula) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

AnswerType answer_type_of(std::string_view question) {
  std::string q = folded(question);
  auto words = words_of(q);
  if (words.empty()) return AnswerType::other;
  std::string_view first = words[0];
  std::string_view second = words.size() > 1 ? words[1] : std::string_view();
  if (first == "when" || q.find("what year") != std::string::npos ||
      q.find("what date") != std::string::npos || q.find("which year") != std::string::npos ||
      q.find("how old") != std::string::npos) {
    return AnswerType::time;
  }
  if (first == "how" &&
      (second == "many" || second == "much" || second == "long" || second == "far" ||
       second == "big" || second == "tall" || second == "old" || second == "large")) {
    return AnswerType::quantity;
  }
  if (first == "who" || first == "whom" || first == "whose") {
    return words.size() <= 4 && (second == "is" || second == "was") ? AnswerType::definition
                                                                    : AnswerType::person;
  }
  if (first == "where") return AnswerType::place;
  if ((first == "what" || first == "what's") &&
      (second == "is" || second == "are" || second == "was" || second == "does")) {
    return AnswerType::definition;
  }
  if (starts_with(q, "define ") || starts_with(q, "definition of")) return AnswerType::definition;
  return AnswerType::other;
}

bool sentence_has_answer_type(AnswerType type, std::string_view sentence,
                              std::string_view question) {
  switch (type) {
    case AnswerType::time:
      return has_time(sentence);
    case AnswerType::quantity:
      return has_quantity(sentence);
    case AnswerType::person:
      return has_new_name(sentence, question);
    case AnswerType::place:
      return has_place(sentence, question);
    case AnswerType::definition:
      return has_definition(sentence);
    case AnswerType::other:
      return false;
  }
  return false;
}

}  // namespace parley
