// Chat through the real binary on a real socket, as a script with an API key sees it:
// a cited extractive answer over HTTP, a follow-up, the answer as Server-Sent Events, the
// transcript read back, and the refusals: another workspace's key (404) and a key
// without the chat scope (403). A generative bot against a model on loopback: its words
// reach the client while the model is still writing, and a failing model leaves the
// extractive answer.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/support/api_client.h"
#include "tests/support/http_client.h"
#include "tests/support/json_fields.h"
#include "tests/support/parley_process.h"
#include "tests/support/served_workspace.h"
#include "tests/support/sse.h"
#include "tests/support/test_llm_server.h"
#include "tests/support/workspace_bootstrap.h"

namespace parley {
namespace {

namespace json = boost::json;
using testing::HttpResponse;
using testing::make_temp_dir;
using testing::ParleyServer;
using testing::parse_json;
using testing::text_of;

class Chat : public testing::ServedWorkspace {
 protected:
  void SetUp() override {
    ServedWorkspace::SetUp();
    if (HasFatalFailure()) return;
    bot_ = make_bot();
    shipping_ = add_text(bot_, "Shipping",
                         "We ship to every country in Europe. Shipping takes 5 business days from "
                         "payment.");
    pro_ = add_text(bot_, "Pro plan",
                    "The Pro plan includes unlimited bots and priority support. The Pro plan "
                    "costs 29 dollars per month.");
    add_text(bot_, "Basic plan",
             "The Basic plan includes one bot and email support. The Basic plan costs 9 dollars "
             "per month.");
  }

  HttpResponse chat(const json::object& body, const std::string& key = {}) {
    return call_as(key.empty() ? key_ : key, "POST", "/api/v1/bots/" + bot_ + "/chat",
                   json::serialize(body));
  }

