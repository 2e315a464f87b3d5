// The widget service on SQLite and PostgreSQL: the gate (public id, Origin against the
// bot's allowed origins, a rotated id), chat limited per visitor on a manual clock (by
// visitor id, or by address for a new visitor), and leads and ratings taken only for the
// visitor's own conversation with this bot.
#include "widget/widget_service.h"

#include <gtest/gtest.h>

#include "chat/chat_test_fixture.h"

namespace parley {
namespace {

using kb_testing::expect_error;
using namespace std::chrono_literals;

constexpr std::string_view kShop = "https://shop.example.com";

class WidgetServiceTest : public chat_testing::ChatTest {
 protected:
  void SetUp() override {
    ChatTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    leads_ = std::make_unique<LeadService>(*store_, *keyring_, clock_);
    widget_ = std::make_unique<WidgetService>(context(), kb_->search, *chat_, *leads_, *feedback_);
    bot_id_ = make_shop_bot().bot;
    set_settings(bot_id_, boost::json::object{
                              {"allowed_origins", boost::json::array{"https://Shop.example.com"}},
                              {"messages_per_minute", 3}});
    bot_ = open_bot();
  }

  void TearDown() override {
    widget_.reset();
    leads_.reset();
    ChatTest::TearDown();
  }

  BotView open_bot(std::string_view origin = kShop) {
    auto public_id = kb_->bots.get(ws_, bot_id_)->public_id;
    auto bot = widget_->open(public_id, origin);
    EXPECT_TRUE(bot.ok()) << bot.error().message;
    return bot.ok() ? *bot : BotView{};
  }

  Result<ChatReply> say(const std::string& message, std::optional<std::string> visitor = {},
                        std::optional<std::string> conversation = {},
                        std::string_view ip = "203.0.113.7") {
    return widget_->chat(bot_, {message, std::move(conversation), std::move(visitor)}, ip);
  }

  std::unique_ptr<LeadService> leads_;
  std::unique_ptr<WidgetService> widget_;
  std::string bot_id_;
  BotView bot_;
};

TEST_P(WidgetServiceTest, TheGateWantsAKnownPublicIdAndAnAllowedOrigin) {
  const std::string public_id = bot_.public_id;
  EXPECT_EQ(bot_.id, bot_id_);
  EXPECT_EQ(bot_.workspace_id, ws_);
  EXPECT_TRUE(widget_->open(public_id, "https://SHOP.example.com:443").ok());

  expect_error(widget_->open("pub_01JD3Z8Q4K5M6N7P8R9S0T1V2W", kShop), ErrorCode::not_found);
  expect_error(widget_->open(bot_id_, kShop), ErrorCode::not_found);
  expect_error(widget_->open(public_id, ""), ErrorCode::forbidden, "settings.allowed_origins");
  expect_error(widget_->open(public_id, "null"), ErrorCode::forbidden, "not a web origin");
  expect_error(widget_->open(public_id, "https://evil.example.net"), ErrorCode::forbidden,
               "https://evil.example.net may not embed this bot: add it");
  expect_error(widget_->open(public_id, "http://shop.example.com"), ErrorCode::forbidden);

  // A bot with no allowed origins is embedded nowhere.
  std::string bare = make_bot("Bare");
  expect_error(widget_->open(kb_->bots.get(ws_, bare)->public_id, kShop), ErrorCode::forbidden,
               "may not be embedded on any site yet: add https://shop.example.com");

  // A rotated public id names nothing from then on.
  auto rotated = kb_->bots.rotate_public_id(ws_, bot_id_, actor());
  ASSERT_TRUE(rotated.ok());
  expect_error(widget_->open(public_id, kShop), ErrorCode::not_found);
  EXPECT_EQ(widget_->open(rotated->public_id, kShop)->id, bot_id_);
}

TEST_P(WidgetServiceTest, ChatIsLimitedPerVisitorByTheBotsMessagesPerMinute) {
  auto first = say("How long does shipping take?");
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_TRUE(first->message);
  EXPECT_NE(first->message->text.find("5 business days"), std::string::npos);
  const std::string visitor = first->visitor_id;
  const std::string conversation = first->conversation_id;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(say("And to which countries?", visitor, conversation).ok()) << i;
  }
  auto refused = say("Once more?", visitor, conversation);
  expect_error(refused, ErrorCode::rate_limited, "try again in 20 seconds");
  EXPECT_EQ(refused.error().retry_after_seconds, 20);

  // Another visitor has a bucket of their own; a new visitor is counted by address.
  auto other = say("What does the Pro plan cost?", std::nullopt, std::nullopt, "198.51.100.1");
  ASSERT_TRUE(other.ok()) << other.error().message;
  ASSERT_TRUE(say("Next?", other->visitor_id, other->conversation_id).ok());

