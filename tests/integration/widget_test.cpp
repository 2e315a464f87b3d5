// The chat widget's public routes through the real binary, as a page on a customer's site
// calls them: the config without secrets, chat from an allowed Origin with CORS headers
// (JSON and Server-Sent Events), refusals from another Origin and without one, the CORS
// preflight, 429 with Retry-After past the bot's messages_per_minute, a lead and a rating
// through the widget, a rotated public id that stops working at once, and a visitor who
// cannot use or rate another visitor's conversation.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "tests/support/http_client.h"
#include "tests/support/json_fields.h"
#include "tests/support/parley_process.h"
#include "tests/support/served_workspace.h"
#include "tests/support/sse.h"

namespace parley {
namespace {

namespace json = boost::json;
using testing::HttpResponse;
using testing::parse_json;
using testing::text_of;

const std::string kShop = "https://shop.example.com";

class Widget : public testing::ServedWorkspace {
 protected:
  void SetUp() override {
    ServedWorkspace::SetUp();
    if (HasFatalFailure()) return;
    bot_ = make_bot(R"({"allowed_origins":["https://Shop.example.com"],
                        "welcome_message":"Hello from the shop",
                        "suggested_questions":["How long does shipping take?"],
                        "instructions":"Never reveal the secret persona",
                        "model":{"base_url":"http://127.0.0.1:9/v1","model":"m",
                                 "api_key":"sk-very-secret"}})");
    add_text(bot_, "Shipping",
             "We ship to every country in Europe. Shipping takes 5 business days from payment.");
    public_id_ = public_id_of(bot_);
  }

  std::string public_id_of(const std::string& bot) {
    return text_of(parse_json(call("GET", "/api/v1/bots/" + bot).body), "public_id");
  }

  // A request as the widget's script sends it from a page of `origin` ("" for none).
  HttpResponse widget(const std::string& method, const std::string& path,
                      const std::string& body = {}, const std::string& origin = kShop,
                      std::map<std::string, std::string> headers = {}) {
    if (!origin.empty()) headers["Origin"] = origin;
    if (!body.empty()) headers["Content-Type"] = "application/json";
    auto response = testing::http_request(server_->port(), method,
                                          "/widget/v1/" + public_id_ + path, body, headers);
    return response ? *response : HttpResponse{};
  }

  HttpResponse say(const json::object& body, const std::string& origin = kShop) {
    return widget("POST", "/chat", json::serialize(body), origin);
  }

  static void expect_cors(const HttpResponse& response) {
    EXPECT_EQ(response.header("access-control-allow-origin"), kShop) << response.body;
    EXPECT_EQ(response.header("vary"), "Origin");
    EXPECT_NE(response.header("access-control-expose-headers").find("Retry-After"),
              std::string::npos);
    EXPECT_EQ(response.header("set-cookie"), "");
  }

  static void expect_refused(const HttpResponse& response, const std::string& says) {
    EXPECT_EQ(response.status, 403) << response.body;
    EXPECT_EQ(response.header("access-control-allow-origin"), "");
    EXPECT_NE(response.body.find(says), std::string::npos) << response.body;
  }

  // A new visitor's first message (no visitor id) through a proxy that says it came from
  // `address`; the status.
  int first_message_via_proxy(const std::string& address) {
    const std::string body = json::serialize(json::object{{"message", "How long is shipping?"}});
    return widget("POST", "/chat", body, kShop, {{"X-Forwarded-For", address}}).status;
  }

  // Lets each visitor send 3 messages a minute; the status of the change.
  int allow_three_messages_a_minute() {
    return call("PATCH", "/api/v1/bots/" + bot_, R"({"settings":{"messages_per_minute":3}})")
        .status;
  }

