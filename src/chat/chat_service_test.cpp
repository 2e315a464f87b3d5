// The chat service on SQLite and PostgreSQL: cited extractive answers from a small
// knowledge base, follow-ups resolved with the conversation, the fallback below the
// threshold, tenancy of conversations, silence while a human owns one, and messages
// sealed with the visitor's key; a generative bot's answers from a fake model on loopback,
// and the extractive answer (counted) when that model fails.
#include "chat/chat_service.h"

#include <gtest/gtest.h>

#include "chat/chat_test_fixture.h"
#include "chat/message_codec.h"
#include "core/ids.h"
#include "tests/support/test_llm_server.h"

namespace parley {
namespace {

using kb_testing::expect_error;

class ChatServiceTest : public chat_testing::ChatTest {
 protected:
  void SetUp() override {
    ChatTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    bot_ = make_bot();
    shipping_ = add_text(bot_, "Shipping",
                         "We ship to every country in Europe. Shipping takes 5 business days from "
                         "payment.");
    pro_ = add_text(bot_, "Pro plan",
                    "The Pro plan includes unlimited bots and priority support. The Pro plan "
                    "costs 29 dollars per month.");
    basic_ = add_text(bot_, "Basic plan",
                      "The Basic plan includes one bot and email support. The Basic plan costs 9 "
                      "dollars per month.");
    ASSERT_FALSE(shipping_.empty() || pro_.empty() || basic_.empty());
  }

