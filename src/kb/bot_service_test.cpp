// The bot service on SQLite and PostgreSQL: create, read, page, change and delete bots,
// settings checked by name, names and settings sealed, one workspace's ids useless in another.
#include "kb/bot_service.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "core/ids.h"
#include "kb/kb_test_fixture.h"

namespace parley {
namespace {

namespace json = boost::json;
using kb_testing::expect_error;
using namespace std::chrono_literals;

class BotServiceTest : public kb_testing::KbTest {
 protected:
  BotInput input(const std::string& name, const std::string& settings = "{}") {
    BotInput in;
    in.name = name;
    in.settings = json::parse(settings).as_object();
    return in;
  }
};

TEST_P(BotServiceTest, CreatedBotCanBeReadBack) {
  auto made = kb_->bots.create(ws_, input("Help desk", R"({"welcome_message":"Moin!"})"), actor());
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_TRUE(is_valid_id(made->id, "bot")) << made->id;
  EXPECT_TRUE(is_valid_id(made->public_id, "pub")) << made->public_id;
  EXPECT_EQ(made->workspace_id, ws_);
  EXPECT_EQ(made->language, "en");
  EXPECT_EQ(made->created_at, clock_.now_ms());

  auto got = kb_->bots.get(ws_, made->id);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->name, "Help desk");
  EXPECT_EQ(got->public_id, made->public_id);
  EXPECT_EQ(got->language, "en");
  EXPECT_EQ(got->settings.welcome_message, "Moin!");
  EXPECT_EQ(got->settings.fallback_message, BotSettings().fallback_message);

  auto owner = kb_->bots.workspace_of(made->id);
  ASSERT_TRUE(owner.ok());
  EXPECT_EQ(*owner, std::optional<std::string>(ws_));
  auto unknown = kb_->bots.workspace_of("bot_01ARZ3NDEKTSV4RRFFQ69G5FAV");
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
}

TEST_P(BotServiceTest, EveryBotHasItsOwnPublicId) {
  std::set<std::string> public_ids;
  for (int i = 0; i < 5; ++i) {
    auto made = kb_->bots.create(ws_, input("Bot " + std::to_string(i)), actor());
    ASSERT_TRUE(made.ok()) << made.error().message;
    public_ids.insert(made->public_id);
  }
  EXPECT_EQ(public_ids.size(), 5u);
}

TEST_P(BotServiceTest, NameAndLanguageAreChecked) {
  expect_error(kb_->bots.create(ws_, BotInput{}, actor()), ErrorCode::invalid_argument, "name");
  expect_error(kb_->bots.create(ws_, input(""), actor()), ErrorCode::invalid_argument, "name");
  expect_error(kb_->bots.create(ws_, input(std::string(201, 'x')), actor()),
               ErrorCode::invalid_argument, "name");
  EXPECT_TRUE(kb_->bots.create(ws_, input(std::string(200, 'x')), actor()).ok());
  BotInput german = input("Kundendienst");
  german.language = "German";
  expect_error(kb_->bots.create(ws_, german, actor()), ErrorCode::invalid_argument, "language");
  german.language = "de-AT";
  auto made = kb_->bots.create(ws_, german, actor());
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(made->language, "de-AT");
  EXPECT_EQ(scalar("SELECT count(*) FROM bots"), 2);
}

TEST_P(BotServiceTest, BadSettingsAreRefusedByNameAndNothingIsStored) {
  expect_error(kb_->bots.create(ws_, input("A", R"({"tone":"friendly"})"), actor()),
               ErrorCode::invalid_argument, "settings.tone");
  expect_error(kb_->bots.create(ws_, input("A", R"({"confidence_threshold":2})"), actor()),
               ErrorCode::invalid_argument, "settings.confidence_threshold");
  expect_error(kb_->bots.create(ws_, input("A", R"({"answer_mode":"generative"})"), actor()),
               ErrorCode::invalid_argument, "settings.model");
  EXPECT_EQ(scalar("SELECT count(*) FROM bots"), 0);
}

TEST_P(BotServiceTest, ListPagesWithACursorOldestFirst) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(make_bot("Bot " + std::to_string(i)));
  make_bot("Elsewhere", other_workspace());

  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  while (true) {
    auto page = kb_->bots.list(ws_, cursor, 2);
    ASSERT_TRUE(page.ok()) << page.error().message;
    ++pages;
    EXPECT_LE(page->bots.size(), 2u);
    for (const BotView& bot : page->bots) {
      seen.push_back(bot.id);
      EXPECT_EQ(bot.name, "Bot " + std::to_string(seen.size() - 1));
    }
    if (!page->next_cursor) break;
    cursor = *page->next_cursor;
  }
  EXPECT_EQ(seen, ids);
  EXPECT_EQ(pages, 3);

