// Human handoff end to end through the real binary: an agent with the inbox's live event
// stream open, a visitor who asks for a person in words, the agent taking the conversation
// and replying live to the visitor's own event stream, the bot silent meanwhile, then the
// conversation given back to the bot and closed. With no agent online, the request
// reaches the agents by mail.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/support/mailbox.h"
#include "tests/support/served_workspace.h"
#include "tests/support/sse.h"

namespace parley {
namespace {

namespace json = boost::json;
using testing::HttpConnection;
using testing::parse_json;
using testing::SseEvent;
using testing::text_of;

class Handoff : public testing::ServedWorkspace {
 protected:
  void SetUp() override {
    ServedWorkspace::SetUp();
    if (HasFatalFailure()) return;
    bot_ = make_bot();
    add_text(bot_, "Shipping", "We ship to every country in Europe. Shipping takes 5 days.");
    auto chat_key = call("POST", "/api/v1/workspaces/" + workspace_ + "/keys",
                         R"({"name":"widget backend","scopes":["chat"]})");
    ASSERT_EQ(chat_key.status, 201) << chat_key.body;
    visitor_key_ = text_of(parse_json(chat_key.body), "key");
  }

  // The visitor's turn, with the chat key.
  json::value visitor_says(const std::string& message) {
    json::object body{{"message", message}};
    if (!conversation_.empty()) body["conversation_id"] = conversation_;
    auto reply =
        call_as(visitor_key_, "POST", "/api/v1/bots/" + bot_ + "/chat", json::serialize(body));
    EXPECT_EQ(reply.status, 200) << reply.body;
    json::value parsed = parse_json(reply.body);
    if (conversation_.empty()) conversation_ = text_of(parsed, "conversation_id");
    return parsed;
  }

  // Opens an event stream on a connection of its own; returns once it is connected.
  void open_stream(HttpConnection& connection, const std::string& path, const std::string& key) {
    ASSERT_TRUE(connection.send_raw(
        "GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\n\r\n"));
    auto head = connection.read_head();
    ASSERT_TRUE(head);
    ASSERT_EQ(head->status, 200);
    ASSERT_EQ(head->header("content-type"), "text/event-stream");
    ASSERT_EQ(connection.read_chunk(), ": connected\n\n");
  }

  // The next event named `name` on the stream (others are kept in `body`, read past).
  SseEvent next_event(HttpConnection& connection, std::string& body, const std::string& name) {
    size_t seen = 0;
    for (const auto& e : testing::parse_sse(body)) seen += e.event == name;
    EXPECT_TRUE(testing::read_events_until(connection, body, name, seen + 1)) << body;
    SseEvent last;
    for (const auto& e : testing::parse_sse(body)) {
      if (e.event == name) last = e;
    }
    return last;
  }