  std::string bot_, shipping_, pro_, basic_;
};

TEST_P(ChatServiceTest, AnswersWithACitationOfTheRightSourceAndStoresBothMessages) {
  auto reply = ask(bot_, "How many days does shipping take?");
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_TRUE(is_valid_id(reply->conversation_id, "cnv"));
  EXPECT_TRUE(is_valid_id(reply->visitor_id, "vis"));
  EXPECT_EQ(reply->state, "open");
  ASSERT_TRUE(reply->message);
  const ChatMessage& answer = *reply->message;
  EXPECT_FALSE(answer.fallback);
  EXPECT_NE(answer.text.find("5 business days"), std::string::npos) << answer.text;
  EXPECT_NE(answer.text.find("[1]"), std::string::npos) << answer.text;
  ASSERT_FALSE(answer.citations.empty());
  EXPECT_EQ(answer.citations[0].n, 1);
  EXPECT_EQ(answer.citations[0].source.id, shipping_);
  EXPECT_EQ(answer.citations[0].source.title, "Shipping");
  EXPECT_FALSE(answer.citations[0].chunk_id.empty());

  auto conversation = transcripts_->get(ws_, reply->conversation_id);
  ASSERT_TRUE(conversation.ok()) << conversation.error().message;
  EXPECT_EQ(conversation->bot_id, bot_);
  EXPECT_EQ(conversation->message_count, 2);
  ASSERT_EQ(conversation->messages.size(), 2u);
  EXPECT_EQ(conversation->messages[0].role, "visitor");
  EXPECT_EQ(conversation->messages[0].text, "How many days does shipping take?");
  EXPECT_EQ(conversation->messages[1].role, "bot");
  EXPECT_EQ(conversation->messages[1].id, answer.id);
  EXPECT_EQ(conversation->messages[1].text, answer.text);
  ASSERT_EQ(conversation->messages[1].citations.size(), answer.citations.size());
  EXPECT_EQ(conversation->messages[1].citations[0].source.id, shipping_);
  EXPECT_DOUBLE_EQ(*conversation->messages[1].confidence, *answer.confidence);

  // No audit entry per message: chat is high volume and the log holds no transcripts.
  for (const std::string& action : audit_actions()) {
    EXPECT_EQ(action.find("chat"), std::string::npos) << action;
  }
}

TEST_P(ChatServiceTest, AFollowUpIsResolvedWithTheEarlierQuestion) {
  auto first = ask(bot_, "What does the Pro plan include?");
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_TRUE(first->message);
  EXPECT_EQ(first->message->citations.at(0).source.id, pro_) << first->message->text;

  auto follow_up = ask(bot_, "and how much does it cost?", first->conversation_id);
  ASSERT_TRUE(follow_up.ok()) << follow_up.error().message;
  ASSERT_TRUE(follow_up->message);
  EXPECT_EQ(follow_up->conversation_id, first->conversation_id);
  EXPECT_FALSE(follow_up->message->fallback) << follow_up->message->text;
  EXPECT_NE(follow_up->message->text.find("29 dollars"), std::string::npos)
      << follow_up->message->text;
  EXPECT_EQ(follow_up->message->citations.at(0).source.id, pro_);

  // The same words about the Basic plan go the other way.
  auto basic = ask(bot_, "What does the Basic plan include?", first->conversation_id);
  ASSERT_TRUE(basic.ok());
  auto basic_cost = ask(bot_, "and how much does it cost?", first->conversation_id);
  ASSERT_TRUE(basic_cost.ok() && basic_cost->message);
  EXPECT_NE(basic_cost->message->text.find("9 dollars"), std::string::npos)
      << basic_cost->message->text;
  EXPECT_EQ(basic_cost->message->citations.at(0).source.id, basic_);

  auto conversation = transcripts_->get(ws_, first->conversation_id);
  ASSERT_TRUE(conversation.ok());
  EXPECT_EQ(conversation->messages.size(), 8u);
  EXPECT_EQ(conversation->messages[6].text, "and how much does it cost?");
}

// A client that keeps the conversation itself (the OpenAI-compatible API) gives the
// earlier turns with a new conversation's first message.
TEST_P(ChatServiceTest, ANewConversationTakesTheClientsEarlierTurnsAsItsHistory) {
  ChatInput input{"and how much does it cost?", std::nullopt, std::nullopt,
                  {{Speaker::visitor, "What does the Basic plan include?"},
                   {Speaker::bot, "The Basic plan includes one bot and email support."}}};
  auto reply = chat_->chat(ws_, bot_, input);
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  ASSERT_TRUE(reply->message);
  EXPECT_NE(reply->message->text.find("9 dollars"), std::string::npos) << reply->message->text;
  EXPECT_EQ(reply->message->citations.at(0).source.id, basic_);
}

// A Q&A pair answers whole when the question (or one of its other phrasings) is asked:
// retrieval hands the pair's question and alternatives to the answerer.
TEST_P(ChatServiceTest, AQaPairAnswersWholeWhenAnAlternativePhrasingIsAsked) {
  clock_.advance(std::chrono::milliseconds(1));
  auto qa = kb_->sources.add_qa(ws_, bot_,
                                {"Can I get my money back?",
                                 "Yes: refunds are paid within 14 days of the return.",
                                 {"What is your refund policy?"},
                                 std::string("faq-7")},
                                actor());
  ASSERT_TRUE(qa.ok()) << qa.error().message;
  drain();
  auto reply = ask(bot_, "What is your refund policy?");
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  ASSERT_TRUE(reply->message);
  EXPECT_FALSE(reply->message->fallback);
  EXPECT_EQ(reply->message->text, "Yes: refunds are paid within 14 days of the return. [1]");
  ASSERT_EQ(reply->message->citations.size(), 1u);
  EXPECT_EQ(reply->message->citations[0].source.id, qa->id);
  EXPECT_EQ(reply->message->citations[0].source.external_id, "faq-7");
}

TEST_P(ChatServiceTest, BelowTheThresholdTheBotFallsBackWithoutCitations) {
  set_settings(bot_, {{"fallback_message", "I can't tell. Want to talk to our team?"}});
  auto reply = ask(bot_, "Who painted the Mona Lisa?");
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  ASSERT_TRUE(reply->message);
  EXPECT_TRUE(reply->message->fallback);
  EXPECT_EQ(reply->message->text, "I can't tell. Want to talk to our team?");
  EXPECT_TRUE(reply->message->citations.empty());
  EXPECT_LT(*reply->message->confidence, 0.35);

  // A threshold above what the answer earns sends a good question to the fallback too.
  set_settings(bot_, {{"confidence_threshold", 1.0}});
  auto strict = ask(bot_, "Do you ship to Japan?");
  ASSERT_TRUE(strict.ok() && strict->message);
  EXPECT_TRUE(strict->message->fallback) << strict->message->text;

  auto stored = transcripts_->get(ws_, strict->conversation_id);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->messages.size(), 2u);
  EXPECT_TRUE(stored->messages[1].fallback);
}

TEST_P(ChatServiceTest, AConversationOfAnotherBotOrWorkspaceIsUnknown) {
  auto reply = ask(bot_, "Which countries do you ship to?");
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  const std::string other_bot = make_bot("Other bot");
  expect_error(ask(other_bot, "Which countries do you ship to?", reply->conversation_id),
               ErrorCode::not_found, "conversation");

  const std::string other_ws = other_workspace();
  expect_error(transcripts_->get(other_ws, reply->conversation_id), ErrorCode::not_found);
  expect_error(chat_->chat(other_ws, bot_, {"hello", reply->conversation_id, std::nullopt}),
               ErrorCode::not_found, "bot");
  auto listed = transcripts_->list(other_ws, bot_, {.limit = 10});
  expect_error(listed, ErrorCode::not_found);
  // Another visitor naming this conversation gets nothing either.
  expect_error(ask(bot_, "hello", reply->conversation_id, "vis_01JD3Z8Q4K5M6N7P8R9S0T1V2W"),
               ErrorCode::not_found, "conversation");
  // Malformed or unknown ids name nothing.
  expect_error(ask(bot_, "hello", std::string("cnv_nope")), ErrorCode::not_found);
  expect_error(transcripts_->get(ws_, "cnv_01JD3Z8Q4K5M6N7P8R9S0T1V2W"), ErrorCode::not_found);
}

TEST_P(ChatServiceTest, RefusesBadInput) {
  expect_error(ask(bot_, ""), ErrorCode::invalid_argument, "message");
  expect_error(ask(bot_, " \n "), ErrorCode::invalid_argument, "message");
  expect_error(ask(bot_, std::string(4001, 'a')), ErrorCode::invalid_argument, "4000");
  EXPECT_TRUE(ask(bot_, std::string(4000, 'a')).ok());
  expect_error(ask(bot_, "hi", std::nullopt, "visitor-1"), ErrorCode::invalid_argument,
               "visitor_id");
  expect_error(ask("bot_01JD3Z8Q4K5M6N7P8R9S0T1V2W", "hi"), ErrorCode::not_found, "bot");
  // A visitor id from an earlier reply starts the visitor's next conversation.
  auto first = ask(bot_, "hi");
  ASSERT_TRUE(first.ok());
  auto again = ask(bot_, "hello again", std::nullopt, first->visitor_id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->visitor_id, first->visitor_id);
  EXPECT_NE(again->conversation_id, first->conversation_id);
}

TEST_P(ChatServiceTest, ListsABotsConversationsNewestFirstByPages) {
  std::vector<std::string> made;
  for (int i = 0; i < 5; ++i) {
    auto reply = ask(bot_, "question " + std::to_string(i));
    ASSERT_TRUE(reply.ok());
    made.insert(made.begin(), reply->conversation_id);
  }
  std::vector<std::string> seen;
  std::string cursor;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = transcripts_->list(ws_, bot_, {.cursor = cursor, .limit = 2});
    ASSERT_TRUE(page.ok()) << page.error().message;
    for (const ConversationView& c : page->conversations) {
      seen.push_back(c.id);
      EXPECT_EQ(c.message_count, 2);
      EXPECT_TRUE(c.messages.empty());
    }
    if (!page->next_cursor) break;
    cursor = *page->next_cursor;
  }
  EXPECT_EQ(seen, made);
}