  auto exact = kb_->bots.list(ws_, "", 5);
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->bots.size(), 5u);
  EXPECT_FALSE(exact->next_cursor);
}

TEST_P(BotServiceTest, UpdateChangesOnlyWhatIsGiven) {
  std::string id = make_bot("Before");
  auto created = kb_->bots.get(ws_, id);
  ASSERT_TRUE(created.ok());
  clock_.advance(5s);

  BotInput rename;
  rename.name = "After";
  rename.settings = json::parse(R"({"confidence_threshold":0.6})").as_object();
  auto updated = kb_->bots.update(ws_, id, rename, actor());
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(updated->updated_at, clock_.now_ms());

  auto got = kb_->bots.get(ws_, id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, "After");
  EXPECT_EQ(got->language, "en");
  EXPECT_EQ(got->public_id, created->public_id);
  EXPECT_EQ(got->created_at, created->created_at);
  EXPECT_EQ(got->updated_at, clock_.now_ms());
  EXPECT_EQ(got->settings.confidence_threshold, 0.6);
  EXPECT_EQ(got->settings.welcome_message, BotSettings().welcome_message);
}

TEST_P(BotServiceTest, RefusedUpdateChangesNothing) {
  std::string id = make_bot("Steady");
  BotInput bad;
  bad.name = "Renamed";
  bad.settings = json::parse(R"({"welcome_message":"New","max_tokens":5})").as_object();
  expect_error(kb_->bots.update(ws_, id, bad, actor()), ErrorCode::invalid_argument,
               "settings.max_tokens");
  BotInput bad_language;
  bad_language.language = "xx_YY";
  expect_error(kb_->bots.update(ws_, id, bad_language, actor()), ErrorCode::invalid_argument,
               "language");
  auto got = kb_->bots.get(ws_, id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, "Steady");
  EXPECT_EQ(got->settings.welcome_message, BotSettings().welcome_message);
}

TEST_P(BotServiceTest, ApiKeyIsKeptInStorageAndNeverShown) {
  std::string id = make_bot();
  BotInput generative;
  generative.settings = json::parse(R"({"answer_mode":"generative","model":{"base_url":
      "https://llm.example.com/v1","model":"small-1","api_key":"sk-live-4f9a1c"}})")
                            .as_object();
  auto updated = kb_->bots.update(ws_, id, generative, actor());
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(json::serialize(settings_to_json(updated->settings)).find("sk-live-4f9a1c"),
            std::string::npos);

  // Another change without the key keeps it.
  BotInput later;
  later.settings = json::parse(R"({"temperature":0.9})").as_object();
  ASSERT_TRUE(kb_->bots.update(ws_, id, later, actor()).ok());
  auto got = kb_->bots.get(ws_, id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->settings.model.api_key, "sk-live-4f9a1c");
  EXPECT_EQ(got->settings.answer_mode, "generative");
  EXPECT_EQ(got->settings.temperature, 0.9);
  json::object shown = settings_to_json(got->settings);
  EXPECT_EQ(json::serialize(shown).find("sk-live-4f9a1c"), std::string::npos);
  EXPECT_EQ(shown.at("model").at("api_key_set"), json::value(true));
}

TEST_P(BotServiceTest, NameAndSettingsAreSealedInTheDatabase) {
  auto made = kb_->bots.create(
      ws_, input("Zanzibar Concierge", R"({"instructions":"Mention the Marmalade Offer.",
                                       "model":{"api_key":"sk-hidden-77"}})"),
      actor());
  ASSERT_TRUE(made.ok()) << made.error().message;
  std::string row = raw("SELECT * FROM bots");
  EXPECT_NE(row.find(made->id), std::string::npos);  // the query did read the row
  EXPECT_EQ(row.find("Zanzibar"), std::string::npos);
  EXPECT_EQ(row.find("Marmalade"), std::string::npos);
  EXPECT_EQ(row.find("sk-hidden-77"), std::string::npos);
}

TEST_P(BotServiceTest, AnotherWorkspacesBotIsNotFound) {
  std::string mine = make_bot("Mine");
  std::string theirs_ws = other_workspace();
  std::string theirs = make_bot("Theirs", theirs_ws);

  expect_error(kb_->bots.get(ws_, theirs), ErrorCode::not_found);
  expect_error(kb_->bots.get(theirs_ws, mine), ErrorCode::not_found);
  BotInput rename;
  rename.name = "Hijacked";
  expect_error(kb_->bots.update(ws_, theirs, rename, actor()), ErrorCode::not_found);
  expect_error(kb_->bots.remove(ws_, theirs, actor()), ErrorCode::not_found);
  auto list = kb_->bots.list(ws_, "", 50);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->bots.size(), 1u);
  EXPECT_EQ(list->bots[0].id, mine);

  auto untouched = kb_->bots.get(theirs_ws, theirs);
  ASSERT_TRUE(untouched.ok());
  EXPECT_EQ(untouched->name, "Theirs");
}