  std::string bot_, visitor_key_, conversation_;
};

TEST_F(Handoff, AVisitorAsksForAPersonAndAnAgentAnswersLive) {
  HttpConnection inbox(server_->port());
  open_stream(inbox, "/api/v1/workspaces/" + workspace_ + "/inbox/events", key_);
  std::string inbox_body;

  auto first = visitor_says("How long does shipping take?");
  EXPECT_EQ(text_of(first, "state"), "open");
  auto asked = visitor_says("Can I talk to a human please?");
  EXPECT_EQ(text_of(asked, "state"), "waiting_for_human");
  EXPECT_NE(text_of(asked.at("message"), "text").find("person"), std::string::npos);
  EXPECT_TRUE(asked.at("offer_lead_form").as_bool());  // the form's on_handoff trigger

  auto requested = next_event(inbox, inbox_body, "handoff_requested");
  EXPECT_EQ(text_of(parse_json(requested.data), "conversation_id"), conversation_);
  auto listed = call("GET", "/api/v1/workspaces/" + workspace_ + "/inbox");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(text_of(parse_json(listed.body).at("data").as_array()[0], "id"), conversation_);

  // The visitor listens for the agent; the bot says nothing while a person is awaited.
  HttpConnection visitor(server_->port());
  open_stream(visitor, "/api/v1/conversations/" + conversation_ + "/events", visitor_key_);
  std::string visitor_body;
  auto waiting = visitor_says("Are you there?");
  EXPECT_TRUE(waiting.at("message").is_null()) << waiting;
  auto seen = next_event(inbox, inbox_body, "visitor_message");
  EXPECT_EQ(text_of(parse_json(seen.data).at("message"), "text"), "Are you there?");

  auto taken = call("POST", "/api/v1/conversations/" + conversation_ + "/take");
  ASSERT_EQ(taken.status, 200) << taken.body;
  EXPECT_EQ(text_of(parse_json(taken.body), "state"), "with_agent");
  EXPECT_EQ(text_of(parse_json(next_event(visitor, visitor_body, "state").data), "state"),
            "with_agent");
  auto sent = call("POST", "/api/v1/conversations/" + conversation_ + "/messages",
                   R"({"text":"Hi, I am Ada. How can I help?"})");
  ASSERT_EQ(sent.status, 201) << sent.body;
  auto live = next_event(visitor, visitor_body, "agent_message");
  EXPECT_EQ(text_of(parse_json(live.data), "text"), "Hi, I am Ada. How can I help?");
  EXPECT_TRUE(visitor_says("How long does shipping take?").at("message").is_null());

  // Given back, the bot answers again; closed, the conversation takes nothing more.
  ASSERT_EQ(call("POST", "/api/v1/conversations/" + conversation_ + "/return").status, 200);
  auto answered = visitor_says("How long does shipping take?");
  EXPECT_EQ(text_of(answered, "state"), "open");
  EXPECT_NE(text_of(answered.at("message"), "text").find("5 days"), std::string::npos);
  ASSERT_EQ(call("POST", "/api/v1/conversations/" + conversation_ + "/close").status, 200);
  auto refused = call_as(
      visitor_key_, "POST", "/api/v1/bots/" + bot_ + "/chat",
      json::serialize(json::object{{"message", "hello?"}, {"conversation_id", conversation_}}));
  EXPECT_EQ(refused.status, 409) << refused.body;

  // The transcript holds every turn, the agent's with its author.
  auto transcript = call("GET", "/api/v1/conversations/" + conversation_);
  ASSERT_EQ(transcript.status, 200) << transcript.body;
  std::vector<std::string> roles;
  const json::value read = parse_json(transcript.body);
  for (const auto& m : read.at("messages").as_array()) {
    roles.push_back(text_of(m, "role"));
  }
  EXPECT_EQ(roles, (std::vector<std::string>{"visitor", "bot", "visitor", "bot", "visitor", "agent",
                                             "visitor", "visitor", "bot"}));
  // An agent was online: nobody was mailed.
  EXPECT_TRUE(testing::read_mailbox(data()).empty());
}

TEST_F(Handoff, WithNoAgentOnlineTheAgentsAreMailed) {
  // The bot says what its owner wrote for this moment.
  ASSERT_EQ(call("PATCH", "/api/v1/bots/" + bot_,
                 R"({"settings":{"handoff_message":"One moment: a colleague will reply here."}})")
                .status,
            200);
  visitor_says("Hello");
  auto asked = visitor_says("I want to speak to a person");
  EXPECT_EQ(text_of(asked, "state"), "waiting_for_human");
  EXPECT_EQ(text_of(asked.at("message"), "text"), "One moment: a colleague will reply here.");
  auto mails = testing::wait_for_mail(data(), "owner@example.com");
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].subject, "A visitor is waiting for a person");
  EXPECT_NE(mails[0].body.find(conversation_), std::string::npos);
  EXPECT_EQ(mails[0].body.find("speak to a person"), std::string::npos);  // no message text

  // The button does the same for a conversation the bot still has; twice is once.
  conversation_.clear();
  visitor_says("Hello again");
  for (int i = 0; i < 2; ++i) {
    auto pressed =
        call_as(visitor_key_, "POST", "/api/v1/conversations/" + conversation_ + "/handoff", "{}");
    ASSERT_EQ(pressed.status, 200) << pressed.body;
    EXPECT_EQ(text_of(parse_json(pressed.body), "state"), "waiting_for_human");
  }
  EXPECT_EQ(testing::wait_for_mail(data(), "owner@example.com", 2).size(), 2u);
  // Another agent cannot reply before taking it; a key without "write" cannot take it.
  auto early =
      call("POST", "/api/v1/conversations/" + conversation_ + "/messages", R"({"text":"hi"})");
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_EQ(
      call_as(visitor_key_, "POST", "/api/v1/conversations/" + conversation_ + "/take").status,
      403);
}

}  // namespace
}  // namespace parley
