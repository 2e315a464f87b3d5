// The lead service on SQLite and PostgreSQL: a lead checked against its bot's form (missing,
// unknown and malformed fields, consent), the consent text and policy version recorded,
// the fields sealed with the visitor's key (absent from the row bytes, gone once the key is
// destroyed), tenancy, search and paging, and the CSV export.
#include "leads/lead_service.h"

#include <gtest/gtest.h>

#include "core/ids.h"
#include "core/iso_time.h"
#include "core/key_owners.h"
#include "kb/kb_test_fixture.h"
#include "store/conversations_repo.h"
#include "store/leads_repo.h"

namespace parley {
namespace {

using kb_testing::expect_error;
namespace json = boost::json;

class LeadServiceTest : public kb_testing::KbTest {
 protected:
  void SetUp() override {
    KbTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    leads_ = std::make_unique<LeadService>(*store_, *keyring_, clock_,
                                           LeadOptions{"2026-11-01", 2000, 100000});
    bot_ = make_bot();
    conversation_ = start_conversation(bot_);
  }
  void TearDown() override {
    leads_.reset();
    KbTest::TearDown();
  }

  // A conversation of the bot with a new visitor, as the chat service starts one.
  std::string start_conversation(const std::string& bot, const std::string& ws = "") {
    clock_.advance(std::chrono::milliseconds(1));
    ConversationRow row{
        new_id("cnv", clock_), ws.empty() ? ws_ : ws, bot,         new_id("vis", clock_), "open", 0,
        clock_.now_ms(),       clock_.now_ms(),       std::nullopt};
    Status wrote = store_->db().write([&](Tx& tx) { return insert_conversation(tx, row); });
    EXPECT_TRUE(wrote.ok()) << wrote.error().message;
    return row.id;
  }

  void set_form(const std::string& bot, json::object form) {
    BotInput input;
    input.settings = json::object{{"lead_form", std::move(form)}};
    auto updated = kb_->bots.update(ws_, bot, input, actor());
    ASSERT_TRUE(updated.ok()) << updated.error().message;
  }

  Result<LeadView> submit(LeadFields fields, bool consent = true, std::string conversation = "") {
    clock_.advance(std::chrono::milliseconds(1));
    return leads_->submit(
        ws_, bot_,
        {conversation.empty() ? conversation_ : conversation, std::move(fields), consent});
  }

  std::unique_ptr<LeadService> leads_;
  std::string bot_, conversation_;
};

TEST_P(LeadServiceTest, ALeadIsStoredWithItsConsentTextAndPolicyVersion) {
  auto lead = submit({{"name", "  Ada Lovelace "}, {"email", "ada@example.com"}});
  ASSERT_TRUE(lead.ok()) << lead.error().message;
  EXPECT_TRUE(is_valid_id(lead->id, "lead"));
  EXPECT_EQ(lead->bot_id, bot_);
  EXPECT_EQ(lead->conversation_id, conversation_);
  EXPECT_TRUE(is_valid_id(lead->visitor_id, "vis"));
  EXPECT_EQ(lead->fields, (LeadFields{{"name", "Ada Lovelace"}, {"email", "ada@example.com"}}));
  EXPECT_TRUE(lead->consent);
  EXPECT_EQ(lead->consent_text, BotSettings().lead_form.consent_text);
  EXPECT_EQ(lead->policy_version, "2026-11-01");

  // The consent record is the text shown at the time: a later change of the form's text
  // leaves it as it was.
  set_form(bot_, {{"consent_text", "New words."}});
  auto page = leads_->list(ws_, bot_, "", "", 10);
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->leads.size(), 1u);
  EXPECT_EQ(page->leads[0].consent_text, BotSettings().lead_form.consent_text);
  EXPECT_EQ(page->leads[0].fields.at("email"), "ada@example.com");
  EXPECT_EQ(page->leads[0].policy_version, "2026-11-01");
  EXPECT_EQ(scalar("SELECT count(*) FROM leads WHERE consent = 1 AND policy_version = $1",
                   {std::string("2026-11-01")}),
            1);

  EXPECT_TRUE(*leads_->lead_given(ws_, conversation_));
  EXPECT_FALSE(*leads_->lead_given(ws_, start_conversation(bot_)));

  // Submitted again in the same conversation: both are kept (each its own consent record).
  auto again = submit({{"email", "ada@example.org"}});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->consent_text, "New words.");
  EXPECT_EQ(leads_->list(ws_, bot_, "", "", 10)->leads.size(), 2u);
}

