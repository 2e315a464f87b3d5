// The chat client against a real OpenAI-compatible server on loopback: streamed deltas in
// order, whole answers with usage, retries only before the first token, a break mid-stream
// reported, timeouts, the caller's stop, the circuit breaker, and errors that name neither
// the key nor the prompt. Time bounds are generous: they catch hangs, not slowness.
#include "model/chat_client.h"

#include <gtest/gtest.h>

#include <thread>

#include "model/prompt.h"
#include "tests/support/test_llm_server.h"

namespace parley {
namespace {

using namespace std::chrono_literals;
using test::TestLlmServer;

constexpr std::string_view kSecretQuestion = "the secret question of customer 4711";

class ChatClientTest : public ::testing::Test {
 protected:
  ModelEndpoint endpoint(std::string key = TestLlmServer::kApiKey) const {
    return {server_.base_url(), TestLlmServer::kModel, std::move(key)};
  }
  ChatPolicy policy(int attempts = 3) const {
    ChatPolicy p;
    p.http.max_attempts = attempts;
    p.http.retry_base_ms = 100;
    p.http.retry_cap_ms = 1000;
    p.http.timeout_ms = 20000;
    p.first_token_timeout_ms = 10000;
    p.total_timeout_ms = 30000;
    return p;
  }
  SleepFn recorder() {
    return [this](std::chrono::milliseconds delay) { waits_.push_back(delay.count()); };
  }
  ChatClient client(ChatPolicy p, CircuitBreaker* breaker = nullptr) {
    return ChatClient(endpoint(), p, breaker, recorder());
  }
  static ChatRequest ask(std::string_view question) {
    ChatRequest request;
    request.messages = {{"system", "Answer from the passages."}, {"user", std::string(question)}};
    return request;
  }
  static void expect_private(const Error& error) {
    EXPECT_EQ(error.message.find(TestLlmServer::kApiKey), std::string::npos) << error.message;
    EXPECT_EQ(error.message.find("secret question"), std::string::npos) << error.message;
  }