  std::string bot_, shipping_, pro_;
};

TEST_F(Chat, AnswersWithCitationsAndKeepsTheTranscript) {
  auto asked = chat({{"message", "How many days does shipping take?"}});
  ASSERT_EQ(asked.status, 200) << asked.body;
  EXPECT_EQ(asked.header("content-type"), "application/json");
  json::value reply = parse_json(asked.body);
  const std::string conversation = text_of(reply, "conversation_id");
  EXPECT_EQ(conversation.rfind("cnv_", 0), 0u) << asked.body;
  const json::object& message = reply.at("message").as_object();
  EXPECT_NE(text_of(message, "text").find("5 business days"), std::string::npos) << asked.body;
  EXPECT_FALSE(message.at("fallback").as_bool());
  EXPECT_GT(message.at("confidence").to_number<double>(), 0.35);
  const json::array& citations = message.at("citations").as_array();
  ASSERT_FALSE(citations.empty()) << asked.body;
  EXPECT_EQ(citations[0].at("n").as_int64(), 1);
  EXPECT_EQ(text_of(citations[0].at("source"), "id"), shipping_);
  EXPECT_EQ(text_of(citations[0].at("source"), "title"), "Shipping");
  EXPECT_TRUE(citations[0].at("source").as_object().contains("url"));
  EXPECT_FALSE(text_of(citations[0], "chunk_id").empty());

  // A follow-up in the same conversation.
  auto first = chat({{"message", "What does the Pro plan include?"}});
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string pro_conversation = text_of(parse_json(first.body), "conversation_id");
  auto follow_up =
      chat({{"message", "and how much does it cost?"}, {"conversation_id", pro_conversation}});
  ASSERT_EQ(follow_up.status, 200) << follow_up.body;
  EXPECT_NE(follow_up.body.find("29 dollars"), std::string::npos) << follow_up.body;

  auto read = call("GET", "/api/v1/conversations/" + conversation);
  ASSERT_EQ(read.status, 200) << read.body;
  json::value transcript = parse_json(read.body);
  EXPECT_EQ(text_of(transcript, "bot_id"), bot_);
  EXPECT_EQ(text_of(transcript, "state"), "open");
  const json::array& messages = transcript.at("messages").as_array();
  ASSERT_EQ(messages.size(), 2u) << read.body;
  EXPECT_EQ(text_of(messages[0], "role"), "visitor");
  EXPECT_EQ(text_of(messages[0], "text"), "How many days does shipping take?");
  EXPECT_EQ(text_of(messages[1], "role"), "bot");
  EXPECT_EQ(text_of(messages[1], "text"), text_of(message, "text"));
  EXPECT_EQ(text_of(messages[1].at("citations").as_array()[0].at("source"), "id"), shipping_);
  EXPECT_FALSE(messages[1].at("fallback").as_bool());

  auto listed = call("GET", "/api/v1/bots/" + bot_ + "/conversations?limit=1");
  ASSERT_EQ(listed.status, 200) << listed.body;
  json::value page = parse_json(listed.body);
  ASSERT_EQ(page.at("data").as_array().size(), 1u);
  EXPECT_EQ(text_of(page.at("data").as_array()[0], "id"), pro_conversation);  // newest first
  ASSERT_TRUE(page.at("next_cursor").is_string());
  auto rest = call("GET", "/api/v1/bots/" + bot_ + "/conversations?limit=5&cursor=" +
                              std::string(page.at("next_cursor").as_string()));
  ASSERT_EQ(rest.status, 200) << rest.body;
  EXPECT_EQ(text_of(parse_json(rest.body).at("data").as_array()[0], "id"), conversation);

  // Below the threshold: the fallback, without citations.
  auto unknown = chat({{"message", "Who painted the Mona Lisa?"}});
  ASSERT_EQ(unknown.status, 200) << unknown.body;
  const json::value unknown_reply = parse_json(unknown.body);
  const json::value& fallback = unknown_reply.at("message");
  EXPECT_TRUE(fallback.at("fallback").as_bool()) << unknown.body;
  EXPECT_TRUE(fallback.at("citations").as_array().empty());
}

// The bot answers from what its loaded index holds in memory: a settings change, a source
// deleted or added reach the very next answer.
TEST_F(Chat, AnswersFollowTheBotsSettingsAndSourcesAsTheyChange) {
  auto cited_sources = [&](const std::string& question) {
    auto asked = chat({{"message", question}});
    EXPECT_EQ(asked.status, 200) << asked.body;
    const json::value reply = parse_json(asked.body);
    std::vector<std::string> ids;
    for (const auto& citation : reply.at("message").at("citations").as_array()) {
      ids.push_back(text_of(citation.at("source"), "id"));
    }
    return ids;
  };
  const std::string shipping_question = "How many days does shipping take?";
  EXPECT_EQ(cited_sources(shipping_question), std::vector<std::string>{shipping_});

  auto patched = call("PATCH", "/api/v1/bots/" + bot_,
                      R"({"settings":{"fallback_message":"Please write to help@example.com."}})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto unknown = chat({{"message", "Who painted the Mona Lisa?"}});
  ASSERT_EQ(unknown.status, 200) << unknown.body;
  EXPECT_EQ(text_of(parse_json(unknown.body).at("message"), "text"),
            "Please write to help@example.com.");

  ASSERT_EQ(call("DELETE", "/api/v1/bots/" + bot_ + "/sources/" + shipping_).status, 204);
  for (const std::string& id : cited_sources(shipping_question)) EXPECT_NE(id, shipping_);

  const std::string delivery =
      add_text(bot_, "Delivery", "Shipping takes 3 business days within Europe since March.");
  EXPECT_EQ(cited_sources(shipping_question), std::vector<std::string>{delivery});
}

TEST_F(Chat, StreamsTheAnswerAsServerSentEvents) {
  auto streamed = chat({{"message", "Which countries do you ship to?"}, {"stream", true}});
  ASSERT_EQ(streamed.status, 200) << streamed.body;
  EXPECT_EQ(streamed.header("content-type"), "text/event-stream");
  const std::string& body = streamed.body;
  const size_t delta = body.find("event: delta\ndata: ");
  const size_t done = body.find("event: done\ndata: ");
  ASSERT_NE(delta, std::string::npos) << body;
  ASSERT_NE(done, std::string::npos) << body;
  EXPECT_LT(delta, done);
  const size_t data_at = done + std::string("event: done\ndata: ").size();
  const size_t end = body.find("\n\n", data_at);
  ASSERT_NE(end, std::string::npos) << body;
  json::value reply = parse_json(body.substr(data_at, end - data_at));
  const json::object& message = reply.at("message").as_object();
  EXPECT_NE(text_of(message, "text").find("Europe"), std::string::npos) << body;
  EXPECT_EQ(text_of(message.at("citations").as_array()[0].at("source"), "id"), shipping_);
  // The delta carries the same text.
  const size_t delta_data = delta + std::string("event: delta\ndata: ").size();
  json::value delta_json =
      parse_json(body.substr(delta_data, body.find('\n', delta_data) - delta_data));
  EXPECT_EQ(text_of(delta_json, "text"), text_of(message, "text"));

  // Stored like any other answer.
  auto read = call("GET", "/api/v1/conversations/" + text_of(reply, "conversation_id"));
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(parse_json(read.body).at("messages").as_array().size(), 2u);
}

TEST_F(Chat, AnotherWorkspaceAndKeysWithoutTheChatScopeAreRefused) {
  auto asked = chat({{"message", "How many days does shipping take?"}});
  ASSERT_EQ(asked.status, 200) << asked.body;
  const std::string conversation = text_of(parse_json(asked.body), "conversation_id");

  const std::string b_key = other_workspace_key();
  ASSERT_FALSE(b_key.empty());
  EXPECT_EQ(call_as(b_key, "GET", "/api/v1/conversations/" + conversation).status, 404);
  EXPECT_EQ(chat({{"message", "hello"}}, b_key).status, 404);
  EXPECT_EQ(call_as(b_key, "GET", "/api/v1/bots/" + bot_ + "/conversations").status, 404);

  auto reader = call("POST", "/api/v1/workspaces/" + workspace_ + "/keys",
                     R"({"name":"reader","scopes":["read","write"]})");
  ASSERT_EQ(reader.status, 201) << reader.body;
  const std::string read_key = text_of(parse_json(reader.body), "key");
  auto refused = chat({{"message", "How many days does shipping take?"}}, read_key);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(refused.body.find("chat"), std::string::npos) << refused.body;
  // That key may still read the transcript.
  EXPECT_EQ(call_as(read_key, "GET", "/api/v1/conversations/" + conversation).status, 200);

  auto chat_key = call("POST", "/api/v1/workspaces/" + workspace_ + "/keys",
                       R"({"name":"widget backend","scopes":["chat"]})");
  ASSERT_EQ(chat_key.status, 201) << chat_key.body;
  const std::string chatter = text_of(parse_json(chat_key.body), "key");
  auto allowed =
      chat({{"message", "How many days does shipping take?"}, {"conversation_id", conversation}},
           chatter);
  EXPECT_EQ(allowed.status, 200) << allowed.body;
  // ... but not read transcripts.
  EXPECT_EQ(call_as(chatter, "GET", "/api/v1/conversations/" + conversation).status, 403);

  EXPECT_EQ(chat({{"message", ""}}).status, 400);
  EXPECT_EQ(chat({{"message", "hi"}, {"mood", "happy"}}).status, 400);
  EXPECT_EQ(chat({{"message", "hi"}, {"conversation_id", "cnv_01JD3Z8Q4K5M6N7P8R9S0T1V2W"}}).status,
            404);
}

class GenerativeChat : public Chat {
 protected:
  void SetUp() override {
    Chat::SetUp();
    if (HasFatalFailure()) return;
    json::object model{{"base_url", llm_.base_url()},
                       {"model", test::TestLlmServer::kModel},
                       {"api_key", test::TestLlmServer::kApiKey}};
    json::object settings{{"answer_mode", "generative"}, {"model", std::move(model)}};
    auto patched = call("PATCH", "/api/v1/bots/" + bot_,
                        json::serialize(json::object{{"settings", std::move(settings)}}));
    ASSERT_EQ(patched.status, 200) << patched.body;
  }

  // Sends a streamed chat turn on `connection` and reads the response head.
  void ask_streamed(testing::HttpConnection& connection, const std::string& question) {
    const std::string body = json::serialize(json::object{{"message", question}, {"stream", true}});
    ASSERT_TRUE(connection.send_raw(
        "POST /api/v1/bots/" + bot_ + "/chat HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key_ +
        "\r\nContent-Type: application/json\r\n" +
        "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body));
    auto head = connection.read_head();
    ASSERT_TRUE(head);
    ASSERT_EQ(head->status, 200);
    EXPECT_EQ(head->header("content-type"), "text/event-stream");
  }

  static json::value done_reply(const std::vector<testing::SseEvent>& events) {
    for (const auto& e : events) {
      if (e.event == "done") return parse_json(e.data);
    }
    ADD_FAILURE() << "no done event";
    return json::object{};
  }

  test::TestLlmServer llm_;
};

TEST_F(GenerativeChat, TheModelsWordsReachTheVisitorWhileItIsStillWriting) {
  llm_.hold_next_stream_after(2);
  testing::HttpConnection connection(server_->port());
  ask_streamed(connection, "Which countries do you ship to?");
  std::string body;
  ASSERT_TRUE(testing::read_events_until(connection, body, "delta", 2)) << body;
  // The model is held after two words: they came on their own, the answer is not done.
  auto early = testing::parse_sse(body);
  EXPECT_EQ(early.size(), 2u) << body;
  EXPECT_EQ(text_of(parse_json(early[0].data), "text"), "From");
  EXPECT_EQ(text_of(parse_json(early[1].data), "text"), " [1]:");
  llm_.release_stream();
  ASSERT_TRUE(testing::read_events_until(connection, body, "done", 1)) << body;
  EXPECT_EQ(connection.read_chunk(), "");  // the body ends

  std::string streamed;
  for (const auto& e : testing::parse_sse(body)) {
    if (e.event == "delta") streamed += text_of(parse_json(e.data), "text");
  }
  json::value reply = done_reply(testing::parse_sse(body));
  const json::object& message = reply.at("message").as_object();
  EXPECT_EQ(text_of(message, "text"), streamed);
  EXPECT_EQ(streamed.rfind("From [1]:", 0), 0u) << streamed;
  // [1] is the best passage: the shipping text.
  ASSERT_EQ(message.at("citations").as_array().size(), 1u) << reply;
  EXPECT_EQ(text_of(message.at("citations").as_array()[0].at("source"), "id"), shipping_);
  EXPECT_EQ(llm_.streams_completed(), 1);

  // Stored as streamed.
  auto read = call("GET", "/api/v1/conversations/" + text_of(reply, "conversation_id"));
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(text_of(parse_json(read.body).at("messages").as_array()[1], "text"), streamed);
}

TEST_F(GenerativeChat, AFailingModelLeavesTheExtractiveAnswerAndIsCounted) {
  llm_.fail_next(100, 500);
  testing::HttpConnection connection(server_->port());
  ask_streamed(connection, "Which countries do you ship to?");
  std::string body;
  ASSERT_TRUE(testing::read_events_until(connection, body, "done", 1)) << body;
  auto events = testing::parse_sse(body);
  ASSERT_EQ(events.size(), 2u) << body;  // the extractive answer whole, then done
  EXPECT_EQ(events[0].event, "delta");
  const std::string text = text_of(parse_json(events[0].data), "text");
  EXPECT_NE(text.find("Europe"), std::string::npos) << text;
  json::value reply = done_reply(events);
  EXPECT_EQ(text_of(reply.at("message"), "text"), text);
  EXPECT_FALSE(reply.at("message").at("fallback").as_bool());
  EXPECT_GE(llm_.requests(), 1);  // the model was asked

  // Without streaming, the same: the visitor gets the extractive answer.
  auto whole = chat({{"message", "How much does the Pro plan cost?"}});
  ASSERT_EQ(whole.status, 200) << whole.body;
  EXPECT_NE(whole.body.find("29 dollars"), std::string::npos) << whole.body;

  auto metrics = call("GET", "/metrics");
  EXPECT_NE(metrics.body.find("parley_chat_model_fallbacks_total 2"), std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("parley_chat_model_answers_total 0"), std::string::npos);
}

}  // namespace
}  // namespace parley
