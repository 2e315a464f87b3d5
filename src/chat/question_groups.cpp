#include "chat/question_groups.h"

#include <algorithm>
#include <map>

namespace parley {
namespace {

// A group while it is built: its distinct term sets, and how often each phrasing came.
struct Building {
  QuestionGroup group;
  std::vector<std::set<std::string>> term_sets;
  std::vector<std::string> phrasings;              // folded, in the order first seen (newest first)
  std::map<std::string, int> counts;               // folded phrasing -> how often
  std::map<std::string, std::string> newest_text;  // folded phrasing -> its newest text
};

std::string phrasing_key(const Analyzer& analyzer, std::string_view text) {
  std::string key;
  for (const Token& token : analyzer.analyze(text, true)) {
    if (!key.empty()) key += ' ';
    key += token.surface;
  }
  return key.empty() ? std::string(text) : key;
}

void add_to(Building& building, const AskedQuestion& q, std::set<std::string> terms,
            const std::string& phrasing) {
  QuestionGroup& group = building.group;
  ++group.count;
  if (q.fallback) ++group.fallbacks;
  if (q.thumbs_down) ++group.thumbs_down;
  group.last_asked_at = std::max(group.last_asked_at, q.asked_at);
  if (group.examples.size() < kExamplesPerGroup) {
    group.examples.push_back({q.conversation_id, q.message_id, q.text});
  }
  if (std::find(building.term_sets.begin(), building.term_sets.end(), terms) ==
      building.term_sets.end()) {
    building.term_sets.push_back(std::move(terms));
  }
  if (building.counts[phrasing]++ == 0) {
    building.phrasings.push_back(phrasing);
    building.newest_text.emplace(phrasing, q.text);
  }
}

// The most common phrasing; of equals, the one seen first (the newest).
std::string representative(const Building& building) {
  std::string best;
  int best_count = 0;
  for (const std::string& phrasing : building.phrasings) {
    const int count = building.counts.at(phrasing);
    if (count > best_count) {
      best = phrasing;
      best_count = count;
    }
  }
  return building.newest_text.at(best);
}

}  // namespace

std::set<std::string> question_terms(const Analyzer& analyzer, std::string_view text) {
  std::set<std::string> terms;
  for (const Token& token : analyzer.analyze(text)) terms.insert(token.term);
  if (terms.empty()) {
    for (const Token& token : analyzer.analyze(text, true)) terms.insert(token.term);
  }
  return terms;
}

double jaccard(const std::set<std::string>& a, const std::set<std::string>& b) {
  if (a.empty() && b.empty()) return 0.0;
  size_t shared = 0;
  for (const std::string& term : a) shared += b.count(term);
  return static_cast<double>(shared) / static_cast<double>(a.size() + b.size() - shared);
}

std::vector<QuestionGroup> group_questions(const Analyzer& analyzer,
                                           const std::vector<AskedQuestion>& questions) {
  std::vector<Building> groups;
  for (const AskedQuestion& q : questions) {
    std::set<std::string> terms = question_terms(analyzer, q.text);
    const std::string phrasing = phrasing_key(analyzer, q.text);
    size_t best = groups.size();
    double best_score = 0.0;
    for (size_t i = 0; i < groups.size(); ++i) {
      for (const auto& other : groups[i].term_sets) {
        const double score = jaccard(terms, other);
        if (score >= kAlikeQuestions && score > best_score) {
          best = i;
          best_score = score;
        }
      }
    }
    if (best == groups.size()) groups.emplace_back();
    add_to(groups[best], q, std::move(terms), phrasing);
  }
  std::vector<QuestionGroup> out;
  for (Building& building : groups) {
    building.group.question = representative(building);
    out.push_back(std::move(building.group));
  }
  std::stable_sort(out.begin(), out.end(), [](const QuestionGroup& a, const QuestionGroup& b) {
    if (a.count != b.count) return a.count > b.count;
    return a.last_asked_at > b.last_asked_at;
  });
  return out;
}

}  // namespace parley