  TestLlmServer server_;
  std::vector<int64_t> waits_;
};

TEST_F(ChatClientTest, StreamsDeltasInOrderThatMakeTheWholeText) {
  server_.set_sse_style({.crlf = true, .comments = true, .split_events = true});
  server_.set_token_delay(5ms);
  const std::string question = "how long do refunds take for bikes bought online";
  std::vector<std::string> deltas;
  auto answer = client(policy()).stream(ask(question), [&](std::string_view delta) {
    deltas.emplace_back(delta);
    return true;
  });
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  const std::string expected = TestLlmServer::echo_reply(question);
  EXPECT_EQ(answer->text, expected);
  ASSERT_EQ(deltas.size(), 11u);  // "From", "[1]:" and nine words of the question
  EXPECT_EQ(deltas[0], "From");
  EXPECT_EQ(deltas[1], " [1]:");
  std::string joined;
  for (const std::string& delta : deltas) joined += delta;
  EXPECT_EQ(joined, expected);
  ASSERT_TRUE(answer->usage.has_value());
  EXPECT_EQ(answer->usage->completion_tokens, 11);
  EXPECT_GT(answer->usage->prompt_tokens, 9);
  EXPECT_EQ(answer->usage->total_tokens,
            answer->usage->prompt_tokens + answer->usage->completion_tokens);
  EXPECT_EQ(answer->finish_reason, "stop");
  EXPECT_FALSE(answer->cancelled);
  EXPECT_EQ(server_.streams_completed(), 1);
  EXPECT_TRUE(waits_.empty());
}

TEST_F(ChatClientTest, SendsTheRequestFieldsAndReadsAWholeAnswer) {
  ChatRequest request = ask("what is the warranty");
  request.temperature = 0.5;
  request.max_tokens = 77;
  auto answer = client(policy()).complete(request);
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->text, "From [1]: what is the warranty");
  ASSERT_TRUE(answer->usage.has_value());
  EXPECT_EQ(answer->usage->completion_tokens, 6);
  const std::string body = server_.last_request_body();
  EXPECT_NE(body.find(R"("model":"test-chat-1")"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("temperature":5E-1)"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("max_tokens":77)"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("stream":false)"), std::string::npos) << body;
}

TEST_F(ChatClientTest, RetriesServerErrorsBeforeTheFirstToken) {
  server_.fail_next(2, 500);
  std::string streamed;
  auto answer = client(policy()).stream(ask("is there a shop in Lyon"), [&](std::string_view d) {
    streamed += d;
    return true;
  });
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(server_.chat_requests(), 3);
  EXPECT_EQ(waits_, (std::vector<int64_t>{100, 200}));
  EXPECT_EQ(streamed, answer->text);  // nothing delivered twice

  server_.fail_next(1, 429, /*retry_after_seconds=*/1);
  ASSERT_TRUE(client(policy()).complete(ask("again")).ok());
  EXPECT_EQ(waits_.back(), 1000);
}

TEST_F(ChatClientTest, ABreakMidStreamIsReportedNotRetried) {
  server_.drop_next_stream_after(3);
  std::vector<std::string> deltas;
  auto answer = client(policy()).stream(ask(kSecretQuestion), [&](std::string_view delta) {
    deltas.emplace_back(delta);
    return true;
  });
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, ErrorCode::unavailable);
  EXPECT_NE(answer.error().message.find("after 3 deltas"), std::string::npos)
      << answer.error().message;
  EXPECT_EQ(deltas.size(), 3u);
  EXPECT_EQ(server_.chat_requests(), 1);
  EXPECT_TRUE(waits_.empty());
  expect_private(answer.error());
}

TEST_F(ChatClientTest, ABreakBeforeTheFirstTokenIsRetried) {
  server_.drop_next_stream_after(0);
  int deltas = 0;
  auto answer = client(policy()).stream(ask("hello there"), [&](std::string_view) {
    ++deltas;
    return true;
  });
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(server_.chat_requests(), 2);
  EXPECT_EQ(deltas, 4);  // From [1]: hello there
}

TEST_F(ChatClientTest, ASlowFirstTokenTimesOut) {
  server_.set_first_token_delay(60s);
  ChatPolicy p = policy();
  p.first_token_timeout_ms = 300;
  const auto start = std::chrono::steady_clock::now();
  auto answer = client(p).stream(ask(kSecretQuestion), [](std::string_view) { return true; });
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, ErrorCode::unavailable);
  EXPECT_NE(answer.error().message.find("no first token within 300 ms"), std::string::npos)
      << answer.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 20s);
  EXPECT_EQ(server_.chat_requests(), 1);  // the visitor has waited enough: no retry
  expect_private(answer.error());
}

TEST_F(ChatClientTest, AHungServerTimesOutWithinTheTotal) {
  server_.hang_next(100);
  ChatPolicy p = policy(1);
  p.total_timeout_ms = 500;
  const auto start = std::chrono::steady_clock::now();
  auto answer = client(p).complete(ask("anyone there"));
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, ErrorCode::unavailable);
  EXPECT_NE(answer.error().message.find("within 500 ms"), std::string::npos)
      << answer.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 20s);
}

TEST_F(ChatClientTest, TheCallerCanStopTheStream) {
  server_.set_reply(
      "one two three four five six seven "
      "eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
      "eighteen nineteen twenty twenty-one twenty-two twenty-three twenty-four");
  server_.set_token_delay(50ms);
  std::vector<std::string> deltas;
  auto answer = client(policy()).stream(ask("count"), [&](std::string_view delta) {
    deltas.emplace_back(delta);
    return deltas.size() < 3;  // the visitor leaves after the third
  });
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_TRUE(answer->cancelled);
  EXPECT_EQ(deltas.size(), 3u);
  EXPECT_EQ(answer->text, "one two three");
  EXPECT_EQ(server_.chat_requests(), 1);
  // The server finds the connection gone and stops sending.
  for (int i = 0; i < 200 && server_.streams_cut_by_client() == 0; ++i) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(server_.streams_cut_by_client(), 1);
  EXPECT_EQ(server_.streams_completed(), 0);
  EXPECT_LT(server_.tokens_sent(), 24);
}

