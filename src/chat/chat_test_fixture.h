// The chat service over the knowledge services of kb_test_fixture.h (a fresh SQLite or
// PostgreSQL database, a real keyring, a manual clock), with helpers to give a bot some
// knowledge and to chat. Included by src/chat/*_test.cpp only.
#pragma once

#include <memory>
#include <string>

#include "chat/chat_service.h"
#include "kb/kb_test_fixture.h"

namespace parley::chat_testing {

class ChatTest : public kb_testing::KbTest {
 protected:
  void SetUp() override {
    KbTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    chat_ = std::make_unique<ChatService>(KbContext{*store_, *keyring_, clock_, config_, crawl_},
                                          kb_->search);
  }

  void TearDown() override {
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

  std::unique_ptr<ChatService> chat_;
};

}  // namespace parley::chat_testing
