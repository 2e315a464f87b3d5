// The source service on SQLite and PostgreSQL, up to the queue: what is accepted, refused,
// counted against the bot's limits, sealed and imported in bulk. Processing is in
// ingest_test.cpp.
#include "kb/source_service.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "kb/kb_test_fixture.h"
#include "tests/support/sample_files.h"

namespace parley {
namespace {

namespace json = boost::json;
using kb_testing::expect_error;
using namespace std::chrono_literals;

class SourceServiceTest : public kb_testing::KbTest {
 protected:
  void SetUp() override {
    KbTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    bot_ = make_bot();
  }

  Result<SourceView> add_text(const std::string& title, const std::string& text,
                              std::optional<std::string> external_id = {}) {
    clock_.advance(1ms);
    return kb_->sources.add_text(ws_, bot_, {title, text, std::move(external_id), {}}, actor());
  }

  int64_t sources_stored() { return scalar("SELECT count(*) FROM sources"); }
  int64_t contents_stored() { return scalar("SELECT count(*) FROM source_contents"); }

  std::string bot_;
};

// `count` text lines with external ids doc-0, doc-1...; `variant` changes every text.
std::string text_lines(int count, const std::string& variant) {
  std::string jsonl;
  for (int i = 0; i < count; ++i) {
    json::object line{{"type", "text"},
                      {"title", "Article " + std::to_string(i)},
                      {"text", "Article " + std::to_string(i) + " says " + variant + "."},
                      {"external_id", "doc-" + std::to_string(i)}};
    jsonl += json::serialize(line) + "\n";
  }
  return jsonl;
}

TEST_P(SourceServiceTest, EveryKindIsQueuedAndListed) {
  auto text = kb_->sources.add_text(
      ws_, bot_, {"Returns", "Within 30 days.", "kb-7", "https://shop.example.com/returns"},
      actor());
  ASSERT_TRUE(text.ok()) << text.error().message;
  clock_.advance(1ms);
  auto qa =
      kb_->sources.add_qa(ws_, bot_, {"Do you ship abroad?", "Yes, to the EU.", {}, {}}, actor());
  ASSERT_TRUE(qa.ok()) << qa.error().message;
  clock_.advance(1ms);
  std::string pdf = test::make_pdf({"Price list"});
  auto file = kb_->sources.add_file(ws_, bot_, {"uploads/prices.pdf", pdf}, actor());
  ASSERT_TRUE(file.ok()) << file.error().message;
  clock_.advance(1ms);
  auto site = kb_->sources.add_website(ws_, bot_, {"https://docs.example.com/", 5, 1, {}}, actor());
  ASSERT_TRUE(site.ok()) << site.error().message;

  EXPECT_EQ(text->kind, "text");
  EXPECT_EQ(text->title, "Returns");
  EXPECT_EQ(text->url, std::optional<std::string>("https://shop.example.com/returns"));
  EXPECT_EQ(text->external_id, std::optional<std::string>("kb-7"));
  EXPECT_EQ(text->byte_size, 15);
  EXPECT_EQ(qa->kind, "qa");
  EXPECT_EQ(qa->title, "Do you ship abroad?");
  EXPECT_EQ(file->kind, "file");
  EXPECT_EQ(file->title, "prices.pdf");
  EXPECT_EQ(file->file_type, std::optional<std::string>("pdf"));
  EXPECT_EQ(file->byte_size, static_cast<int64_t>(pdf.size()));
  EXPECT_EQ(site->kind, "url");
  EXPECT_EQ(site->url, std::optional<std::string>("https://docs.example.com/"));
  json::value options = json::parse(site->options);
  EXPECT_EQ(options.at("max_pages"), json::value(5));
  EXPECT_EQ(options.at("max_depth"), json::value(1));

  std::vector<std::string> expected = {text->id, qa->id, file->id, site->id};
  std::vector<std::string> listed;
  std::string cursor;
  while (true) {
    auto page = kb_->sources.list(ws_, bot_, cursor, 3);
    ASSERT_TRUE(page.ok()) << page.error().message;
    for (const SourceView& source : page->sources) {
      EXPECT_EQ(source.status, "queued");
      EXPECT_EQ(source.chunk_count, 0);
      listed.push_back(source.id);
    }
    if (!page->next_cursor) break;
    cursor = *page->next_cursor;
  }
  EXPECT_EQ(listed, expected);
  EXPECT_EQ(source(bot_, qa->id).title, "Do you ship abroad?");
}

TEST_P(SourceServiceTest, ContentTitleAndUrlAreSealed) {
  auto text = kb_->sources.add_text(
      ws_, bot_,
      {"Quokka Handbook", "The secret recipe uses cardamom.", {}, "https://intranet.example/q"},
      actor());
  ASSERT_TRUE(text.ok()) << text.error().message;
  std::string content = raw("SELECT * FROM source_contents");
  EXPECT_NE(content.find(text->id), std::string::npos);
  EXPECT_EQ(content.find("cardamom"), std::string::npos);
  std::string row = raw("SELECT * FROM sources");
  EXPECT_NE(row.find(text->id), std::string::npos);
  EXPECT_EQ(row.find("Quokka"), std::string::npos);
  EXPECT_EQ(row.find("intranet.example"), std::string::npos);
}

TEST_P(SourceServiceTest, UnreadableFileIsRefusedBeforeAnythingIsStored) {
  expect_error(kb_->sources.add_file(ws_, bot_, {"notes.txt", test::make_png(16, 16)}, actor()),
               ErrorCode::unsupported_media, "notes.txt");
  expect_error(kb_->sources.add_file(ws_, bot_, {"empty.txt", ""}, actor()),
               ErrorCode::invalid_argument, "empty");
  EXPECT_EQ(sources_stored(), 0);
  EXPECT_EQ(contents_stored(), 0);
}

TEST_P(SourceServiceTest, UploadLargerThanTheLimitIsRefused) {
  config_.max_upload_bytes = 1000;
  expect_error(kb_->sources.add_file(ws_, bot_, {"big.txt", std::string(1001, 'a')}, actor()),
               ErrorCode::payload_too_large, "kb.max_upload_bytes");
  EXPECT_EQ(sources_stored(), 0);
  EXPECT_TRUE(kb_->sources.add_file(ws_, bot_, {"ok.txt", std::string(1000, 'a')}, actor()).ok());
}

TEST_P(SourceServiceTest, SourceCountLimitIsPerBot) {
  config_.max_sources_per_bot = 2;
  ASSERT_TRUE(add_text("One", "1").ok());
  ASSERT_TRUE(add_text("Two", "2").ok());
  expect_error(add_text("Three", "3"), ErrorCode::conflict, "kb.max_sources_per_bot");
  expect_error(kb_->sources.add_qa(ws_, bot_, {"Q?", "A.", {}, {}}, actor()), ErrorCode::conflict);
  expect_error(kb_->sources.add_bulk(ws_, bot_, "{\"title\":\"T\",\"text\":\"t\"}\n", actor()),
               ErrorCode::conflict, "kb.max_sources_per_bot");
  EXPECT_EQ(sources_stored(), 2);
  EXPECT_EQ(contents_stored(), 2);

  std::string other = make_bot("Other");
  EXPECT_TRUE(kb_->sources.add_text(ws_, other, {"Three", "3", {}, {}}, actor()).ok());
}

TEST_P(SourceServiceTest, ByteLimitIsPerBot) {
  config_.max_bytes_per_bot = 100;
  ASSERT_TRUE(add_text("First", std::string(60, 'a')).ok());
  expect_error(add_text("Second", std::string(41, 'b')), ErrorCode::conflict,
               "kb.max_bytes_per_bot");
  ASSERT_TRUE(add_text("Second", std::string(40, 'b')).ok());
  EXPECT_EQ(sources_stored(), 2);
}

TEST_P(SourceServiceTest, ExternalIdIsUniqueWithinABot) {
  ASSERT_TRUE(add_text("Hours", "9 to 5.", "faq-1").ok());
  expect_error(add_text("Hours again", "10 to 6.", "faq-1"), ErrorCode::conflict, "external_id");
  expect_error(kb_->sources.add_qa(ws_, bot_, {"Open?", "Yes.", {}, "faq-1"}, actor()),
               ErrorCode::conflict, "external_id");
  EXPECT_EQ(sources_stored(), 1);
  std::string other = make_bot("Other");
  EXPECT_TRUE(kb_->sources.add_text(ws_, other, {"Hours", "9 to 5.", "faq-1", {}}, actor()).ok());
  // Sources without an external_id never collide.
  EXPECT_TRUE(add_text("Plain", "a").ok());
  EXPECT_TRUE(add_text("Plain", "a").ok());
}

TEST_P(SourceServiceTest, BulkImportCreatesThenUpdatesKeepingIds) {
  auto first = kb_->sources.add_bulk(ws_, bot_, text_lines(5000, "hello"), actor());
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->created, 5000);
  EXPECT_EQ(first->updated, 0);
  ASSERT_EQ(first->items.size(), 5000u);
  std::set<std::string> ids;
  for (const BulkItem& item : first->items) {
    EXPECT_TRUE(item.created);
    ids.insert(item.id);
  }
  EXPECT_EQ(ids.size(), 5000u);
  EXPECT_EQ(first->items[42].external_id, std::optional<std::string>("doc-42"));
  EXPECT_EQ(sources_stored(), 5000);
  EXPECT_EQ(contents_stored(), 5000);
  EXPECT_EQ(source(bot_, first->items[42].id).title, "Article 42");

