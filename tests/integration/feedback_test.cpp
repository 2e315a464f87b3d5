// Feedback and transcripts through the real binary, as a script with an API key sees them:
// chat, rate an answer down with a comment, see it in the transcript and in the unanswered
// questions, search the transcripts, export them as CSV and JSON; another workspace's key
// gets 404 on all of it.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/support/json_fields.h"
#include "tests/support/served_workspace.h"

namespace parley {
namespace {

namespace json = boost::json;
using testing::HttpResponse;
using testing::parse_json;
using testing::text_of;

class Feedback : public testing::ServedWorkspace {
 protected:
  void SetUp() override {
    ServedWorkspace::SetUp();
    if (HasFatalFailure()) return;
    bot_ = make_bot();
    add_text(bot_, "Shipping",
             "We ship to every country in Europe. Shipping takes 5 business days from payment.");
  }

  json::value chat(const std::string& message) {
    auto asked = call("POST", "/api/v1/bots/" + bot_ + "/chat",
                      json::serialize(json::object{{"message", message}}));
    EXPECT_EQ(asked.status, 200) << asked.body;
    return parse_json(asked.body);
  }

  std::string feedback_path(const json::value& reply) {
    return "/api/v1/conversations/" + text_of(reply, "conversation_id") + "/messages/" +
           text_of(reply.at("message"), "id") + "/feedback";
  }