  clock_.advance(20s);
  EXPECT_TRUE(say("Once more?", visitor, conversation).ok());
  expect_error(say("And again?", visitor, conversation), ErrorCode::rate_limited);
}

TEST_P(WidgetServiceTest, NewVisitorsFromOneAddressShareABucket) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(say("Shipping?").ok()) << i;
  expect_error(say("Shipping?"), ErrorCode::rate_limited);
  EXPECT_TRUE(say("Shipping?", std::nullopt, std::nullopt, "203.0.113.8").ok());
  // A made-up visitor id that is not one is counted by address too.
  expect_error(say("Shipping?", std::string("vis_nonsense")), ErrorCode::rate_limited);
}

TEST_P(WidgetServiceTest, AnotherVisitorsConversationIsNotFound) {
  auto mine = say("How long does shipping take?");
  auto theirs = say("What does the Pro plan cost?", std::nullopt, std::nullopt, "198.51.100.1");
  ASSERT_TRUE(mine.ok() && theirs.ok());
  expect_error(say("Tell me more", mine->visitor_id, theirs->conversation_id),
               ErrorCode::not_found);
  // Without a visitor id a conversation is no one's to go on with.
  expect_error(say("Tell me more", std::nullopt, theirs->conversation_id),
               ErrorCode::invalid_argument, "visitor_id");
}

TEST_P(WidgetServiceTest, LeadsAndRatingsOnlyForTheVisitorsOwnConversation) {
  auto mine = say("How long does shipping take?");
  auto theirs = say("What does the Pro plan cost?", std::nullopt, std::nullopt, "198.51.100.1");
  ASSERT_TRUE(mine.ok() && theirs.ok());
  const LeadInput lead{mine->conversation_id, {{"email", "ada@example.com"}}, true};

  expect_error(widget_->submit_lead(bot_, theirs->visitor_id, lead, "198.51.100.1"),
               ErrorCode::not_found, "no such conversation");
  expect_error(widget_->submit_lead(bot_, "vis_nonsense", lead, "198.51.100.1"),
               ErrorCode::not_found);
  auto submitted = widget_->submit_lead(bot_, mine->visitor_id, lead, "203.0.113.7");
  ASSERT_TRUE(submitted.ok()) << submitted.error().message;
  EXPECT_EQ(submitted->visitor_id, mine->visitor_id);
  EXPECT_EQ(submitted->fields.at("email"), "ada@example.com");

  const FeedbackInput down{"down", "Too slow"};
  expect_error(widget_->rate(bot_, theirs->visitor_id, mine->conversation_id, mine->message->id,
                             down, "198.51.100.1"),
               ErrorCode::not_found);
  expect_error(widget_->rate(bot_, mine->visitor_id, theirs->conversation_id, theirs->message->id,
                             down, "203.0.113.7"),
               ErrorCode::not_found);
  auto rated = widget_->rate(bot_, mine->visitor_id, mine->conversation_id, mine->message->id, down,
                             "203.0.113.7");
  ASSERT_TRUE(rated.ok()) << rated.error().message;
  EXPECT_TRUE(rated->created);
  EXPECT_EQ(rated->feedback.rating, "down");

  // The same visitor's conversation with another bot of the workspace is not this bot's.
  std::string other_bot = make_bot("Other");
  set_settings(other_bot, boost::json::object{{"allowed_origins", boost::json::array{kShop}}});
  auto other = widget_->open(kb_->bots.get(ws_, other_bot)->public_id, kShop);
  ASSERT_TRUE(other.ok());
  expect_error(widget_->submit_lead(*other, mine->visitor_id, lead, "203.0.113.7"),
               ErrorCode::not_found);
}

TEST_P(WidgetServiceTest, FormsHaveABucketOfTheirOwn) {
  auto mine = say("How long does shipping take?");
  ASSERT_TRUE(mine.ok());
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(say("More?", mine->visitor_id, mine->conversation_id).ok());
  expect_error(say("More?", mine->visitor_id, mine->conversation_id), ErrorCode::rate_limited);
  // Chat is spent, the form is not.
  const FeedbackInput up{"up", std::nullopt};
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(widget_
                    ->rate(bot_, mine->visitor_id, mine->conversation_id, mine->message->id, up,
                           "203.0.113.7")
                    .ok())
        << i;
  }
  auto refused = widget_->rate(bot_, mine->visitor_id, mine->conversation_id, mine->message->id, up,
                               "203.0.113.7");
  expect_error(refused, ErrorCode::rate_limited);
  EXPECT_GT(refused.error().retry_after_seconds, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, WidgetServiceTest, ::testing::Values("sqlite", "postgres"),
                         store_testing::backend_name);

}  // namespace
}  // namespace parley
