// Groups visitors' questions that ask the same thing in other words ("how much does it
// cost", "what does it cost?", "cost of the plan"): the unanswered-questions list shows
// one line per group. Pure: the feedback service opens the questions and hands them in.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "search/analyzer.h"

namespace parley {

struct AskedQuestion {
  std::string conversation_id;
  std::string message_id;
  std::string text;
  int64_t asked_at = 0;
  bool fallback = false;     // the bot answered with its fallback
  bool thumbs_down = false;  // the visitor rated the answer down
};

struct QuestionExample {
  std::string conversation_id;
  std::string message_id;
  std::string text;
};

struct QuestionGroup {
  std::string question;  // the most common phrasing; of equals, the most recent
  int count = 0;
  int fallbacks = 0;
  int thumbs_down = 0;
  int64_t last_asked_at = 0;
  std::vector<QuestionExample> examples;  // newest first, at most kExamplesPerGroup
};

// Two questions are alike when their term sets (stems, stopwords out) share at least this
// Jaccard similarity.
inline constexpr double kAlikeQuestions = 0.5;
inline constexpr size_t kExamplesPerGroup = 5;

// What a question is about: its stemmed terms without stopwords; a question of stopwords
// only ("what is it?") keeps them, so that it is alike only to the same words.
std::set<std::string> question_terms(const Analyzer& analyzer, std::string_view text);
double jaccard(const std::set<std::string>& a, const std::set<std::string>& b);

// `questions` newest first. Greedy: each question joins the group holding the question it
// is most alike to (at least kAlikeQuestions), or starts a group. Largest groups first;
// of equal size, the most recently asked first.
std::vector<QuestionGroup> group_questions(const Analyzer& analyzer,
                                           const std::vector<AskedQuestion>& questions);

}  // namespace parley