  std::string bot_, public_id_;
};

TEST_F(Widget, ConfigShowsWhatTheWidgetNeedsAndNothingSecret) {
  auto config = widget("GET", "/config");
  ASSERT_EQ(config.status, 200) << config.body;
  expect_cors(config);
  json::value got = parse_json(config.body);
  EXPECT_EQ(text_of(got, "public_id"), public_id_);
  EXPECT_EQ(text_of(got, "name"), "Support");
  EXPECT_EQ(text_of(got, "language"), "en");
  EXPECT_EQ(text_of(got, "welcome_message"), "Hello from the shop");
  EXPECT_EQ(got.at("suggested_questions").as_array().at(0).as_string(),
            "How long does shipping take?");
  const json::object& form = got.at("lead_form").as_object();
  EXPECT_TRUE(form.at("enabled").as_bool());
  EXPECT_EQ(text_of(form.at("fields").as_array().at(1), "key"), "email");
  EXPECT_FALSE(text_of(form, "consent_text").empty());
  EXPECT_TRUE(form.contains("triggers"));
  for (const char* secret :
       {"secret persona", "instructions", "sk-very-secret", "api_key", "base_url",
        "allowed_origins", "model", "workspace_id", bot_.c_str()}) {
    EXPECT_EQ(config.body.find(secret), std::string::npos) << secret << " in " << config.body;
  }

  EXPECT_EQ(widget("GET", "/config", {}, "https://shop.example.com:443").status, 200);
  public_id_ = "pub_01JD3Z8Q4K5M6N7P8R9S0T1V2W";
  EXPECT_EQ(widget("GET", "/config").status, 404);
}

TEST_F(Widget, ChatsWithPagesOfAnAllowedOriginOnly) {
  auto asked = say({{"message", "How long does shipping take?"}});
  ASSERT_EQ(asked.status, 200) << asked.body;
  expect_cors(asked);
  json::value reply = parse_json(asked.body);
  EXPECT_EQ(text_of(reply, "conversation_id").rfind("cnv_", 0), 0u);
  EXPECT_EQ(text_of(reply, "visitor_id").rfind("vis_", 0), 0u);
  EXPECT_NE(text_of(reply.at("message"), "text").find("5 business days"), std::string::npos);
  EXPECT_FALSE(reply.at("message").at("citations").as_array().empty());

  expect_refused(say({{"message", "Shipping?"}}, "https://evil.example.net"),
                 "https://evil.example.net may not embed this bot: add it to the bot's "
                 "settings.allowed_origins");
  expect_refused(say({{"message", "Shipping?"}}, ""), "settings.allowed_origins");
  expect_refused(say({{"message", "Shipping?"}}, "null"), "not a web origin");
  expect_refused(widget("GET", "/config", {}, "http://shop.example.com"), "may not embed");

  // A bot with no allowed origins answers no page.
  const std::string bare = make_bot();
  public_id_ = public_id_of(bare);
  expect_refused(say({{"message", "Shipping?"}}), "may not be embedded on any site yet");
}

TEST_F(Widget, StreamsTheAnswerWithCorsHeaders) {
  auto streamed = say({{"message", "Which countries do you ship to?"}, {"stream", true}});
  ASSERT_EQ(streamed.status, 200) << streamed.body;
  EXPECT_EQ(streamed.header("content-type"), "text/event-stream");
  expect_cors(streamed);
  auto events = testing::parse_sse(streamed.body);
  ASSERT_GE(events.size(), 2u) << streamed.body;
  EXPECT_EQ(events.front().event, "delta");
  EXPECT_EQ(events.back().event, "done");
  EXPECT_NE(events.back().data.find("Europe"), std::string::npos) << streamed.body;

  // An error before the first event is the response itself, still readable by the page.
  auto unknown = say({{"message", "Hi"},
                      {"stream", true},
                      {"conversation_id", "cnv_01JD3Z8Q4K5M6N7P8R9S0T1V2W"},
                      {"visitor_id", "vis_01JD3Z8Q4K5M6N7P8R9S0T1V2W"}});
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  expect_cors(unknown);
}

TEST_F(Widget, AnswersThePreflightOfAllowedOrigins) {
  const std::map<std::string, std::string> asking = {
      {"Access-Control-Request-Method", "POST"},
      {"Access-Control-Request-Headers", "content-type"}};
  auto preflight = widget("OPTIONS", "/chat", {}, kShop, asking);
  ASSERT_EQ(preflight.status, 200) << preflight.body;
  expect_cors(preflight);
  EXPECT_EQ(preflight.header("access-control-allow-methods"), "POST");
  EXPECT_EQ(preflight.header("access-control-allow-headers"), "Content-Type");
  EXPECT_EQ(preflight.header("access-control-max-age"), "600");
  EXPECT_TRUE(preflight.body.empty());

  EXPECT_EQ(widget("OPTIONS", "/leads", {}, kShop, asking).status, 200);
  EXPECT_EQ(widget("OPTIONS", "/config", {}, kShop, asking).header("access-control-allow-methods"),
            "GET");
  expect_refused(widget("OPTIONS", "/chat", {}, "https://evil.example.net", asking),
                 "may not embed");
  expect_refused(widget("OPTIONS", "/chat", {}, "", asking), "no Origin");
}

TEST_F(Widget, LimitsEachVisitorToTheBotsMessagesPerMinute) {
  ASSERT_EQ(allow_three_messages_a_minute(), 200);
  // The first message has no visitor id (counted by address); then the visitor's own bucket.
  auto first = say({{"message", "How long does shipping take?"}});
  ASSERT_EQ(first.status, 200) << first.body;
  const json::value reply = parse_json(first.body);
  const json::object next = {{"message", "And to which countries?"},
                             {"visitor_id", text_of(reply, "visitor_id")},
                             {"conversation_id", text_of(reply, "conversation_id")}};
  for (int i = 0; i < 3; ++i) ASSERT_EQ(say(next).status, 200) << i;

  // A minute's allowance is spent: one message every 20 seconds from now on.
  auto refused = say(next);
  ASSERT_EQ(refused.status, 429) << refused.body;
  expect_cors(refused);
  const int retry_after = std::stoi(refused.header("retry-after"));
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 20);
  EXPECT_EQ(text_of(parse_json(refused.body).at("error"), "code"), "rate_limited");
  json::object streamed = next;
  streamed["stream"] = true;
  auto refused_stream = say(streamed);
  EXPECT_EQ(refused_stream.status, 429) << refused_stream.body;
  EXPECT_FALSE(refused_stream.header("retry-after").empty());
  expect_cors(refused_stream);