TEST_P(ChatServiceTest, WhileAHumanOwnsTheConversationTheBotStaysSilent) {
  auto reply = ask(bot_, "Which countries do you ship to?");
  ASSERT_TRUE(reply.ok());
  for (const char* state : {"waiting_for_human", "with_agent"}) {
    Status moved = store_->db().write([&](Tx& tx) -> Status {
      auto changed = tx.exec("UPDATE conversations SET state = $1 WHERE id = $2",
                             {std::string(state), reply->conversation_id});
      if (!changed) return changed.error();
      return ok_status();
    });
    ASSERT_TRUE(moved.ok());
    auto silent =
        ask(bot_, std::string("How long does shipping take? ") + state, reply->conversation_id);
    ASSERT_TRUE(silent.ok()) << silent.error().message;
    EXPECT_FALSE(silent->message);
    EXPECT_EQ(silent->state, state);
  }
  auto stored = transcripts_->get(ws_, reply->conversation_id);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->messages.size(), 4u);  // the first turn, then the visitor twice
  EXPECT_EQ(stored->messages[2].role, "visitor");
  EXPECT_EQ(stored->messages[3].role, "visitor");
  EXPECT_EQ(stored->message_count, 4);

  Status closed = store_->db().write([&](Tx& tx) -> Status {
    auto changed = tx.exec("UPDATE conversations SET state = 'closed' WHERE id = $1",
                           {reply->conversation_id});
    if (!changed) return changed.error();
    return ok_status();
  });
  ASSERT_TRUE(closed.ok());
  expect_error(ask(bot_, "hello?", reply->conversation_id), ErrorCode::conflict, "closed");
}