  clock_.advance(1s);
  auto second = kb_->sources.add_bulk(ws_, bot_, text_lines(5000, "goodbye forever"), actor());
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->created, 0);
  EXPECT_EQ(second->updated, 5000);
  ASSERT_EQ(second->items.size(), 5000u);
  for (size_t i = 0; i < second->items.size(); ++i) {
    EXPECT_FALSE(second->items[i].created);
    ASSERT_EQ(second->items[i].id, first->items[i].id) << "line " << i + 1;
  }
  EXPECT_EQ(sources_stored(), 5000);
  EXPECT_EQ(contents_stored(), 5000);
  SourceView updated = source(bot_, first->items[42].id);
  EXPECT_EQ(updated.byte_size,
            static_cast<int64_t>(std::string("Article 42 says goodbye forever.").size()));
  EXPECT_EQ(updated.status, "queued");
}

TEST_P(SourceServiceTest, BulkImportWithABadLineStoresNothing) {
  std::string jsonl = text_lines(3, "fine");
  jsonl += "{\"type\":\"qa\",\"question\":\"Where is the answer?\"}\n";
  jsonl += text_lines(2, "also fine");
  expect_error(kb_->sources.add_bulk(ws_, bot_, jsonl, actor()), ErrorCode::invalid_argument,
               "line 4: answer");
  EXPECT_EQ(sources_stored(), 0);
  EXPECT_EQ(contents_stored(), 0);
}