  // Another visitor is not held back.
  auto other = say({{"message", "Shipping?"}});
  EXPECT_EQ(other.status, 200) << other.body;
}

// New visitors (no visitor id yet) are limited by their address. Behind a reverse proxy
// every connection comes from the proxy: only a trusted proxy's X-Forwarded-For tells
// visitors apart; anyone else's is ignored.
TEST_F(Widget, NewVisitorsAreLimitedByTheirOwnAddressOnlyBehindATrustedProxy) {
  ASSERT_EQ(allow_three_messages_a_minute(), 200);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(first_message_via_proxy("198.51.100.1"), 200) << i;
  // The header is not believed: one address, its allowance spent.
  EXPECT_EQ(first_message_via_proxy("198.51.100.2"), 429);
}

class WidgetBehindProxy : public Widget {
 protected:
  std::map<std::string, std::string> extra_env() const override {
    return {{"PARLEY_SERVER_TRUSTED_PROXIES", "127.0.0.1, ::1"}};
  }
};

TEST_F(WidgetBehindProxy, EachForwardedAddressHasItsOwnAllowance) {
  ASSERT_EQ(allow_three_messages_a_minute(), 200);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(first_message_via_proxy("198.51.100.1"), 200) << i;
  EXPECT_EQ(first_message_via_proxy("198.51.100.1"), 429);
  EXPECT_EQ(first_message_via_proxy("198.51.100.2"), 200);
  // A client cannot pick its address: what it writes left of the real one is skipped.
  EXPECT_EQ(first_message_via_proxy("203.0.113.50, 198.51.100.1"), 429);
}

