// The chat, transcript and feedback services over the knowledge services of kb_test_fixture.h (a
// fresh SQLite or PostgreSQL database, a real keyring, a manual clock), with helpers to give a bot
// some knowledge and to chat. Included by src/chat/*_test.cpp only.
#pragma once

#include <memory>
#include <string>

#include "chat/chat_service.h"
#include "chat/feedback_service.h"
#include "chat/transcript_service.h"
#include "kb/kb_test_fixture.h"

namespace parley::chat_testing {

class ChatTest : public kb_testing::KbTest {
 protected:
  void SetUp() override {
    KbTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    chat_ = std::make_unique<ChatService>(KbContext{*store_, *keyring_, clock_, config_, crawl_},
                                          kb_->search);
    transcripts_ = std::make_unique<TranscriptService>(context());
    feedback_ = std::make_unique<FeedbackService>(context());
  }

  void TearDown() override {
    feedback_.reset();
    transcripts_.reset();
    chat_.reset();
    KbTest::TearDown();
  }

  // Changes some of the bot's settings (a partial settings object).
  void set_settings(const std::string& bot, boost::json::object settings) {
    BotInput input;
    input.settings = std::move(settings);
    auto updated = kb_->bots.update(ws_, bot, input, actor());
    ASSERT_TRUE(updated.ok()) << updated.error().message;
  }

  Result<ChatReply> ask(const std::string& bot, const std::string& message,
                        std::optional<std::string> conversation = std::nullopt,
                        std::optional<std::string> visitor = std::nullopt) {
    clock_.advance(std::chrono::milliseconds(1));
    return chat_->chat(ws_, bot, {message, std::move(conversation), std::move(visitor)});
  }

  // A bot that knows about shipping and the Pro plan.
  struct ShopBot {
    std::string bot, shipping, pro;
  };
  ShopBot make_shop_bot() {
    ShopBot shop;
    shop.bot = make_bot();
    shop.shipping = add_text(shop.bot, "Shipping",
                             "We ship to every country in Europe. Shipping takes 5 business "
                             "days from payment.");
    shop.pro = add_text(shop.bot, "Pro plan",
                        "The Pro plan includes unlimited bots and priority support. The Pro "
                        "plan costs 29 dollars per month.");
    return shop;
  }

  KbContext context() { return KbContext{*store_, *keyring_, clock_, config_, crawl_}; }

  // Moves a conversation to `state`, as the handoff will.
  void set_state(const std::string& conversation, const std::string& state) {
    Status moved = store_->db().write([&](Tx& tx) -> Status {
      auto changed =
          tx.exec("UPDATE conversations SET state = $1 WHERE id = $2", {state, conversation});
      if (!changed) return changed.error();
      return ok_status();
    });
    ASSERT_TRUE(moved.ok()) << moved.error().message;
  }

  std::unique_ptr<ChatService> chat_;
  std::unique_ptr<TranscriptService> transcripts_;
  std::unique_ptr<FeedbackService> feedback_;
};

}  // namespace parley::chat_testing