TEST_P(ChatServiceTest, MessagesAreSealedWithTheVisitorsKey) {
  auto reply = ask(bot_, "Which countries do you ship to?");
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  ASSERT_TRUE(reply->message);
  ASSERT_FALSE(reply->message->citations.empty()) << reply->message->text;
  ASSERT_TRUE(ask(bot_, "My name is Zebulon Quinterro.", reply->conversation_id).ok());
  const std::string rows = raw("SELECT * FROM messages");
  EXPECT_FALSE(rows.empty());
  EXPECT_EQ(rows.find("Zebulon"), std::string::npos);
  EXPECT_EQ(rows.find("Europe"), std::string::npos);
  EXPECT_EQ(rows.find("Shipping"), std::string::npos);  // the citation's title
  EXPECT_EQ(rows.find(shipping_), std::string::npos);   // and its source id
  EXPECT_EQ(raw("SELECT * FROM conversations").find("Zebulon"), std::string::npos);

  // Erasing the visitor is destroying their key: the transcript no longer opens.
  ASSERT_TRUE(keyring_->destroy_key(visitor_key_owner(ws_, reply->visitor_id)).ok());
  EXPECT_FALSE(transcripts_->get(ws_, reply->conversation_id).ok());
  // The bot's knowledge (workspace key) is untouched.
  auto other = ask(bot_, "How many days does shipping take?");
  ASSERT_TRUE(other.ok()) << other.error().message;
  EXPECT_FALSE(other->message->fallback);
}

INSTANTIATE_TEST_SUITE_P(Backends, ChatServiceTest, ::testing::Values("sqlite", "postgres"),
                         store_testing::backend_name);

}  // namespace
}  // namespace parley

namespace parley {
namespace {

class GenerativeChatTest : public ChatServiceTest {
 protected:
  void SetUp() override {
    ChatServiceTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    use_options(300, 2);
    set_settings(bot_,
                 boost::json::object{
                     {"answer_mode", "generative"},
                     {"model", boost::json::object{{"base_url", llm_.base_url()},
                                                   {"model", test::TestLlmServer::kModel},
                                                   {"api_key", test::TestLlmServer::kApiKey}}}});
  }

  // A chat service with short waits for the model, a breaker tripping after `failures`.
  void use_options(int timeout_ms, int failures) {
    ChatOptions options;
    options.model.timeout_ms = timeout_ms;
    options.model.max_attempts = 2;
    options.model.retry_base_ms = 1;
    options.breaker.failure_threshold = failures;
    chat_ = std::make_unique<ChatService>(KbContext{*store_, *keyring_, clock_, config_, crawl_},
                                          kb_->search, options);
  }

  // The extractive answer to the shipping question: what a failing model leaves.
  static void expect_extractive_shipping(const ChatMessage& answer, const std::string& shipping) {
    EXPECT_NE(answer.text.find("5 business days"), std::string::npos) << answer.text;
    EXPECT_EQ(answer.text.find("From [1]"), std::string::npos) << answer.text;
    ASSERT_FALSE(answer.citations.empty());
    EXPECT_EQ(answer.citations[0].source.id, shipping);
    EXPECT_FALSE(answer.fallback);
  }

