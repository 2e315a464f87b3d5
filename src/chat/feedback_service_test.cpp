// Feedback on SQLite and PostgreSQL: a rating stored and replaced, shown in the transcript,
// its comment sealed with the visitor's key; only the bot's answers rateable; other
// workspaces' and unknown ids not found; the unanswered questions (fallbacks and thumbs
// down) grouped by similar question, within the scanned window.
#include "chat/feedback_service.h"

#include <gtest/gtest.h>

#include "chat/chat_test_fixture.h"
#include "chat/message_codec.h"
#include "core/ids.h"

namespace parley {
namespace {

using kb_testing::expect_error;
using namespace std::chrono_literals;

class FeedbackServiceTest : public chat_testing::ChatTest {
 protected:
  void SetUp() override {
    ChatTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    bot_ = make_shop_bot().bot;
  }

  // A question and the bot's answer to it.
  ChatReply turn(const std::string& question,
                 std::optional<std::string> conversation = std::nullopt) {
    auto reply = ask(bot_, question, std::move(conversation));
    EXPECT_TRUE(reply.ok()) << reply.error().message;
    EXPECT_TRUE(reply.ok() && reply->message);
    return reply.ok() ? *reply : ChatReply{};
  }

  Result<RatedAnswer> rate(const ChatReply& reply, const std::string& rating,
                           std::optional<std::string> comment = std::nullopt) {
    clock_.advance(1ms);
    return feedback_->rate(ws_, reply.conversation_id, reply.message->id,
                           {rating, std::move(comment)});
  }

