// Questions asked in other words fall in one group; different questions do not.
#include "chat/question_groups.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

AskedQuestion asked(const std::string& text, int64_t at, bool fallback = true) {
  return {"cnv_" + std::to_string(at), "msg_" + std::to_string(at), text, at, fallback, !fallback};
}

TEST(QuestionGroups, TermsAreStemsWithoutStopwords) {
  Analyzer english("en");
  EXPECT_EQ(question_terms(english, "How much does it cost?"),
            (std::set<std::string>{"much", "cost"}));
  EXPECT_EQ(question_terms(english, "Where is your OFFICE?"), (std::set<std::string>{"offic"}));
  // Only stopwords: they are what the question is.
  EXPECT_FALSE(question_terms(english, "what is it?").empty());
  EXPECT_DOUBLE_EQ(jaccard({"a", "b"}, {"b", "c"}), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(jaccard({}, {}), 0.0);
}

TEST(QuestionGroups, SimilarQuestionsGroupAndTheLargestComeFirst) {
  Analyzer english("en");
  // Newest first, as the service hands them in.
  std::vector<AskedQuestion> questions = {
      asked("Where is your office?", 9), asked("cost of the plan", 8, false),
      asked("What does it cost?", 7),    asked("where is your office", 6),
      asked("how much does it cost", 5), asked("Do you sell gift cards?", 4),
      asked("What does it cost?", 3),
  };
  auto groups = group_questions(english, questions);
  ASSERT_EQ(groups.size(), 3u);

  EXPECT_EQ(groups[0].count, 4);
  EXPECT_EQ(groups[0].question, "What does it cost?");  // the most common phrasing
  EXPECT_EQ(groups[0].fallbacks, 3);
  EXPECT_EQ(groups[0].thumbs_down, 1);
  EXPECT_EQ(groups[0].last_asked_at, 8);
  ASSERT_EQ(groups[0].examples.size(), 4u);
  EXPECT_EQ(groups[0].examples[0].text, "cost of the plan");
  EXPECT_EQ(groups[0].examples[0].conversation_id, "cnv_8");
  EXPECT_EQ(groups[0].examples[0].message_id, "msg_8");

  EXPECT_EQ(groups[1].count, 2);
  EXPECT_EQ(groups[1].question, "Where is your office?");  // of equals, the newest
  EXPECT_EQ(groups[1].last_asked_at, 9);

  EXPECT_EQ(groups[2].count, 1);
  EXPECT_EQ(groups[2].question, "Do you sell gift cards?");
}

TEST(QuestionGroups, AGroupShowsFiveExamplesAtMost) {
  Analyzer english("en");
  std::vector<AskedQuestion> questions;
  for (int i = 20; i > 0; --i) questions.push_back(asked("Where is your office?", i));
  auto groups = group_questions(english, questions);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].count, 20);
  ASSERT_EQ(groups[0].examples.size(), kExamplesPerGroup);
  EXPECT_EQ(groups[0].examples[0].conversation_id, "cnv_20");
  EXPECT_TRUE(group_questions(english, {}).empty());
}

}  // namespace
}  // namespace parley
