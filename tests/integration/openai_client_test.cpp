// The OpenAI-compatible API (/v1) through the official `openai` npm client, unchanged:
// tests/openai-client/chat.mjs lists the models, asks for a whole answer and a streamed one
// (deltas, usage), and checks the refusals as OpenAI's error classes, against the real
// binary with a chat-scoped key. An extractive bot answers from its sources; a generative
// one through the test model on loopback, whose words arrive as several deltas.
// The npm package is installed by scripts/npm-deps.sh (a ctest fixture; see CMakeLists.txt).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <sstream>

#include "tests/support/json_fields.h"
#include "tests/support/parley_process.h"
#include "tests/support/served_workspace.h"
#include "tests/support/test_llm_server.h"

namespace parley {
namespace {

namespace json = boost::json;
using testing::parse_json;
using testing::text_of;

const std::filesystem::path kClientDir =
    std::filesystem::path(PARLEY_SOURCE_DIR) / "tests" / "openai-client";
constexpr const char* kQuestion = "How many days does shipping take?";
constexpr const char* kShipping =
    "We ship to every country in Europe. Shipping takes 5 business days from payment.";

class OpenAiClient : public testing::ServedWorkspace {
 protected:
  void SetUp() override {
    ServedWorkspace::SetUp();
    if (HasFatalFailure()) return;
    bot_ = make_bot();
    shipping_ = add_text(bot_, "Shipping", kShipping);
    add_text(bot_, "Pro plan", "The Pro plan costs 29 dollars per month.");

    json::object model{{"base_url", llm_.base_url()},
                       {"model", test::TestLlmServer::kModel},
                       {"api_key", test::TestLlmServer::kApiKey}};
    generative_ = make_bot(
        json::serialize(json::object{{"answer_mode", "generative"}, {"model", std::move(model)}}));
    add_text(generative_, "Shipping", kShipping);

    chat_key_ = new_key(R"(["chat"])");
    read_key_ = new_key(R"(["read"])");
  }

  std::string new_key(const std::string& scopes) {
    auto made = call("POST", "/api/v1/workspaces/" + workspace_ + "/keys",
                     R"({"name":"openai client","scopes":)" + scopes + "}");
    EXPECT_EQ(made.status, 201) << made.body;
    return text_of(parse_json(made.body), "key");
  }

  std::string base_url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/v1";
  }