TEST_F(Widget, TakesALeadAndARatingForTheVisitorsOwnConversationOnly) {
  auto mine = parse_json(say({{"message", "How long does shipping take?"}}).body);
  auto theirs = parse_json(say({{"message", "Which countries do you ship to?"}}).body);
  const std::string conversation = text_of(mine, "conversation_id");
  const std::string visitor = text_of(mine, "visitor_id");
  const std::string message = text_of(mine.at("message"), "id");
  const std::string stranger = text_of(theirs, "visitor_id");
  ASSERT_FALSE(conversation.empty() || stranger.empty() || message.empty());

  json::object lead = {{"conversation_id", conversation},
                       {"visitor_id", stranger},
                       {"fields", {{"name", "Ada"}, {"email", "ada@example.com"}}},
                       {"consent", true}};
  EXPECT_EQ(widget("POST", "/leads", json::serialize(lead)).status, 404);
  lead["visitor_id"] = visitor;
  auto submitted = widget("POST", "/leads", json::serialize(lead));
  ASSERT_EQ(submitted.status, 201) << submitted.body;
  expect_cors(submitted);
  EXPECT_EQ(text_of(parse_json(submitted.body), "conversation_id"), conversation);
  EXPECT_EQ(widget("POST", "/leads", json::serialize(lead), "https://evil.example.net").status,
            403);
  lead.erase("visitor_id");
  EXPECT_EQ(widget("POST", "/leads", json::serialize(lead)).status, 400);

  const std::string feedback_path =
      "/conversations/" + conversation + "/messages/" + message + "/feedback";
  auto rated_by_stranger =
      widget("POST", feedback_path,
             json::serialize(json::object{{"visitor_id", stranger}, {"rating", "down"}}));
  EXPECT_EQ(rated_by_stranger.status, 404) << rated_by_stranger.body;
  auto rated = widget("POST", feedback_path,
                      json::serialize(json::object{
                          {"visitor_id", visitor}, {"rating", "down"}, {"comment", "Too vague"}}));
  ASSERT_EQ(rated.status, 201) << rated.body;
  expect_cors(rated);
  EXPECT_EQ(text_of(parse_json(rated.body), "rating"), "down");

  // The stranger cannot go on with the conversation either.
  auto hijack = say({{"message", "What did they ask?"},
                     {"conversation_id", conversation},
                     {"visitor_id", stranger}});
  EXPECT_EQ(hijack.status, 404) << hijack.body;
  auto anonymous = say({{"message", "What did they ask?"}, {"conversation_id", conversation}});
  EXPECT_EQ(anonymous.status, 400) << anonymous.body;

  // The owner sees the lead and the rating through the API.
  auto leads = call("GET", "/api/v1/bots/" + bot_ + "/leads");
  ASSERT_EQ(leads.status, 200) << leads.body;
  EXPECT_NE(leads.body.find("ada@example.com"), std::string::npos) << leads.body;
  auto transcript = call("GET", "/api/v1/conversations/" + conversation);
  ASSERT_EQ(transcript.status, 200) << transcript.body;
  EXPECT_NE(transcript.body.find("Too vague"), std::string::npos) << transcript.body;
}

