// Transcripts on SQLite and PostgreSQL: a bot's conversations searched by words (opened
// from their sealed messages, case-insensitive, within a bounded scan that pages on),
// filtered by state, and exported whole with citations and feedback.
#include "chat/transcript_service.h"

#include <gtest/gtest.h>

#include "chat/chat_test_fixture.h"
#include "chat/message_codec.h"

namespace parley {
namespace {

using kb_testing::expect_error;
using namespace std::chrono_literals;

class TranscriptServiceTest : public chat_testing::ChatTest {
 protected:
  void SetUp() override {
    ChatTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    const ShopBot shop = make_shop_bot();
    bot_ = shop.bot;
    shipping_ = shop.shipping;
  }

  std::string conversation(const std::string& question) {
    auto reply = ask(bot_, question);
    EXPECT_TRUE(reply.ok()) << reply.error().message;
    return reply.ok() ? reply->conversation_id : "";
  }

  // The ids of every page of a listing, following next_cursor; `pages` counts them.
  std::vector<std::string> all_pages(TranscriptQuery query, int* pages = nullptr) {
    std::vector<std::string> ids;
    int count = 0;
    for (; count < 100; ++count) {
      auto page = transcripts_->list(ws_, bot_, query);
      EXPECT_TRUE(page.ok()) << page.error().message;
      if (!page.ok()) break;
      for (const ConversationView& c : page->conversations) {
        ids.push_back(c.id);
        EXPECT_TRUE(c.messages.empty());
      }
      if (!page->next_cursor) break;
      query.cursor = *page->next_cursor;
    }
    if (pages) *pages = count + 1;
    return ids;
  }

  std::string bot_, shipping_;
};

TEST_P(TranscriptServiceTest, SearchFindsConversationsHoldingEveryWordInAnyCase) {
  const std::string shipping = conversation("Which countries do you ship to?");
  const std::string pro = conversation("What does the Pro plan include?");
  const std::string named = conversation("My name is Zebulon Quinterro.");

  EXPECT_EQ(all_pages({"zebulon"}), std::vector<std::string>{named});
  EXPECT_EQ(all_pages({"ZEBULON quinterro"}), std::vector<std::string>{named});
  EXPECT_TRUE(all_pages({"zebulon europe"}).empty());  // every word, not any
  // The bot's answers are searched too ("We ship to every country in Europe").
  EXPECT_EQ(all_pages({"europe"}), std::vector<std::string>{shipping});
  // A word finds the words it begins.
  EXPECT_EQ(all_pages({"unlimit"}), std::vector<std::string>{pro});
  EXPECT_TRUE(all_pages({"nlimited"}).empty());
  // Blank q lists everything, newest first.
  EXPECT_EQ(all_pages({"  "}), (std::vector<std::string>{named, pro, shipping}));
}

TEST_P(TranscriptServiceTest, FiltersByStateAndRefusesUnknownStates) {
  const std::string first = conversation("Which countries do you ship to?");
  const std::string second = conversation("Which countries do you ship to, again?");
  const std::string third = conversation("What does the Pro plan include?");
  set_state(second, "closed");
  set_state(third, "waiting_for_human");

  EXPECT_EQ(all_pages({"", "open"}), std::vector<std::string>{first});
  EXPECT_EQ(all_pages({"", "closed"}), std::vector<std::string>{second});
  EXPECT_EQ(all_pages({"countries", "closed"}), std::vector<std::string>{second});
  EXPECT_EQ(all_pages({"countries"}), (std::vector<std::string>{second, first}));
  EXPECT_TRUE(all_pages({"", "with_agent"}).empty());
  expect_error(transcripts_->list(ws_, bot_, {"", "pending"}), ErrorCode::invalid_argument,
               "open, waiting_for_human, with_agent, closed");
  expect_error(transcripts_->list(ws_, bot_, {"", "", "cnv_nope"}), ErrorCode::invalid_argument,
               "cursor");
  expect_error(transcripts_->list(other_workspace(), bot_, {}), ErrorCode::not_found, "bot");
}

TEST_P(TranscriptServiceTest, ASearchScansABoundedNumberPerPageAndGoesOnFromTheCursor) {
  TranscriptOptions options;
  options.max_searched = 2;
  transcripts_ = std::make_unique<TranscriptService>(context(), options);
  const std::string oldest = conversation("My name is Zebulon Quinterro.");
  for (int i = 0; i < 4; ++i) conversation("Which countries do you ship to? " + std::to_string(i));
  const std::string newest = conversation("Zebulon again, about shipping");

  int pages = 0;
  EXPECT_EQ(all_pages({"zebulon", "", "", 50}, &pages), (std::vector<std::string>{newest, oldest}));
  EXPECT_EQ(pages, 3);  // six conversations, two opened per page

  // A full page stops where its last find was.
  auto first = transcripts_->list(ws_, bot_, {"zebulon", "", "", 1});
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->conversations.size(), 1u);
  EXPECT_EQ(first->conversations[0].id, newest);
  EXPECT_EQ(first->next_cursor, newest);