TEST_P(SourceServiceTest, BulkImportWithARepeatedExternalIdStoresNothing) {
  std::string jsonl = text_lines(3, "once") + text_lines(1, "twice");
  expect_error(kb_->sources.add_bulk(ws_, bot_, jsonl, actor()), ErrorCode::invalid_argument,
               "\"doc-0\" appears on more than one line");
  EXPECT_EQ(sources_stored(), 0);
}

TEST_P(SourceServiceTest, BulkImportMixesNewAndKnownExternalIds) {
  auto existing = add_text("Old", "Old text.", "doc-1");
  ASSERT_TRUE(existing.ok());
  auto imported = kb_->sources.add_bulk(
      ws_, bot_, text_lines(3, "new") + "{\"question\":\"Gift cards?\",\"answer\":\"Yes.\"}\n",
      actor());
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  EXPECT_EQ(imported->created, 3);
  EXPECT_EQ(imported->updated, 1);
  EXPECT_EQ(imported->items[1].id, existing->id);
  EXPECT_FALSE(imported->items[1].created);
  EXPECT_EQ(source(bot_, existing->id).title, "Article 1");
  EXPECT_EQ(source(bot_, imported->items[3].id).kind, "qa");
  EXPECT_EQ(sources_stored(), 4);
}

// Known bug (source_service.cpp:189): a line that replaces a source adds nothing to
// new_bytes, so re-importing known external_ids with larger texts passes
// kb.max_bytes_per_bot. Enable once replaced sources count their growth.
TEST_P(SourceServiceTest, BulkReplacementsCountAgainstTheByteLimit) {
  config_.max_bytes_per_bot = 1000;
  auto small = [](char fill) {
    return "{\"title\":\"T\",\"text\":\"" + std::string(100, fill) + "\",\"external_id\":\"a\"}\n";
  };
  ASSERT_TRUE(kb_->sources.add_bulk(ws_, bot_, small('a'), actor()).ok());
  std::string big =
      "{\"title\":\"T\",\"text\":\"" + std::string(5000, 'b') + "\",\"external_id\":\"a\"}\n";
  expect_error(kb_->sources.add_bulk(ws_, bot_, big, actor()), ErrorCode::conflict,
               "kb.max_bytes_per_bot");
  EXPECT_EQ(scalar("SELECT COALESCE(SUM(byte_size), 0) FROM sources"), 100);
}