TEST_P(BotServiceTest, DeleteRemovesTheBotAndEverythingUnderIt) {
  std::string id = make_bot();
  std::string kept = make_bot("Kept");
  auto text = kb_->sources.add_text(ws_, id, {"Hours", "We open at nine.", {}, {}}, actor());
  ASSERT_TRUE(text.ok()) << text.error().message;
  ASSERT_TRUE(kb_->sources.add_text(ws_, kept, {"Hours", "Closed.", {}, {}}, actor()).ok());
  drain();
  ASSERT_GT(scalar("SELECT count(*) FROM chunks WHERE bot_id = $1", {id}), 0);

  ASSERT_TRUE(kb_->bots.remove(ws_, id, actor()).ok());
  expect_error(kb_->bots.get(ws_, id), ErrorCode::not_found);
  expect_error(kb_->bots.remove(ws_, id, actor()), ErrorCode::not_found);
  EXPECT_EQ(scalar("SELECT count(*) FROM sources WHERE bot_id = $1", {id}), 0);
  EXPECT_EQ(scalar("SELECT count(*) FROM source_contents WHERE source_id = $1", {text->id}), 0);
  EXPECT_EQ(scalar("SELECT count(*) FROM chunks WHERE bot_id = $1", {id}), 0);
  EXPECT_GT(scalar("SELECT count(*) FROM chunks WHERE bot_id = $1", {kept}), 0);
  expect_error(kb_->sources.get(ws_, id, text->id), ErrorCode::not_found, "bot");
}

TEST_P(BotServiceTest, EveryChangeIsAudited) {
  std::string id = make_bot();
  BotInput rename;
  rename.name = "Renamed";
  ASSERT_TRUE(kb_->bots.update(ws_, id, rename, actor()).ok());
  ASSERT_TRUE(kb_->bots.rotate_public_id(ws_, id, actor()).ok());
  ASSERT_TRUE(kb_->bots.remove(ws_, id, actor()).ok());
  std::vector<std::string> actions = audit_actions();
  std::vector<std::string> bot_actions;
  for (const std::string& action : actions) {
    if (action.rfind("bot.", 0) == 0) bot_actions.push_back(action);
  }
  EXPECT_EQ(bot_actions, (std::vector<std::string>{"bot.created", "bot.updated",
                                                   "bot.public_id_rotated", "bot.deleted"}));
}

TEST_P(BotServiceTest, APublicIdFindsItsBotUntilItIsRotated) {
  std::string id = make_bot("Widget");
  std::string other_ws = other_workspace();
  std::string other = make_bot("Rival's", other_ws);
  auto bot = kb_->bots.get(ws_, id);
  ASSERT_TRUE(bot.ok());

  auto found = kb_->bots.get_by_public_id(bot->public_id);
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->id, id);
  EXPECT_EQ(found->workspace_id, ws_);
  EXPECT_EQ(found->name, "Widget");
  auto rival = kb_->bots.get(other_ws, other);
  ASSERT_TRUE(rival.ok());
  EXPECT_EQ(kb_->bots.get_by_public_id(rival->public_id)->id, other);

  clock_.advance(5s);
  auto rotated = kb_->bots.rotate_public_id(ws_, id, actor());
  ASSERT_TRUE(rotated.ok()) << rotated.error().message;
  EXPECT_TRUE(is_valid_id(rotated->public_id, "pub"));
  EXPECT_NE(rotated->public_id, bot->public_id);
  EXPECT_EQ(rotated->updated_at, clock_.now_ms());
  EXPECT_EQ(rotated->name, "Widget");
  expect_error(kb_->bots.get_by_public_id(bot->public_id), ErrorCode::not_found);
  EXPECT_EQ(kb_->bots.get_by_public_id(rotated->public_id)->id, id);
  EXPECT_EQ(kb_->bots.get(ws_, id)->public_id, rotated->public_id);

  expect_error(kb_->bots.get_by_public_id("pub_nonsense"), ErrorCode::not_found);
  expect_error(kb_->bots.get_by_public_id(id), ErrorCode::not_found);  // a bot id is no public id
  // Another workspace cannot rotate this bot's id.
  expect_error(kb_->bots.rotate_public_id(other_ws, id, actor()), ErrorCode::not_found);
}

INSTANTIATE_TEST_SUITE_P(Backends, BotServiceTest, ::testing::Values("sqlite", "postgres"),
                         store_testing::backend_name);

}  // namespace
}  // namespace parley