TEST_P(LeadServiceTest, BadSubmissionsAreRefusedNamingTheField) {
  expect_error(submit({{"name", "Ada"}}), ErrorCode::invalid_argument, "fields.email is required");
  expect_error(submit({{"email", "   "}}), ErrorCode::invalid_argument, "fields.email is required");
  expect_error(submit({{"email", "ada@example.com"}, {"favourite_colour", "red"}}),
               ErrorCode::invalid_argument, "fields.favourite_colour is not a field");
  for (const std::string bad : {"ada", "ada@", "@example.com", "ada@example", "ada@@example.com",
                                "ada lovelace@example.com", "ada@exa mple.com", "ada@-x.com",
                                "ada..l@example.com", "ada@example.123"}) {
    expect_error(submit({{"email", bad}}), ErrorCode::invalid_argument,
                 "fields.email: give a valid");
  }
  expect_error(submit({{"email", "ada@example.com"}, {"name", std::string(1001, 'a')}}),
               ErrorCode::invalid_argument, "fields.name: at most 1000 bytes");
  expect_error(submit({{"email", "ada@example.com"}, {"name", "Ada\nLovelace"}}),
               ErrorCode::invalid_argument, "fields.name: remove the control characters");
  expect_error(submit({{"email", "ada@example.com"}}, false), ErrorCode::invalid_argument,
               "consent is required");
  // The error never repeats what the visitor typed.
  auto refused = submit({{"email", "zebulon-at-example.com"}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message.find("zebulon"), std::string::npos);

  // A phone field, a multi-line custom field, consent optional.
  set_form(bot_,
           {{"fields",
             json::array{json::object{{"key", "phone"}, {"required", true}},
                         json::object{{"key", "notes"}, {"label", "Notes"}, {"type", "textarea"}}}},
            {"consent_required", false}});
  for (const std::string& bad :
       std::vector<std::string>{"1234", "+49 (30) 12x4567", "+-()  ", std::string(31, '1')}) {
    expect_error(submit({{"phone", bad}}), ErrorCode::invalid_argument,
                 "fields.phone: give a phone");
  }
  auto lead =
      submit({{"phone", "+49 (30) 123-4567"}, {"notes", "Call after 5pm.\nThanks!"}}, false);
  ASSERT_TRUE(lead.ok()) << lead.error().message;
  EXPECT_FALSE(lead->consent);
  EXPECT_EQ(lead->fields.at("notes"), "Call after 5pm.\nThanks!");
  expect_error(submit({{"email", "ada@example.com"}, {"phone", "12345"}}),
               ErrorCode::invalid_argument, "fields.email is not a field");

  // All optional and none given: nothing to keep.
  set_form(bot_, {{"fields", json::array{json::object{{"key", "name"}}}}});
  expect_error(submit({{"name", " "}}), ErrorCode::invalid_argument, "fill in at least one");

  set_form(bot_, {{"enabled", false}});
  expect_error(submit({{"name", "Ada"}}), ErrorCode::conflict, "switched off");
}

TEST_P(LeadServiceTest, AnotherBotsOrWorkspacesConversationIsUnknown) {
  const LeadFields fields = {{"email", "ada@example.com"}};
  expect_error(leads_->submit(ws_, bot_, {"", fields, true}), ErrorCode::invalid_argument,
               "conversation_id");
  expect_error(leads_->submit(ws_, bot_, {"cnv_nope", fields, true}), ErrorCode::not_found);
  expect_error(leads_->submit(ws_, bot_, {new_id("cnv", clock_), fields, true}),
               ErrorCode::not_found, "no such conversation");
  const std::string other_bot = make_bot("Sales bot");
  expect_error(leads_->submit(ws_, other_bot, {conversation_, fields, true}), ErrorCode::not_found,
               "no such conversation");
  expect_error(leads_->submit(ws_, "bot_x", {conversation_, fields, true}), ErrorCode::not_found,
               "no such bot");

  const std::string ws_b = other_workspace();
  ASSERT_FALSE(ws_b.empty());
  expect_error(leads_->submit(ws_b, bot_, {conversation_, fields, true}), ErrorCode::not_found);
  ASSERT_TRUE(submit(fields).ok());
  expect_error(leads_->list(ws_b, bot_, "", "", 10), ErrorCode::not_found);
  expect_error(leads_->export_csv(ws_b, bot_), ErrorCode::not_found);
  EXPECT_TRUE(leads_->list(ws_, other_bot, "", "", 10)->leads.empty());
}

TEST_P(LeadServiceTest, FieldsAreSealedWithTheVisitorsKey) {
  auto lead = submit({{"name", "Zebulon Quinterro"}, {"email", "zebulon@example.com"}});
  ASSERT_TRUE(lead.ok()) << lead.error().message;
  const std::string rows = raw("SELECT * FROM leads");
  EXPECT_FALSE(rows.empty());
  EXPECT_EQ(rows.find("Zebulon"), std::string::npos);
  EXPECT_EQ(rows.find("zebulon@example.com"), std::string::npos);
  EXPECT_EQ(rows.find("example.com"), std::string::npos);
  EXPECT_NE(rows.find(lead->consent_text), std::string::npos);  // the consent proof is clear

  // A second visitor's lead, to see that erasing one visitor leaves the other.
  const std::string other_conversation = start_conversation(bot_);
  auto other = submit({{"email", "other@example.com"}}, true, other_conversation);
  ASSERT_TRUE(other.ok()) << other.error().message;

  // Erasing the visitor is destroying their key: the lead no longer opens anywhere.
  ASSERT_TRUE(keyring_->destroy_key(visitor_key_owner(ws_, lead->visitor_id)).ok());
  auto page = leads_->list(ws_, bot_, "", "", 10);
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->leads.size(), 1u);
  EXPECT_EQ(page->leads[0].id, other->id);
  auto csv = leads_->export_csv(ws_, bot_);
  ASSERT_TRUE(csv.ok()) << csv.error().message;
  EXPECT_EQ(csv->find("Zebulon"), std::string::npos);
  EXPECT_EQ(csv->find(lead->id), std::string::npos);
  EXPECT_NE(csv->find("other@example.com"), std::string::npos);

  // And the erasure removes the rows too.
  Status erased = store_->db().write([&](Tx& tx) -> Status {
    auto gone = delete_visitor_leads(tx, ws_, lead->visitor_id);
    if (!gone) return gone.error();
    EXPECT_EQ(*gone, 1);
    return ok_status();
  });
  ASSERT_TRUE(erased.ok()) << erased.error().message;
  EXPECT_EQ(scalar("SELECT count(*) FROM leads"), 1);
}