TEST_P(SourceServiceTest, WebsiteIsCheckedWhenAdded) {
  crawl_.max_pages = 50;
  expect_error(kb_->sources.add_website(ws_, bot_, {"docs.example.com", {}, {}, {}}, actor()),
               ErrorCode::invalid_argument, "url:");
  expect_error(
      kb_->sources.add_website(ws_, bot_, {"https://admin@docs.example.com/", {}, {}, {}}, actor()),
      ErrorCode::invalid_argument, "url:");
  expect_error(
      kb_->sources.add_website(ws_, bot_, {"https://docs.example.com/", 51, {}, {}}, actor()),
      ErrorCode::invalid_argument, "crawl.max_pages");
  EXPECT_EQ(sources_stored(), 0);
  auto ok = kb_->sources.add_website(ws_, bot_, {"https://docs.example.com/", 50, {}, {}}, actor());
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->status, "queued");
}

TEST_P(SourceServiceTest, AnotherWorkspacesBotIsNotFound) {
  auto mine = add_text("Mine", "Private text.");
  ASSERT_TRUE(mine.ok());
  std::string theirs_ws = other_workspace();
  std::string theirs = make_bot("Theirs", theirs_ws);
  Actor them = Actor::user("usr_other");

  // Their workspace naming my bot, and my workspace naming their bot.
  for (auto [ws, bot] : {std::pair{theirs_ws, bot_}, std::pair{ws_, theirs}}) {
    expect_error(kb_->sources.add_text(ws, bot, {"T", "t", {}, {}}, them), ErrorCode::not_found);
    expect_error(kb_->sources.add_bulk(ws, bot, text_lines(1, "x"), them), ErrorCode::not_found);
    expect_error(kb_->sources.list(ws, bot, "", 10), ErrorCode::not_found);
    expect_error(kb_->sources.get(ws, bot, mine->id), ErrorCode::not_found);
    expect_error(kb_->sources.chunks(ws, bot, mine->id, "", 10), ErrorCode::not_found);
    expect_error(kb_->sources.resync(ws, bot, mine->id, them), ErrorCode::not_found);
    expect_error(kb_->sources.remove(ws, bot, mine->id, them), ErrorCode::not_found);
  }
  EXPECT_EQ(sources_stored(), 1);
  EXPECT_EQ(source(bot_, mine->id).title, "Mine");

  // Another bot of the same workspace does not reach my bot's sources either.
  std::string sibling = make_bot("Sibling");
  expect_error(kb_->sources.get(ws_, sibling, mine->id), ErrorCode::not_found, "source");
  expect_error(kb_->sources.remove(ws_, sibling, mine->id, actor()), ErrorCode::not_found);
}

TEST_P(SourceServiceTest, ChangesAreAudited) {
  auto text = add_text("Audited", "Text.");
  ASSERT_TRUE(text.ok());
  ASSERT_TRUE(kb_->sources.add_bulk(ws_, bot_, text_lines(2, "x"), actor()).ok());
  ASSERT_TRUE(kb_->sources.remove(ws_, bot_, text->id, actor()).ok());
  std::vector<std::string> actions;
  for (const std::string& action : audit_actions()) {
    if (action.rfind("source.", 0) == 0) actions.push_back(action);
  }
  EXPECT_EQ(actions,
            (std::vector<std::string>{"source.created", "source.imported", "source.deleted"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, SourceServiceTest, ::testing::Values("sqlite", "postgres"),
                         store_testing::backend_name);

}  // namespace
}  // namespace parley