// The gate reads the bot as it is loaded for chat, not from the store on every request:
// a change to its allowed origins must still reach the very next request.
TEST_F(Widget, AnOriginTakenOffTheListIsRefusedAtOnce) {
  ASSERT_EQ(say({{"message", "Shipping?"}}).status, 200);
  ASSERT_EQ(call("PATCH", "/api/v1/bots/" + bot_,
                 R"({"settings":{"allowed_origins":["https://other.example.com"]}})")
                .status,
            200);
  expect_refused(say({{"message", "Shipping?"}}), "may not embed");
  EXPECT_EQ(say({{"message", "Shipping?"}}, "https://other.example.com").status, 200);
}

TEST_F(Widget, ARotatedPublicIdStopsWorkingAtOnce) {
  ASSERT_EQ(widget("GET", "/config").status, 200);
  const std::string old_id = public_id_;
  auto rotated = call("POST", "/api/v1/bots/" + bot_ + "/public-id/rotate");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const std::string new_id = text_of(parse_json(rotated.body), "public_id");
  EXPECT_EQ(new_id.rfind("pub_", 0), 0u);
  EXPECT_NE(new_id, old_id);
  EXPECT_EQ(text_of(parse_json(rotated.body), "id"), bot_);

  EXPECT_EQ(widget("GET", "/config").status, 404);
  EXPECT_EQ(say({{"message", "Shipping?"}}).status, 404);
  public_id_ = new_id;
  EXPECT_EQ(widget("GET", "/config").status, 200);
  EXPECT_EQ(say({{"message", "Shipping?"}}).status, 200);

  // Rotating is an admin's change: another workspace's key does not reach the bot.
  EXPECT_EQ(
      call_as(other_workspace_key(), "POST", "/api/v1/bots/" + bot_ + "/public-id/rotate").status,
      404);
}

TEST_F(Widget, LeavesNoAddressInTheDataOrTheLog) {
  auto first = parse_json(say({{"message", "How long does shipping take?"}}).body);
  ASSERT_EQ(say({{"message", "Which countries?"},
                 {"visitor_id", text_of(first, "visitor_id")},
                 {"conversation_id", text_of(first, "conversation_id")}})
                .status,
            200);
  auto lead =
      widget("POST", "/leads",
             json::serialize(json::object{{"conversation_id", text_of(first, "conversation_id")},
                                          {"visitor_id", text_of(first, "visitor_id")},
                                          {"fields", {{"email", "ada@example.com"}}},
                                          {"consent", true}}));
  ASSERT_EQ(lead.status, 201) << lead.body;
  server_->signal(SIGTERM);
  const testing::ProcessResult stopped = server_->wait();
  server_.reset();
  std::istringstream lines(stopped.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("{", 0) != 0) continue;  // the log's JSON lines, not the banner
    EXPECT_EQ(line.find("127.0.0.1"), std::string::npos) << line;
  }

  for (const auto& entry : std::filesystem::recursive_directory_iterator(data())) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find("127.0.0.1"), std::string::npos) << entry.path();
  }
}

TEST_F(Widget, AVisitorAsksForAPersonAndHearsTheAgentLive) {
  auto first = say({{"message", "How long does shipping take?"}});
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string conversation = text_of(parse_json(first.body), "conversation_id");
  const std::string visitor = text_of(parse_json(first.body), "visitor_id");
  const std::string path = "/conversations/" + conversation;

  // Another visitor's id names nothing: neither the button nor the stream.
  const std::string stranger = "vis_01JD3Z8Q4K5M6N7P8R9S0T1V2W";
  EXPECT_EQ(widget("POST", path + "/handoff", R"({"visitor_id":")" + stranger + "\"}").status, 404);
  EXPECT_EQ(widget("GET", path + "/events?visitor_id=" + stranger).status, 404);

  auto pressed = widget("POST", path + "/handoff", R"({"visitor_id":")" + visitor + "\"}");
  ASSERT_EQ(pressed.status, 200) << pressed.body;
  expect_cors(pressed);
  EXPECT_EQ(text_of(parse_json(pressed.body), "state"), "waiting_for_human");

  testing::HttpConnection events(server_->port());
  ASSERT_TRUE(events.send_raw("GET /widget/v1/" + public_id_ + path + "/events?visitor_id=" +
                              visitor + " HTTP/1.1\r\nHost: x\r\nOrigin: " + kShop + "\r\n\r\n"));
  auto head = events.read_head();
  ASSERT_TRUE(head);
  ASSERT_EQ(head->status, 200);
  EXPECT_EQ(head->header("access-control-allow-origin"), kShop);
  ASSERT_EQ(events.read_chunk(), ": connected\n\n");

  ASSERT_EQ(call("POST", "/api/v1/conversations/" + conversation + "/take").status, 200);
  ASSERT_EQ(call("POST", "/api/v1/conversations/" + conversation + "/messages",
                 R"({"text":"Hello, Ada here."})")
                .status,
            201);
  std::string body;
  ASSERT_TRUE(testing::read_events_until(events, body, "agent_message", 1)) << body;
  for (const auto& e : testing::parse_sse(body)) {
    if (e.event == "agent_message") {
      EXPECT_EQ(text_of(parse_json(e.data), "text"), "Hello, Ada here.");
    }
  }
}

}  // namespace
}  // namespace parley