  test::TestLlmServer llm_;
  std::string bot_, shipping_, generative_, chat_key_, read_key_;
};

TEST_F(OpenAiClient, TheOfficialClientChatsAndStreamsUnchanged) {
  ASSERT_TRUE(std::filesystem::exists(kClientDir / "node_modules" / "openai" / "package.json"))
      << "the openai npm package is not installed: run scripts/npm-deps.sh (ctest's npm_deps "
         "fixture does)";
  auto run = testing::run_command({"/usr/bin/env", "node", (kClientDir / "chat.mjs").string()},
                                  {{"PARLEY_BASE_URL", base_url()},
                                   {"PARLEY_API_KEY", chat_key_},
                                   {"PARLEY_READ_KEY", read_key_},
                                   {"PARLEY_BOT", bot_},
                                   {"PARLEY_GENERATIVE_BOT", generative_},
                                   {"PARLEY_QUESTION", kQuestion},
                                   {"PARLEY_EXPECT", "5 business days"}});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const size_t passed = run.output.find("openai-client: all checks passed\n");
  ASSERT_NE(passed, std::string::npos) << run.output;

  // The script's summary: what the client saw.
  std::istringstream rest(run.output.substr(passed));
  std::string line;
  std::getline(rest, line);
  std::getline(rest, line);
  json::value summary = parse_json(line);
  EXPECT_NE(text_of(summary, "answer").find("5 business days"), std::string::npos) << line;
  EXPECT_EQ(text_of(summary, "cited_source"), shipping_);
  EXPECT_EQ(summary.at("models").as_int64(), 2);  // both bots of the workspace
  EXPECT_GT(summary.at("generative_deltas").as_int64(), 1) << line;
  EXPECT_EQ(text_of(summary, "generative_answer").rfind("From [1]:", 0), 0u) << line;
  EXPECT_GE(llm_.streams_completed(), 1);

  // The completion is a conversation like any other: the question and the answer stored.
  auto transcript = call("GET", "/api/v1/conversations/" + text_of(summary, "conversation_id"));
  ASSERT_EQ(transcript.status, 200) << transcript.body;
  const json::value read = parse_json(transcript.body);
  const json::array& messages = read.at("messages").as_array();
  ASSERT_EQ(messages.size(), 2u) << transcript.body;
  EXPECT_EQ(text_of(messages[0], "text"), kQuestion);
  EXPECT_EQ(text_of(messages[1], "text"), text_of(summary, "answer"));
}

TEST_F(OpenAiClient, RefusalsHaveOpenAisShape) {
  const std::string body =
      R"({"model":")" + bot_ + R"(","messages":[{"role":"user","content":"Where do you ship?"}]})";
  auto error_of = [](const testing::HttpResponse& response) {
    return parse_json(response.body).at("error");
  };

  // Another workspace's key: the bot is no model of its.
  const std::string b_key = other_workspace_key();
  ASSERT_FALSE(b_key.empty());
  auto foreign = call_as(b_key, "POST", "/v1/chat/completions", body);
  EXPECT_EQ(foreign.status, 404) << foreign.body;
  EXPECT_EQ(text_of(error_of(foreign), "code"), "model_not_found");
  EXPECT_EQ(text_of(error_of(foreign), "param"), "model");
  EXPECT_EQ(call_as(b_key, "GET", "/v1/models/" + bot_).status, 404);
  auto b_models = call_as(b_key, "GET", "/v1/models");
  ASSERT_EQ(b_models.status, 200) << b_models.body;
  EXPECT_TRUE(parse_json(b_models.body).at("data").as_array().empty()) << b_models.body;

  auto unknown_key = call_as("pk_nonsense", "POST", "/v1/chat/completions", body);
  EXPECT_EQ(unknown_key.status, 401) << unknown_key.body;
  EXPECT_EQ(text_of(error_of(unknown_key), "code"), "invalid_api_key");
  EXPECT_TRUE(error_of(unknown_key).at("param").is_null());
  EXPECT_EQ(text_of(error_of(unknown_key), "type"), "invalid_request_error");

  auto no_scope = call_as(read_key_, "POST", "/v1/chat/completions", body);
  EXPECT_EQ(no_scope.status, 403) << no_scope.body;
  EXPECT_NE(text_of(error_of(no_scope), "message").find("chat"), std::string::npos);

  auto no_key = testing::http_request(server_->port(), "GET", "/v1/models", "", {});
  ASSERT_TRUE(no_key);
  EXPECT_EQ(no_key->status, 401) << no_key->body;
  EXPECT_TRUE(parse_json(no_key->body).at("error").as_object().contains("type"));

  auto bad_type =
      call_as(chat_key_, "POST", "/v1/chat/completions",
              R"({"model":")" + bot_ + R"(","messages":[{"role":"user","content":7}]})");
  EXPECT_EQ(bad_type.status, 400) << bad_type.body;
  EXPECT_EQ(text_of(error_of(bad_type), "param"), "messages[0].content");
  auto not_json = call_as(chat_key_, "POST", "/v1/chat/completions", "{", "application/json");
  EXPECT_EQ(not_json.status, 400) << not_json.body;
  EXPECT_TRUE(error_of(not_json).as_object().contains("type"));
  auto too_long = call_as(chat_key_, "POST", "/v1/chat/completions",
                          R"({"model":")" + bot_ + R"(","messages":[{"role":"user","content":")" +
                              std::string(5000, 'a') + R"("}]})");
  EXPECT_EQ(too_long.status, 400) << too_long.body;
  EXPECT_EQ(text_of(error_of(too_long), "param"), "messages");
}

// A generative bot whose model breaks off after its first words: the extractive answer is
// stored instead, which the client, holding the model's first words, cannot be handed as a
// continuation; the stream ends with an error event (OpenAI's clients raise it), not [DONE].
TEST_F(OpenAiClient, AModelBreakingOffMidAnswerEndsTheStreamWithAnError) {
  llm_.drop_next_stream_after(2);
  auto streamed = call_as(
      chat_key_, "POST", "/v1/chat/completions",
      json::serialize(json::object{
          {"model", generative_},
          {"stream", true},
          {"messages", json::array{json::object{{"role", "user"}, {"content", kQuestion}}}}}));
  ASSERT_EQ(streamed.status, 200) << streamed.body;
  EXPECT_EQ(streamed.header("content-type"), "text/event-stream");
  std::vector<json::value> events;
  std::istringstream lines(streamed.body);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("data: ", 0) == 0) events.push_back(parse_json(line.substr(6)));
  }
  ASSERT_EQ(events.size(), 4u) << streamed.body;  // the role, two words, the error
  EXPECT_EQ(text_of(events[0].at("choices").at(0).at("delta"), "role"), "assistant");
  EXPECT_EQ(text_of(events[1].at("choices").at(0).at("delta"), "content"), "From");
  EXPECT_EQ(text_of(events[3].at("error"), "code"), "model_interrupted") << streamed.body;
  EXPECT_EQ(streamed.body.find("[DONE]"), std::string::npos);
}

}  // namespace
}  // namespace parley
