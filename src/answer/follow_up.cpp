#include "answer/follow_up.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

namespace parley {
namespace {

std::string folded_ascii(std::string_view text) {
  std::string out;
  for (char c : text) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool opens_like_follow_up(const std::string& q) {
  static constexpr std::array<std::string_view, 8> kOpeners = {
      "and ", "what about ", "how about ", "also ", "but ", "and,", "what if ", "then "};
  for (std::string_view opener : kOpeners) {
    if (q.substr(0, opener.size()) == opener) return true;
  }
  return false;
}

bool leans_on_pronoun(const std::vector<Token>& tokens) {
  static constexpr std::array<std::string_view, 13> kPronouns = {
      "it",    "its", "they", "them", "their", "this", "these",
      "those", "he",  "she",  "him",  "his",   "her"};
  for (const Token& token : tokens) {
    if (std::find(kPronouns.begin(), kPronouns.end(), token.surface) != kPronouns.end()) {
      return true;
    }
  }
  return false;
}

// One step: `question` against the previous question already resolved.
ResolvedQuestion resolve_step(std::string_view question, const std::string& previous,
                              const Analyzer& analyzer) {
  ResolvedQuestion out{std::string(question), {}};
  if (previous.empty()) return out;
  auto all = analyzer.analyze(question, /*keep_stopwords=*/true);
  std::set<std::string> own_terms;
  for (const Token& token : all) {
    if (!token.stopword) own_terms.insert(token.term);
  }
  bool follow_up = opens_like_follow_up(folded_ascii(question)) || leans_on_pronoun(all) ||
                   own_terms.size() <= 1;
  if (!follow_up) return out;
  std::set<std::string> seen = own_terms;
  for (const Token& token : analyzer.analyze(previous)) {
    if (seen.insert(token.term).second) out.carried.push_back(token.surface);
  }
  for (const std::string& word : out.carried) out.text += " " + word;
  return out;
}

}  // namespace

ResolvedQuestion resolve_question(std::string_view question, const std::vector<Turn>& history,
                                  const Analyzer& analyzer) {
  std::string previous;
  for (const Turn& turn : history) {
    if (turn.speaker != Speaker::visitor || turn.text.empty()) continue;
    previous = resolve_step(turn.text, previous, analyzer).text;
  }
  return resolve_step(question, previous, analyzer);
}

std::string retrieval_query(std::string_view question, const std::vector<Turn>& history,
                            const Analyzer& analyzer) {
  return resolve_question(question, history, analyzer).text;
}

}  // namespace parley