  std::string bot_;
};

TEST_P(FeedbackServiceTest, ARatingIsStoredReplacedAndShownInTheTranscript) {
  ChatReply reply = turn("How many days does shipping take?");
  auto up = rate(reply, "up");
  ASSERT_TRUE(up.ok()) << up.error().message;
  EXPECT_TRUE(up->created);
  EXPECT_TRUE(is_valid_id(up->feedback.id, "fb"));
  EXPECT_EQ(up->feedback.conversation_id, reply.conversation_id);
  EXPECT_EQ(up->feedback.message_id, reply.message->id);
  EXPECT_EQ(up->feedback.rating, "up");
  EXPECT_FALSE(up->feedback.comment);

  auto transcript = transcripts_->get(ws_, reply.conversation_id);
  ASSERT_TRUE(transcript.ok()) << transcript.error().message;
  ASSERT_EQ(transcript->messages.size(), 2u);
  EXPECT_FALSE(transcript->messages[0].feedback);
  ASSERT_TRUE(transcript->messages[1].feedback);
  EXPECT_EQ(transcript->messages[1].feedback->rating, "up");
  EXPECT_FALSE(transcript->messages[1].feedback->comment);

  // Rating again replaces it: one row, the same id.
  auto down = rate(reply, "down", "Five days is too slow, and it did not say the price.");
  ASSERT_TRUE(down.ok()) << down.error().message;
  EXPECT_FALSE(down->created);
  EXPECT_EQ(down->feedback.id, up->feedback.id);
  EXPECT_EQ(down->feedback.rating, "down");
  EXPECT_EQ(down->feedback.comment, "Five days is too slow, and it did not say the price.");
  EXPECT_EQ(scalar("SELECT count(*) FROM feedback"), 1);
  transcript = transcripts_->get(ws_, reply.conversation_id);
  ASSERT_TRUE(transcript.ok()) << transcript.error().message;
  ASSERT_TRUE(transcript->messages[1].feedback);
  EXPECT_EQ(transcript->messages[1].feedback->rating, "down");
  EXPECT_EQ(transcript->messages[1].feedback->comment,
            "Five days is too slow, and it did not say the price.");

  // Back up without a comment: the comment goes too.
  ASSERT_TRUE(rate(reply, "up").ok());
  transcript = transcripts_->get(ws_, reply.conversation_id);
  ASSERT_TRUE(transcript.ok());
  EXPECT_EQ(transcript->messages[1].feedback->rating, "up");
  EXPECT_FALSE(transcript->messages[1].feedback->comment);
  EXPECT_EQ(scalar("SELECT count(*) FROM feedback WHERE comment_sealed IS NULL"), 1);
}

TEST_P(FeedbackServiceTest, TheCommentIsSealedWithTheVisitorsKey) {
  ChatReply reply = turn("How many days does shipping take?");
  ASSERT_TRUE(rate(reply, "down", "Call me back: Zebulon Quinterro").ok());
  const std::string rows = raw("SELECT * FROM feedback");
  EXPECT_FALSE(rows.empty());
  EXPECT_EQ(rows.find("Zebulon"), std::string::npos);
  EXPECT_NE(rows.find("down"), std::string::npos);  // the rating itself is not sealed

  // Erasing the visitor (destroying their key) takes the comment with the messages.
  ASSERT_TRUE(keyring_->destroy_key(visitor_key_owner(ws_, reply.visitor_id)).ok());
  EXPECT_FALSE(transcripts_->get(ws_, reply.conversation_id).ok());
  auto unanswered = feedback_->unanswered(ws_, bot_, 20);
  ASSERT_TRUE(unanswered.ok()) << unanswered.error().message;
  EXPECT_TRUE(unanswered->empty());
}

TEST_P(FeedbackServiceTest, OnlyTheBotsAnswersCanBeRated) {
  ChatReply reply = turn("How many days does shipping take?");
  auto transcript = transcripts_->get(ws_, reply.conversation_id);
  ASSERT_TRUE(transcript.ok());
  const std::string question = transcript->messages[0].id;
  expect_error(feedback_->rate(ws_, reply.conversation_id, question, {"up", std::nullopt}),
               ErrorCode::invalid_argument, "only the bot's answers");

  // An agent's reply, as the handoff will store it.
  MessageRow agent;
  agent.id = new_id("msg", clock_);
  agent.conversation_id = reply.conversation_id;
  agent.workspace_id = ws_;
  agent.role = "agent";
  agent.seq = 3;
  agent.created_at = clock_.now_ms();
  ASSERT_TRUE(
      seal_message(*keyring_, visitor_key_owner(ws_, reply.visitor_id), agent, "Hi!", nullptr)
          .ok());
  ASSERT_TRUE(store_->db().write([&](Tx& tx) { return insert_message(tx, agent); }).ok());
  expect_error(feedback_->rate(ws_, reply.conversation_id, agent.id, {"down", std::nullopt}),
               ErrorCode::invalid_argument, "agent");
  EXPECT_EQ(scalar("SELECT count(*) FROM feedback"), 0);
}

TEST_P(FeedbackServiceTest, RefusesBadInputAndUnknownOrForeignIds) {
  ChatReply reply = turn("How many days does shipping take?");
  ChatReply other = turn("What does the Pro plan include?");
  const std::string& conversation = reply.conversation_id;
  const std::string& answer = reply.message->id;
  expect_error(feedback_->rate(ws_, conversation, answer, {"meh", std::nullopt}),
               ErrorCode::invalid_argument, "rating");
  expect_error(feedback_->rate(ws_, conversation, answer, {"up", std::string(1001, 'a')}),
               ErrorCode::invalid_argument, "1000 characters");
  std::string long_but_fine;
  for (int i = 0; i < 1000; ++i) long_but_fine += "é";  // 1,000 characters, 2,000 bytes
  EXPECT_TRUE(feedback_->rate(ws_, conversation, answer, {"up", long_but_fine}).ok());

  // Another workspace, another conversation's answer, unknown and malformed ids: not found.
  const std::string rival = other_workspace();
  expect_error(feedback_->rate(rival, conversation, answer, {"up", std::nullopt}),
               ErrorCode::not_found, "conversation");
  expect_error(feedback_->rate(ws_, conversation, other.message->id, {"up", std::nullopt}),
               ErrorCode::not_found, "message");
  expect_error(feedback_->rate(ws_, "cnv_01JD3Z8Q4K5M6N7P8R9S0T1V2W", answer, {"up", std::nullopt}),
               ErrorCode::not_found);
  expect_error(feedback_->rate(ws_, conversation, "msg_nope", {"up", std::nullopt}),
               ErrorCode::not_found);
  expect_error(feedback_->rate(ws_, "cnv_nope", answer, {"up", std::nullopt}),
               ErrorCode::not_found);
  expect_error(feedback_->unanswered(rival, bot_, 20), ErrorCode::not_found, "bot");
}

TEST_P(FeedbackServiceTest, UnansweredQuestionsAreFallbacksAndThumbsDownGroupedBySimilarity) {
  // Nothing in the knowledge says where the office is: fallbacks.
  ChatReply office = turn("Where is your office?");
  EXPECT_TRUE(office.message->fallback) << office.message->text;
  ChatReply office_again = turn("where is your office located?");
  // Cost questions rated down, whatever they were answered.
  for (const char* asked : {"how much does it cost", "what does it cost?", "cost of the plan"}) {
    ASSERT_TRUE(rate(turn(asked), "down").ok());
  }
  // A good answer, rated up or not rated, is not listed.
  ASSERT_TRUE(rate(turn("How many days does shipping take?"), "up").ok());
  turn("Which countries do you ship to?");

  auto groups = feedback_->unanswered(ws_, bot_, 20);
  ASSERT_TRUE(groups.ok()) << groups.error().message;
  ASSERT_EQ(groups->size(), 2u);
  const QuestionGroup& cost = (*groups)[0];
  EXPECT_EQ(cost.count, 3);
  EXPECT_EQ(cost.thumbs_down, 3);
  EXPECT_EQ(cost.question, "cost of the plan");  // each phrasing once: the most recent
  ASSERT_EQ(cost.examples.size(), 3u);
  EXPECT_EQ(cost.examples[0].text, "cost of the plan");  // newest first
  EXPECT_EQ(cost.examples[2].text, "how much does it cost");
  const QuestionGroup& where = (*groups)[1];
  EXPECT_EQ(where.count, 2);
  EXPECT_EQ(where.fallbacks, 2);
  EXPECT_EQ(where.thumbs_down, 0);
  EXPECT_EQ(where.examples[0].conversation_id, office_again.conversation_id);
  EXPECT_EQ(where.examples[1].conversation_id, office.conversation_id);
  EXPECT_GT(where.last_asked_at, 0);
  EXPECT_LT(where.last_asked_at, cost.last_asked_at);  // the office was asked about first
  // The example names the visitor's question, which the transcript shows just before the
  // answer.
  auto transcript = transcripts_->get(ws_, office.conversation_id);
  ASSERT_TRUE(transcript.ok());
  EXPECT_EQ(where.examples[1].message_id, transcript->messages[0].id);

  auto one = feedback_->unanswered(ws_, bot_, 1);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].count, 3);

  // The list looks back 90 days.
  clock_.advance(std::chrono::hours(24 * 91));
  auto later = feedback_->unanswered(ws_, bot_, 20);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, FeedbackServiceTest, ::testing::Values("sqlite", "postgres"),
                         store_testing::backend_name);

}  // namespace
}  // namespace parley
