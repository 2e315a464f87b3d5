// Leads through the real binary, as a script with an API key sees them: a conversation,
// a lead submitted with its consent recorded (the configured policy version), validation
// refused with a clear 400, the list and its search, the CSV export, and another
// workspace's key refused (404).
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

class Leads : public testing::ServedWorkspace {
 protected:
  std::map<std::string, std::string> extra_env() const override {
    return {{"PARLEY_PRIVACY_POLICY_VERSION", "2026-12-24"}};
  }

  void SetUp() override {
    ServedWorkspace::SetUp();
    if (HasFatalFailure()) return;
    bot_ = make_bot(R"({"lead_form":{"fields":[{"key":"name"},{"key":"email","required":true},
                         {"key":"company"}],"consent_text":"Acme may contact me."}})");
    conversation_ = start_conversation();
  }

  // A conversation as the widget starts one: the bot knows nothing yet, so it falls back.
  std::string start_conversation() {
    auto chatted = call("POST", "/api/v1/bots/" + bot_ + "/chat",
                        R"({"message":"Can someone call me about pricing?"})");
    EXPECT_EQ(chatted.status, 200) << chatted.body;
    return text_of(parse_json(chatted.body), "conversation_id");
  }

  HttpResponse submit(const json::object& fields, bool consent = true,
                      const std::string& key = {}) {
    return call_as(
        key.empty() ? key_ : key, "POST", "/api/v1/bots/" + bot_ + "/leads",
        json::serialize(json::object{
            {"conversation_id", conversation_}, {"fields", fields}, {"consent", consent}}));
  }

  std::string error_message(const HttpResponse& response) {
    return text_of(parse_json(response.body).at("error"), "message");
  }

  std::string bot_, conversation_;
};

