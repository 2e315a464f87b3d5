// Search over a bot's chunks on SQLite and PostgreSQL: the index is built from the store at
// first use, follows sources as they are processed and deleted, gives the same ranking as a
// fresh build, and is evicted under its memory cap and rebuilt without anyone noticing.
#include "kb/search_service.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "kb/kb_test_fixture.h"

namespace parley {
namespace {

using namespace std::chrono_literals;

class SearchServiceTest : public kb_testing::KbTest {
 protected:
  void SetUp() override {
    KbTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    bot_ = make_bot();
  }

  std::vector<std::string> ids(const Result<std::vector<SearchResult>>& results) {
    std::vector<std::string> out;
    EXPECT_TRUE(results.ok()) << results.error().message;
    if (results.ok()) {
      for (const SearchResult& r : *results) out.push_back(r.chunk_id);
    }
    return out;
  }

  // A service of its own: built from the store alone, with the given memory cap.
  std::unique_ptr<SearchService> fresh(size_t cap = size_t{1} << 30) {
    return std::make_unique<SearchService>(KbContext{*store_, *keyring_, clock_, config_, crawl_},
                                           cap, kb_->embedder);
  }

  std::string bot_;
};

TEST_P(SearchServiceTest, FindsProcessedSourcesAndForgetsDeletedOnes) {
  std::string refunds = add_text(bot_, "Refunds", "A refund is paid within 14 days.");
  add_text(bot_, "Shipping", "Parcels travel for three days.");
  auto found = kb_->search.search(ws_, bot_, "refunds", 5);
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_FALSE(found->empty());
  EXPECT_EQ(found->front().source.id, refunds);
  EXPECT_EQ(found->front().source.title, "Refunds");
  EXPECT_NE(found->front().text.find("14 days"), std::string::npos);

  // A source processed after the index was built is found; a deleted one is gone at once.
  std::string later = add_text(bot_, "Gift cards", "Gift cards never expire.");
  auto gift = kb_->search.search(ws_, bot_, "gift cards", 5);
  ASSERT_TRUE(gift.ok());
  ASSERT_FALSE(gift->empty());
  EXPECT_EQ(gift->front().source.id, later);
  ASSERT_TRUE(kb_->sources.remove(ws_, bot_, refunds, actor()).ok());
  auto after = kb_->search.search(ws_, bot_, "refund paid within 14 days", 10);
  ASSERT_TRUE(after.ok());
  for (const SearchResult& r : *after) EXPECT_NE(r.source.id, refunds);
}

TEST_P(SearchServiceTest, UpdatesInPlaceRankLikeAFreshBuild) {
  add_text(bot_, "Returns", "Return an item within 30 days for a refund.");
  ASSERT_TRUE(kb_->search.search(ws_, bot_, "refund", 10).ok());  // built now
  add_text(bot_, "Refund speed", "Refunds reach your card in five days.");
  std::string gone = add_text(bot_, "Old refund rules", "Refunds took a month, once.");
  ASSERT_TRUE(kb_->sources.remove(ws_, bot_, gone, actor()).ok());

  auto kept = kb_->search.search(ws_, bot_, "refund days", 10);
  auto rebuilt = fresh()->search(ws_, bot_, "refund days", 10);
  ASSERT_TRUE(kept.ok() && rebuilt.ok());
  ASSERT_EQ(kept->size(), rebuilt->size());
  for (size_t i = 0; i < kept->size(); ++i) {
    EXPECT_EQ((*kept)[i].chunk_id, (*rebuilt)[i].chunk_id) << i;
    EXPECT_NEAR((*kept)[i].score, (*rebuilt)[i].score, 1e-9) << i;
  }
}

TEST_P(SearchServiceTest, EvictedIndexesAreRebuiltOnNextUse) {
  std::string other = make_bot("Second bot");
  add_text(bot_, "Hours", "We open at nine.");
  add_text(other, "Parking", "Parking is free after six.");
  auto small = fresh(/*cap=*/1);  // every index is over the cap: only the last one used stays
  auto first = ids(small->search(ws_, bot_, "open nine", 5));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(small->loaded_bots(), 1u);
  ASSERT_EQ(ids(small->search(ws_, other, "parking", 5)).size(), 1u);
  EXPECT_EQ(small->loaded_bots(), 1u);                              // the first bot's index went
  EXPECT_EQ(ids(small->search(ws_, bot_, "open nine", 5)), first);  // and comes back the same
  EXPECT_GT(small->memory_bytes(), 0u);
}

TEST_P(SearchServiceTest, OddQueriesAnswerWithoutError) {
  add_text(bot_, "Hours", "We open at nine.");
  for (const std::string& query : {std::string(), std::string(10 * 1024, 'x'),
                                   std::string("\xF0\x9F\x98\x80 \xD8\xA7\xD9\x84 \xFF\xFE"),
                                   std::string("((( OR AND NOT \"")}) {
    EXPECT_TRUE(kb_->search.search(ws_, bot_, query, 10).ok());
  }
  EXPECT_FALSE(kb_->search.search(other_workspace(), bot_, "nine", 10).ok());
}

TEST_P(SearchServiceTest, SynonymsFromTheBotsSettingsApplyAtOnce) {
  std::string money_back = add_text(bot_, "Returns", "We give your money back within 14 days.");
  add_text(bot_, "Shipping", "Parcels travel for three days.");
  auto before = kb_->search.search(ws_, bot_, "reimbursement", 5);
  ASSERT_TRUE(before.ok());
  EXPECT_TRUE(before->empty());

  BotInput change;
  change.settings =
      boost::json::parse(R"({"synonyms":[["reimbursement","money back"]]})").as_object();
  ASSERT_TRUE(kb_->bots.update(ws_, bot_, change, actor()).ok());
  auto after = kb_->search.search(ws_, bot_, "reimbursement", 5);
  ASSERT_TRUE(after.ok()) << after.error().message;
  ASSERT_FALSE(after->empty());
  EXPECT_EQ(after->front().source.id, money_back);
}

TEST_P(SearchServiceTest, MetricsShowEachLoadedIndexAndTheCap) {
  add_text(bot_, "Returns", "Return an item within 30 days for a refund.");
  auto service = fresh(size_t{64} << 20);
  ASSERT_TRUE(service->search(ws_, bot_, "refund", 5).ok());
  std::string metrics;
  service->render_metrics(metrics);
  const std::string line = "parley_search_index_bytes{bot_id=\"" + bot_ + "\"} ";
  const size_t at = metrics.find(line);
  ASSERT_NE(at, std::string::npos) << metrics;
  EXPECT_EQ(std::stoull(metrics.substr(at + line.size())), service->memory_bytes());
  EXPECT_GT(service->memory_bytes(), 0u);
  EXPECT_NE(metrics.find("parley_search_memory_cap_bytes 67108864"), std::string::npos);
}

TEST_P(SearchServiceTest, NeighboursAreTheChunksBesideAHitInItsSource) {
  // A text long enough for several chunks; one word only in the third sentence group.
  std::string text;
  for (int i = 0; i < 60; ++i) {
    text += "Sentence " + std::to_string(i) + " explains the return policy in plain words. ";
    if (i == 40) text += "Flamingos are pink because of what they eat. ";
  }
  std::string long_doc = add_text(bot_, "Returns", text);
  std::string short_doc = add_text(bot_, "Birds", "Flamingos stand on one leg.");
  auto chunks = chunks_of(bot_, long_doc);
  ASSERT_GE(chunks.size(), 3u);

  auto found = kb_->search.search(ws_, bot_, "flamingos pink", 5);
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_EQ(found->size(), 2u);
  ASSERT_EQ(found->front().source.id, long_doc);
  auto context = kb_->search.neighbours(ws_, bot_, *found, 1);
  ASSERT_TRUE(context.ok()) << context.error().message;
  ASSERT_EQ(context->size(), 2u);
  const HitNeighbours& around = (*context)[0];
  ASSERT_LT(around.position, chunks.size());
  EXPECT_EQ(chunks[around.position].id, found->front().chunk_id);
  ASSERT_EQ(around.before.size(), around.position > 0 ? 1u : 0u);
  if (!around.before.empty()) {
    EXPECT_EQ(around.before[0].chunk_id, chunks[around.position - 1].id);
    EXPECT_EQ(around.before[0].position, around.position - 1);
    EXPECT_EQ(around.before[0].text, chunks[around.position - 1].body.text);
  }
  ASSERT_EQ(around.after.size(), around.position + 1 < chunks.size() ? 1u : 0u);
  if (!around.after.empty()) {
    EXPECT_EQ(around.after[0].chunk_id, chunks[around.position + 1].id);
  }
  // A source of one chunk has no neighbours; none are asked for with 0 on each side.
  EXPECT_TRUE((*context)[1].before.empty() && (*context)[1].after.empty());
  auto none = kb_->search.neighbours(ws_, bot_, *found, 0);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE((*none)[0].before.empty() && (*none)[0].after.empty());
  // Another workspace's bot is not found.
  EXPECT_FALSE(kb_->search.neighbours("ws_other", bot_, *found, 1).ok());
}

TEST_P(SearchServiceTest, AHitsWholeTextComesWithTheSentenceAnalysisItsIndexKeeps) {
  add_text(bot_, "Refunds", "A refund is paid within 14 days. Ask the shop first.");
  auto found = kb_->search.search(ws_, bot_, "refund", 5);
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_EQ(found->size(), 1u);
  const SearchResult& hit = found->front();
  auto kept = kb_->search.analysis(ws_, bot_, {hit.chunk_id, hit.text, hit.source.title});
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(*kept, analyse_passage(hit.text, "Refunds", Analyzer("en")));
  EXPECT_EQ(kept->sentences.size(), 2u);
  // Not one chunk's text (joined chunks): the answerer analyses it.
  const std::string joined = hit.text + "\n\nAnother chunk's text.";
  EXPECT_EQ(kb_->search.analysis(ws_, bot_, {hit.chunk_id, joined, "Refunds"}), nullptr);
  EXPECT_EQ(kb_->search.analysis(ws_, bot_, {"chk_unknown", hit.text, "Refunds"}), nullptr);
  // Another workspace's bot is not found.
  EXPECT_EQ(kb_->search.analysis("ws_other", bot_, {hit.chunk_id, hit.text, "Refunds"}), nullptr);
}

INSTANTIATE_TEST_SUITE_P(Backends, SearchServiceTest, ::testing::Values("sqlite", "postgres"),
                         store_testing::backend_name);

}  // namespace
}  // namespace parley