  test::TestLlmServer llm_;
};

TEST_P(GenerativeChatTest, AnswersWithTheModelsTextCitingThePassagesItUsed) {
  const std::string said = "Shipping takes 5 business days from payment [1].";
  llm_.set_reply(said);
  auto reply = ask(bot_, "How many days does shipping take?");
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  ASSERT_TRUE(reply->message);
  const ChatMessage& answer = *reply->message;
  EXPECT_EQ(answer.text, said);
  EXPECT_FALSE(answer.fallback);
  ASSERT_TRUE(answer.confidence);
  EXPECT_GT(*answer.confidence, 0.0);
  ASSERT_EQ(answer.citations.size(), 1u);
  EXPECT_EQ(answer.citations[0].n, 1);
  EXPECT_EQ(answer.citations[0].source.id, shipping_);
  EXPECT_FALSE(answer.citations[0].chunk_id.empty());

  // The model saw the numbered passages and the question.
  auto messages = llm_.last_messages();
  ASSERT_FALSE(messages.empty());
  EXPECT_EQ(messages.front().first, "system");
  const std::string& user = messages.back().second;
  EXPECT_EQ(messages.back().first, "user");
  EXPECT_NE(user.find("[1]"), std::string::npos) << user;
  EXPECT_NE(user.find("5 business days"), std::string::npos) << user;
  EXPECT_NE(user.find("How many days does shipping take?"), std::string::npos) << user;
  EXPECT_EQ(chat_->model_counters().answers.load(), 1u);
  EXPECT_EQ(chat_->model_counters().fallbacks.load(), 0u);

  // A later turn carries the conversation so far, and cites by the numbers it uses.
  llm_.set_reply("It costs 29 dollars per month [2], or see [9].");
  auto next = ask(bot_, "How much does the Pro plan cost?", reply->conversation_id);
  ASSERT_TRUE(next.ok()) << next.error().message;
  ASSERT_TRUE(next->message);
  EXPECT_EQ(next->message->text, "It costs 29 dollars per month [2], or see [9].");
  ASSERT_EQ(next->message->citations.size(), 1u);  // no passage [9]
  EXPECT_EQ(next->message->citations[0].n, 2);
  bool earlier_answer_sent = false;
  for (const auto& [role, content] : llm_.last_messages()) {
    if (role == "assistant" && content == said) earlier_answer_sent = true;
  }
  EXPECT_TRUE(earlier_answer_sent);

  // Stored as answered.
  auto conversation = transcripts_->get(ws_, reply->conversation_id);
  ASSERT_TRUE(conversation.ok()) << conversation.error().message;
  ASSERT_EQ(conversation->messages.size(), 4u);
  EXPECT_EQ(conversation->messages[1].text, said);
  EXPECT_EQ(conversation->messages[1].citations.size(), 1u);
}

// Passages without the answer: the bot says it does not know, and the model is not asked.
TEST_P(GenerativeChatTest, BelowTheThresholdTheModelIsNotAsked) {
  auto reply = ask(bot_, "Which volcano erupted in 1883?");
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  ASSERT_TRUE(reply->message);
  EXPECT_TRUE(reply->message->fallback);
  EXPECT_TRUE(reply->message->citations.empty());
  EXPECT_EQ(llm_.requests(), 0);
  EXPECT_EQ(chat_->model_counters().answers.load(), 0u);
  EXPECT_EQ(chat_->model_counters().fallbacks.load(), 0u);
}

TEST_P(GenerativeChatTest, AFailingModelLeavesTheExtractiveAnswerAndIsCounted) {
  llm_.fail_next(20, 500);
  auto reply = ask(bot_, "How many days does shipping take?");
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  ASSERT_TRUE(reply->message);
  expect_extractive_shipping(*reply->message, shipping_);
  EXPECT_GE(llm_.requests(), 1);
  EXPECT_EQ(chat_->model_counters().fallbacks.load(), 1u);
  EXPECT_EQ(chat_->model_counters().answers.load(), 0u);
  std::string metrics;
  chat_->render_metrics(metrics);
  EXPECT_NE(metrics.find("parley_chat_model_fallbacks_total 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("parley_chat_model_answers_total 0\n"), std::string::npos) << metrics;
}

TEST_P(GenerativeChatTest, AModelThatNeverAnswersTimesOutToTheExtractiveAnswer) {
  llm_.hang_next(5);
  auto reply = ask(bot_, "How many days does shipping take?");
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  ASSERT_TRUE(reply->message);
  expect_extractive_shipping(*reply->message, shipping_);
  EXPECT_EQ(chat_->model_counters().fallbacks.load(), 1u);
}

TEST_P(GenerativeChatTest, AnOpenCircuitFallsBackWithoutCallingTheModel) {
  llm_.fail_next(100, 500);
  for (int i = 0; i < 2; ++i) {
    auto reply = ask(bot_, "How many days does shipping take?");
    ASSERT_TRUE(reply.ok()) << reply.error().message;
  }
  EXPECT_GE(llm_.requests(), 2);
  llm_.reset_counts();
  auto reply = ask(bot_, "How many days does shipping take?");
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  ASSERT_TRUE(reply->message);
  expect_extractive_shipping(*reply->message, shipping_);
  EXPECT_EQ(llm_.requests(), 0);
  EXPECT_EQ(chat_->model_counters().fallbacks.load(), 3u);
}

INSTANTIATE_TEST_SUITE_P(Backends, GenerativeChatTest, ::testing::Values("sqlite", "postgres"),
                         store_testing::backend_name);

}  // namespace
}  // namespace parley