  // Plain listing pages by limit.
  EXPECT_EQ(all_pages({"", "", "", 2}, &pages).size(), 6u);
  EXPECT_EQ(pages, 3);
}

TEST_P(TranscriptServiceTest, ExportHoldsMessagesCitationsAndFeedbackAndLeavesOutErasedVisitors) {
  auto asked = ask(bot_, "How many days does shipping take?");
  ASSERT_TRUE(asked.ok() && asked->message);
  clock_.advance(1ms);
  ASSERT_TRUE(feedback_
                  ->rate(ws_, asked->conversation_id, asked->message->id,
                         {"down", std::string("=cmd|' /C calc'!A0")})
                  .ok());
  auto erased = ask(bot_, "My name is Zebulon Quinterro.");
  ASSERT_TRUE(erased.ok());
  const std::string other = conversation("What does the Pro plan include?");
  ASSERT_TRUE(keyring_->destroy_key(visitor_key_owner(ws_, erased->visitor_id)).ok());

  auto exported = transcripts_->export_all(ws_, bot_);
  ASSERT_TRUE(exported.ok()) << exported.error().message;
  EXPECT_FALSE(exported->truncated);
  ASSERT_EQ(exported->conversations.size(), 2u);
  EXPECT_EQ(exported->conversations[0].id, other);  // newest first
  const ConversationView& rated = exported->conversations[1];
  EXPECT_EQ(rated.id, asked->conversation_id);
  EXPECT_EQ(rated.visitor_id, asked->visitor_id);
  ASSERT_EQ(rated.messages.size(), 2u);
  EXPECT_EQ(rated.messages[0].text, "How many days does shipping take?");
  EXPECT_FALSE(rated.messages[0].feedback);
  const ChatMessage& answer = rated.messages[1];
  EXPECT_EQ(answer.text, asked->message->text);
  ASSERT_FALSE(answer.citations.empty());
  EXPECT_EQ(answer.citations[0].source.id, shipping_);
  ASSERT_TRUE(answer.feedback);
  EXPECT_EQ(answer.feedback->rating, "down");
  EXPECT_EQ(answer.feedback->comment, "=cmd|' /C calc'!A0");

  TranscriptOptions options;
  options.max_exported = 1;
  transcripts_ = std::make_unique<TranscriptService>(context(), options);
  exported = transcripts_->export_all(ws_, bot_);
  ASSERT_TRUE(exported.ok());
  EXPECT_TRUE(exported->truncated);
  ASSERT_EQ(exported->conversations.size(), 1u);
  EXPECT_EQ(exported->conversations[0].id, other);

  expect_error(transcripts_->export_all(other_workspace(), bot_), ErrorCode::not_found, "bot");
}

INSTANTIATE_TEST_SUITE_P(Backends, TranscriptServiceTest, ::testing::Values("sqlite", "postgres"),
                         store_testing::backend_name);

}  // namespace
}  // namespace parley