  std::string bot_;
};

TEST_F(Feedback, ARatedAnswerShowsInTheTranscriptUnansweredSearchAndExports) {
  const json::value answered = chat("How many days does shipping take?");
  const json::value unknown = chat("Where is your office?");
  const std::string conversation = text_of(answered, "conversation_id");

  auto down = call("POST", feedback_path(answered),
                   R"({"rating":"down","comment":"=HYPERLINK(\"x\"), too slow"})");
  ASSERT_EQ(down.status, 201) << down.body;
  json::value rated = parse_json(down.body);
  EXPECT_EQ(text_of(rated, "id").rfind("fb_", 0), 0u) << down.body;
  EXPECT_EQ(text_of(rated, "rating"), "down");
  EXPECT_EQ(text_of(rated, "comment"), "=HYPERLINK(\"x\"), too slow");
  // Rating again replaces it.
  auto again = call("POST", feedback_path(answered),
                    R"({"rating":"down","comment":"=HYPERLINK(\"x\"), too slow!"})");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(text_of(parse_json(again.body), "id"), text_of(rated, "id"));

  // Refusals: a bad rating, an unknown field, the visitor's own message, unknown ids.
  EXPECT_EQ(call("POST", feedback_path(answered), R"({"rating":"meh"})").status, 400);
  EXPECT_EQ(call("POST", feedback_path(answered), R"({"rating":"up","stars":5})").status, 400);
  auto transcript = call("GET", "/api/v1/conversations/" + conversation);
  ASSERT_EQ(transcript.status, 200) << transcript.body;
  const json::value read = parse_json(transcript.body);
  const json::array& messages = read.at("messages").as_array();
  ASSERT_EQ(messages.size(), 2u);
  auto own = call("POST",
                  "/api/v1/conversations/" + conversation + "/messages/" +
                      text_of(messages[0], "id") + "/feedback",
                  R"({"rating":"up"})");
  EXPECT_EQ(own.status, 400) << own.body;
  EXPECT_NE(own.body.find("only the bot's answers"), std::string::npos) << own.body;
  EXPECT_EQ(call("POST",
                 "/api/v1/conversations/" + conversation +
                     "/messages/msg_01JD3Z8Q4K5M6N7P8R9S0T1V2W/feedback",
                 R"({"rating":"up"})")
                .status,
            404);

  // The transcript shows the feedback on the answer only.
  EXPECT_FALSE(messages[0].as_object().contains("feedback"));
  const json::value& feedback = messages[1].at("feedback");
  EXPECT_EQ(text_of(feedback, "rating"), "down");
  EXPECT_EQ(text_of(feedback, "comment"), "=HYPERLINK(\"x\"), too slow!");

  // Unanswered: the fallback and the thumbs down.
  auto unanswered = call("GET", "/api/v1/bots/" + bot_ + "/unanswered");
  ASSERT_EQ(unanswered.status, 200) << unanswered.body;
  const json::value unanswered_json = parse_json(unanswered.body);
  const json::array& groups = unanswered_json.at("data").as_array();
  ASSERT_EQ(groups.size(), 2u) << unanswered.body;
  int fallbacks = 0, thumbs_down = 0;
  for (const json::value& group : groups) {
    EXPECT_EQ(group.at("count").as_int64(), 1);
    fallbacks += group.at("fallbacks").as_int64();
    thumbs_down += group.at("thumbs_down").as_int64();
    EXPECT_EQ(group.at("examples").as_array().size(), 1u);
    EXPECT_FALSE(text_of(group, "last_asked_at").empty());
  }
  EXPECT_EQ(fallbacks, 1);
  EXPECT_EQ(thumbs_down, 1);
  EXPECT_NE(unanswered.body.find("Where is your office?"), std::string::npos);
  EXPECT_NE(unanswered.body.find("How many days does shipping take?"), std::string::npos);
  EXPECT_EQ(call("GET", "/api/v1/bots/" + bot_ + "/unanswered?limit=0").status, 400);

  // Search and state filter.
  auto found = call("GET", "/api/v1/bots/" + bot_ + "/conversations?q=OFFICE");
  ASSERT_EQ(found.status, 200) << found.body;
  const json::value found_json = parse_json(found.body);
  const json::array& data = found_json.at("data").as_array();
  ASSERT_EQ(data.size(), 1u) << found.body;
  EXPECT_EQ(text_of(data[0], "id"), text_of(unknown, "conversation_id"));
  auto open = call("GET", "/api/v1/bots/" + bot_ + "/conversations?state=open&q=shipping%20days");
  ASSERT_EQ(open.status, 200) << open.body;
  EXPECT_EQ(parse_json(open.body).at("data").as_array().size(), 1u) << open.body;
  auto bad_state = call("GET", "/api/v1/bots/" + bot_ + "/conversations?state=pending");
  EXPECT_EQ(bad_state.status, 400);
  EXPECT_NE(bad_state.body.find("waiting_for_human"), std::string::npos) << bad_state.body;

  // Export as CSV: a row per message, the comment disarmed and quoted.
  auto csv = call("GET", "/api/v1/bots/" + bot_ + "/conversations/export?format=csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv.header("content-disposition"),
            "attachment; filename=\"" + bot_ + "-conversations.csv\"");
  EXPECT_EQ(csv.body.rfind("conversation_id,visitor_id,state,message_id,seq,created_at,", 0), 0u);
  EXPECT_NE(csv.body.find(",down,\"'=HYPERLINK(\"\"x\"\"), too slow!\"\r\n"), std::string::npos)
      << csv.body;
  EXPECT_NE(csv.body.find("1: Shipping"), std::string::npos) << csv.body;
  size_t rows = 0;
  for (size_t at = csv.body.find("\r\n"); at != std::string::npos;
       at = csv.body.find("\r\n", at + 2)) {
    ++rows;
  }
  EXPECT_EQ(rows, 5u);  // the header and four messages

  // Export as JSON: conversations with messages, citations and feedback.
  auto exported = call("GET", "/api/v1/bots/" + bot_ + "/conversations/export?format=json");
  ASSERT_EQ(exported.status, 200) << exported.body;
  EXPECT_EQ(exported.header("content-disposition"),
            "attachment; filename=\"" + bot_ + "-conversations.json\"");
  const json::value exported_json = parse_json(exported.body);
  const json::array& all = exported_json.as_array();
  ASSERT_EQ(all.size(), 2u);
  const json::value& first = all[1];  // newest first
  EXPECT_EQ(text_of(first, "id"), conversation);
  const json::value& answer = first.at("messages").as_array()[1];
  EXPECT_FALSE(answer.at("citations").as_array().empty());
  EXPECT_EQ(text_of(answer.at("feedback"), "rating"), "down");
  EXPECT_EQ(call("GET", "/api/v1/bots/" + bot_ + "/conversations/export?format=xml").status, 400);

  // Another workspace's key sees none of it.
  const std::string b_key = other_workspace_key();
  ASSERT_FALSE(b_key.empty());
  EXPECT_EQ(call_as(b_key, "POST", feedback_path(answered), R"({"rating":"up"})").status, 404);
  EXPECT_EQ(call_as(b_key, "GET", "/api/v1/bots/" + bot_ + "/unanswered").status, 404);
  EXPECT_EQ(call_as(b_key, "GET", "/api/v1/bots/" + bot_ + "/conversations?q=office").status, 404);
  EXPECT_EQ(
      call_as(b_key, "GET", "/api/v1/bots/" + bot_ + "/conversations/export?format=csv").status,
      404);
}

TEST_F(Feedback, KeysRateWithTheChatScopeAndReadWithTheReadScope) {
  const json::value answered = chat("How many days does shipping take?");
  auto made = call("POST", "/api/v1/workspaces/" + workspace_ + "/keys",
                   R"({"name":"widget backend","scopes":["chat"]})");
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string chatter = text_of(parse_json(made.body), "key");
  EXPECT_EQ(call_as(chatter, "POST", feedback_path(answered), R"({"rating":"up"})").status, 201);
  EXPECT_EQ(call_as(chatter, "GET", "/api/v1/bots/" + bot_ + "/unanswered").status, 403);
  EXPECT_EQ(
      call_as(chatter, "GET", "/api/v1/bots/" + bot_ + "/conversations/export?format=json").status,
      403);
}

}  // namespace
}  // namespace parley