TEST_F(Leads, SubmittedCheckedListedSearchedAndExported) {
  auto created = submit(
      {{"name", "Ada Lovelace"}, {"email", "ada@example.com"}, {"company", "Analytical Engines"}});
  ASSERT_EQ(created.status, 201) << created.body;
  json::value lead = parse_json(created.body);
  const std::string lead_id = text_of(lead, "id");
  EXPECT_EQ(lead_id.rfind("lead_", 0), 0u) << created.body;
  EXPECT_EQ(text_of(lead, "bot_id"), bot_);
  EXPECT_EQ(text_of(lead, "conversation_id"), conversation_);
  EXPECT_EQ(text_of(lead, "visitor_id").rfind("vis_", 0), 0u);
  EXPECT_EQ(text_of(lead.at("fields"), "email"), "ada@example.com");
  EXPECT_TRUE(lead.at("consent").as_bool());
  EXPECT_EQ(text_of(lead, "consent_text"), "Acme may contact me.");
  EXPECT_EQ(text_of(lead, "policy_version"), "2026-12-24");

  // Refusals a form would show the visitor, each naming what to fix.
  auto missing = submit({{"name", "Bob"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(text_of(parse_json(missing.body).at("error"), "code"), "invalid_argument");
  EXPECT_EQ(error_message(missing), "fields.email is required (Email)");
  auto bad_email = submit({{"email", "bob-at-example"}});
  EXPECT_EQ(bad_email.status, 400);
  EXPECT_NE(error_message(bad_email).find("fields.email: give a valid email address"),
            std::string::npos)
      << bad_email.body;
  auto unknown = submit({{"email", "bob@example.com"}, {"shoe_size", "44"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(error_message(unknown).find("fields.shoe_size is not a field"), std::string::npos)
      << unknown.body;
  auto no_consent = submit({{"email", "bob@example.com"}}, false);
  EXPECT_EQ(no_consent.status, 400);
  EXPECT_EQ(error_message(no_consent).rfind("consent is required", 0), 0u) << no_consent.body;
  auto not_a_lead = call("POST", "/api/v1/bots/" + bot_ + "/leads",
                         R"({"conversation_id":")" + conversation_ + R"(","fields":{"email":1}})");
  EXPECT_EQ(not_a_lead.status, 400) << not_a_lead.body;

  // A second visitor, a lead with a formula for a name.
  conversation_ = start_conversation();
  auto second = submit(
      {{"name", "=cmd|' /C calc'!A0"}, {"email", "grace@example.org"}, {"company", "Navy, Inc."}});
  ASSERT_EQ(second.status, 201) << second.body;
  const std::string second_id = text_of(parse_json(second.body), "id");

  auto listed = call("GET", "/api/v1/bots/" + bot_ + "/leads");
  ASSERT_EQ(listed.status, 200) << listed.body;
  const json::value listed_page = parse_json(listed.body);
  const json::array& all = listed_page.at("data").as_array();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(text_of(all[0], "id"), second_id);  // newest first
  EXPECT_EQ(text_of(all[1], "id"), lead_id);
  EXPECT_TRUE(parse_json(listed.body).at("next_cursor").is_null());

  auto searched = call("GET", "/api/v1/bots/" + bot_ + "/leads?q=ANALYTICAL");
  ASSERT_EQ(searched.status, 200) << searched.body;
  const json::value searched_page = parse_json(searched.body);
  const json::array& found = searched_page.at("data").as_array();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(text_of(found[0], "id"), lead_id);
  auto paged = call("GET", "/api/v1/bots/" + bot_ + "/leads?limit=1");
  ASSERT_EQ(paged.status, 200);
  EXPECT_EQ(text_of(parse_json(paged.body), "next_cursor"), second_id);
  EXPECT_EQ(call("GET", "/api/v1/bots/" + bot_ + "/leads?limit=0").status, 400);

  auto exported = call("GET", "/api/v1/bots/" + bot_ + "/leads/export");
  ASSERT_EQ(exported.status, 200) << exported.body;
  EXPECT_EQ(exported.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(exported.header("content-disposition"),
            "attachment; filename=\"leads-" + bot_ + ".csv\"");
  const std::string& csv = exported.body;
  EXPECT_EQ(csv.rfind("id,created_at,conversation_id,visitor_id,consent,policy_version,name,email,"
                      "company\r\n",
                      0),
            0u)
      << csv;
  EXPECT_NE(csv.find(",true,2026-12-24,'=cmd|' /C calc'!A0,grace@example.org,\"Navy, Inc.\"\r\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find(lead_id + ","), std::string::npos);
  EXPECT_NE(csv.find(",Ada Lovelace,ada@example.com,Analytical Engines\r\n"), std::string::npos)
      << csv;
  int lines = 0;
  for (size_t at = csv.find("\r\n"); at != std::string::npos; at = csv.find("\r\n", at + 2)) {
    ++lines;
  }
  EXPECT_EQ(lines, 3);  // the header and two leads
}

TEST_F(Leads, AnotherWorkspaceCannotReadOrAddLeads) {
  ASSERT_EQ(submit({{"email", "ada@example.com"}}).status, 201);
  const std::string b_key = other_workspace_key();
  ASSERT_FALSE(b_key.empty());
  EXPECT_EQ(call_as(b_key, "GET", "/api/v1/bots/" + bot_ + "/leads").status, 404);
  EXPECT_EQ(call_as(b_key, "GET", "/api/v1/bots/" + bot_ + "/leads/export").status, 404);
  EXPECT_EQ(submit({{"email", "mallory@example.com"}}, true, b_key).status, 404);

  // A key with only the chat scope (a widget's) submits, but cannot read the leads.
  auto made = call("POST", "/api/v1/workspaces/" + workspace_ + "/keys",
                   R"({"name":"widget","scopes":["chat"]})");
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string chat_key = text_of(parse_json(made.body), "key");
  EXPECT_EQ(submit({{"email", "bob@example.com"}}, true, chat_key).status, 201);
  EXPECT_EQ(call_as(chat_key, "GET", "/api/v1/bots/" + bot_ + "/leads").status, 403);
  EXPECT_EQ(call_as(chat_key, "GET", "/api/v1/bots/" + bot_ + "/leads/export").status, 403);
  auto listed = call("GET", "/api/v1/bots/" + bot_ + "/leads");
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(parse_json(listed.body).at("data").as_array().size(), 2u);  // none of B's
}

}  // namespace
}  // namespace parley