TEST_P(LeadServiceTest, ALeadOutlivesItsConversationAndGoesWithItsBot) {
  auto lead = submit({{"email", "ada@example.com"}});
  ASSERT_TRUE(lead.ok()) << lead.error().message;
  Status deleted = store_->db().write([&](Tx& tx) -> Status {
    auto changed = tx.exec("DELETE FROM conversations WHERE id = $1", {conversation_});
    if (!changed) return changed.error();
    return ok_status();
  });
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  auto page = leads_->list(ws_, bot_, "", "", 10);
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->leads.size(), 1u);
  EXPECT_FALSE(page->leads[0].conversation_id);
  EXPECT_EQ(page->leads[0].fields.at("email"), "ada@example.com");

  ASSERT_TRUE(kb_->bots.remove(ws_, bot_, actor()).ok());
  EXPECT_EQ(scalar("SELECT count(*) FROM leads"), 0);
}

TEST_P(LeadServiceTest, SearchMatchesAnyFieldCaseInsensitivelyAndPages) {
  set_form(bot_, {{"fields", json::array{json::object{{"key", "name"}},
                                         json::object{{"key", "email"}, {"required", true}},
                                         json::object{{"key", "company"}}}}});
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) {
    const std::string company = i % 2 ? "Initech" : "Globex Corporation";
    auto lead = submit({{"name", "Person " + std::to_string(i)},
                        {"email", "p" + std::to_string(i) + "@example.com"},
                        {"company", company}});
    ASSERT_TRUE(lead.ok()) << lead.error().message;
    ids.push_back(lead->id);
  }
  auto globex = leads_->list(ws_, bot_, "gLoBeX", "", 10);
  ASSERT_TRUE(globex.ok()) << globex.error().message;
  ASSERT_EQ(globex->leads.size(), 4u);
  EXPECT_EQ(globex->leads[0].id, ids[6]);  // newest first
  EXPECT_FALSE(globex->next_cursor);
  EXPECT_EQ(leads_->list(ws_, bot_, "P3@EXAMPLE", "", 10)->leads.size(), 1u);
  EXPECT_TRUE(leads_->list(ws_, bot_, "umbrella", "", 10)->leads.empty());

  // Pages of 2 over the matches, then over everything.
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = leads_->list(ws_, bot_, "initech", cursor, 2);
    ASSERT_TRUE(page.ok()) << page.error().message;
    for (const LeadView& lead : page->leads) seen.push_back(lead.id);
    cursor = page->next_cursor.value_or("");
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(seen, (std::vector<std::string>{ids[5], ids[3], ids[1]}));
  EXPECT_EQ(pages, 2);
  auto first = leads_->list(ws_, bot_, "", "", 5);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->leads.size(), 5u);
  ASSERT_TRUE(first->next_cursor);
  auto rest = leads_->list(ws_, bot_, "", *first->next_cursor, 5);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->leads.size(), 2u);
  EXPECT_FALSE(rest->next_cursor);

  expect_error(leads_->list(ws_, bot_, "", "cnv_nope", 5), ErrorCode::invalid_argument, "cursor");
  expect_error(leads_->list(ws_, bot_, std::string(201, 'q'), "", 5), ErrorCode::invalid_argument,
               "q:");

  // A bounded scan: with room for 3 leads per search, a rare match takes several pages,
  // each short with a cursor where its scan stopped.
  LeadService bounded(*store_, *keyring_, clock_, LeadOptions{"2026-11-01", 3, 100000});
  seen.clear();
  cursor.clear();
  pages = 0;
  do {
    auto page = bounded.list(ws_, bot_, "person 0", cursor, 10);
    ASSERT_TRUE(page.ok()) << page.error().message;
    for (const LeadView& lead : page->leads) seen.push_back(lead.id);
    cursor = page->next_cursor.value_or("");
    ++pages;
  } while (!cursor.empty() && pages < 20);
  EXPECT_EQ(seen, (std::vector<std::string>{ids[0]}));
  EXPECT_GE(pages, 3);
}