TEST_F(ChatClientTest, TheCircuitBreakerFailsFastThenLetsATrialThrough) {
  ManualClock clock;
  CircuitBreaker breaker({.failure_threshold = 2, .cool_down = 30s}, clock);
  ChatClient chat = client(policy(1), &breaker);
  server_.fail_next(2, 503);
  EXPECT_FALSE(chat.complete(ask("a")).ok());
  EXPECT_FALSE(chat.stream(ask("b"), [](std::string_view) { return true; }).ok());
  EXPECT_EQ(server_.chat_requests(), 2);

  auto refused = chat.complete(ask(kSecretQuestion));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::unavailable);
  EXPECT_NE(refused.error().message.find("circuit open"), std::string::npos);
  EXPECT_EQ(server_.chat_requests(), 2);  // failed fast: the server saw nothing
  expect_private(refused.error());

  clock.advance(30s);  // the server has recovered meanwhile
  auto trial = chat.stream(ask("c"), [](std::string_view) { return true; });
  ASSERT_TRUE(trial.ok()) << trial.error().message;
  EXPECT_EQ(breaker.state(CircuitBreaker::key_of(endpoint())), CircuitState::closed);
  EXPECT_TRUE(chat.complete(ask("d")).ok());
  EXPECT_EQ(server_.chat_requests(), 4);
}

TEST_F(ChatClientTest, AWrongKeyIsNotRetriedAndDoesNotOpenTheCircuit) {
  ManualClock clock;
  CircuitBreaker breaker({.failure_threshold = 1, .cool_down = 30s}, clock);
  ChatClient chat(endpoint("sk-wrong-key"), policy(), &breaker, recorder());
  auto answer = chat.complete(ask(kSecretQuestion));
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(answer.error().message.find("401"), std::string::npos);
  EXPECT_EQ(answer.error().message.find("sk-wrong-key"), std::string::npos);
  expect_private(answer.error());
  EXPECT_EQ(server_.unauthorized(), 1);
  EXPECT_EQ(breaker.state(CircuitBreaker::key_of(endpoint())), CircuitState::closed);
}

TEST_F(ChatClientTest, ErrorsNameNeitherTheKeyNorThePrompt) {
  server_.fail_next(100, 500);
  auto exhausted = client(policy(2)).stream(ask(kSecretQuestion), [](auto) { return true; });
  ASSERT_FALSE(exhausted.ok());
  EXPECT_NE(exhausted.error().message.find("2 attempts"), std::string::npos);
  EXPECT_NE(exhausted.error().message.find("HTTP 500"), std::string::npos);
  expect_private(exhausted.error());

  ModelEndpoint nowhere{"http://127.0.0.1:1/v1", "m", TestLlmServer::kApiKey};
  auto unreachable =
      ChatClient(nowhere, policy(2), nullptr, recorder()).complete(ask(kSecretQuestion));
  ASSERT_FALSE(unreachable.ok());
  EXPECT_EQ(unreachable.error().code, ErrorCode::unavailable);
  expect_private(unreachable.error());
}

TEST_F(ChatClientTest, TheGroundedPromptReachesTheModel) {
  PromptInput input;
  input.instructions = "You are Pip.";
  input.passages = {{"Refunds", "https://acme.test/refunds", "Refunds are paid within 14 days."}};
  input.history = {{"user", "I bought a bike"}, {"assistant", "Great choice!"}};
  input.question = "how long do refunds take";
  ChatRequest request;
  request.messages = build_grounded_prompt(input).messages;
  auto answer = client(policy()).stream(request, [](std::string_view) { return true; });
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_TRUE(answer->text.ends_with("how long do refunds take"));
  const auto messages = server_.last_messages();
  ASSERT_EQ(messages.size(), 4u);
  EXPECT_EQ(messages[0].first, "system");
  EXPECT_NE(messages[0].second.find("You are Pip."), std::string::npos);
  EXPECT_EQ(messages[1], (std::pair<std::string, std::string>{"user", "I bought a bike"}));
  EXPECT_EQ(messages[2], (std::pair<std::string, std::string>{"assistant", "Great choice!"}));
  EXPECT_NE(messages[3].second.find("[1] Refunds (https://acme.test/refunds)"), std::string::npos);
}

TEST(ChatAnswer, RefusesMalformedAnswers) {
  EXPECT_TRUE(parse_chat_answer(R"({"choices":[{"message":{"content":"hi"}}]})").ok());
  for (std::string_view bad : {R"(nope)", R"({"choices":[]})", R"({"choices":[{"message":{}}]})",
                               R"({"choices":[{"message":{"content":7}}]})"}) {
    EXPECT_FALSE(parse_chat_answer(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace parley