TEST_P(LeadServiceTest, CsvExportQuotesAndDefusesFormulas) {
  set_form(bot_,
           {{"fields",
             json::array{
                 json::object{{"key", "name"}}, json::object{{"key", "email"}, {"required", true}},
                 json::object{{"key", "notes"}, {"label", "Notes"}, {"type", "textarea"}}}}});
  auto first = submit({{"name", "=HYPERLINK(\"http://evil.example\",\"click\")"},
                       {"email", "ada@example.com"},
                       {"notes", "Line one, with a comma\nline \"two\""}});
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto second = submit({{"name", "@SUM(A1:A9)"}, {"email", "bob@example.com"}});
  ASSERT_TRUE(second.ok()) << second.error().message;
  // A field later removed from the form still exports, after the form's fields.
  set_form(bot_, {{"fields", json::array{json::object{{"key", "email"}, {"required", true}},
                                         json::object{{"key", "company"}}}}});
  auto third = submit({{"email", "carol@example.com"}, {"company", "-2+3"}});
  ASSERT_TRUE(third.ok()) << third.error().message;

  auto csv = leads_->export_csv(ws_, bot_);
  ASSERT_TRUE(csv.ok()) << csv.error().message;
  const std::string expected_header =
      "id,created_at,conversation_id,visitor_id,consent,policy_version,email,company,name,"
      "notes\r\n";
  ASSERT_EQ(csv->substr(0, expected_header.size()), expected_header) << *csv;
  const std::string created = iso_time(first->created_at);
  EXPECT_NE(csv->find(third->id + "," + iso_time(third->created_at) + "," + conversation_ + "," +
                      third->visitor_id + ",true,2026-11-01,carol@example.com,'-2+3,,\r\n"),
            std::string::npos)
      << *csv;
  EXPECT_NE(csv->find(second->id + ","), std::string::npos);
  EXPECT_NE(csv->find(",bob@example.com,,'@SUM(A1:A9),\r\n"), std::string::npos) << *csv;
  EXPECT_NE(
      csv->find(",ada@example.com,,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\","
                "\"Line one, with a comma\nline \"\"two\"\"\"\r\n"),
      std::string::npos)
      << *csv;
  // Newest first, like the list.
  EXPECT_LT(csv->find(third->id), csv->find(second->id));
  EXPECT_LT(csv->find(second->id), csv->find(first->id));
  EXPECT_NE(created.find('T'), std::string::npos);

  // A bot without leads: the header alone.
  auto empty = leads_->export_csv(ws_, make_bot("Empty"));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty,
            "id,created_at,conversation_id,visitor_id,consent,policy_version,name,email\r\n");
}

INSTANTIATE_TEST_SUITE_P(Backends, LeadServiceTest, ::testing::Values("sqlite", "postgres"),
                         store_testing::backend_name);

}  // namespace
}  // namespace parley
