#include "search/search_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace parley {
namespace {

class SearchIndexTest : public testing::Test {
 protected:
  std::shared_ptr<const Analyzer> analyzer_ = std::make_shared<const Analyzer>("en");
  SearchIndex index_{analyzer_};

  void add(const std::string& id, const std::string& body, const std::string& title = "",
           const std::string& source = "src_1") {
    index_.add(ChunkText{id, source, title, "", body, ""});
  }
  std::vector<std::string> ids(std::string_view query, SearchOptions options = {}) {
    std::vector<std::string> out;
    for (const auto& hit : index_.search(query, options)) out.push_back(hit.chunk_id);
    return out;
  }
};

TEST_F(SearchIndexTest, FindsOtherWordForms) {
  add("a", "How to get a refund for your order");
  add("b", "Shipping takes three days");
  EXPECT_EQ(ids("refunds"), std::vector<std::string>{"a"});
  EXPECT_EQ(ids("Refunding"), std::vector<std::string>{"a"});
}

TEST_F(SearchIndexTest, ToleratesTypos) {
  add("a", "Reset your password from the login page");
  add("b", "Our office opens at nine");
  const auto hits = index_.search("pasword", {});
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].chunk_id, "a");
  EXPECT_EQ(hits[0].matched_terms, std::vector<std::string>{"password"});
  EXPECT_EQ(ids("paswrod reset"), std::vector<std::string>{"a"});  // swap and deletion: 2 edits
  SearchOptions exact;
  exact.typo_tolerance = false;
  EXPECT_TRUE(ids("pasword", exact).empty());
  EXPECT_TRUE(ids("opns").empty());  // 4 letters: too short to guess "opens"
}

TEST_F(SearchIndexTest, TitleMatchBeatsBodyMatch) {
  add("body", "a note about invoices and other things we send", "General");
  add("title", "a note about payments and other things we send", "Invoices");
  EXPECT_EQ(ids("invoices"), (std::vector<std::string>{"title", "body"}));
}

TEST_F(SearchIndexTest, AdjacentWordsBeatScatteredOnes) {
  add("scattered", "the credit union offers a card with no fee for students");
  add("phrase", "the union offers a credit card with no fee for students");
  const auto hits = index_.search("credit card", {});
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].chunk_id, "phrase");
  EXPECT_GT(hits[0].score, hits[1].score);
}

TEST_F(SearchIndexTest, FindsIdentifiersWhole) {
  add("a", "Error E-1042 means the card was declined");
  add("b", "Error E-1043 means the card expired");
  add("c", "Page 1042 of the manual");
  // "1042" alone may find page 1042 too, but the whole identifier ranks first, and a
  // neighbouring code is not mistaken for a typo.
  auto found = ids("E-1042");
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.front(), "a");
  EXPECT_EQ(std::count(found.begin(), found.end(), "b"), 0);
  found = ids("what is e-1043?");
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.front(), "b");
  EXPECT_EQ(std::count(found.begin(), found.end(), "a"), 0);
}

TEST_F(SearchIndexTest, FiltersBySource) {
  add("a", "opening hours of the shop", "", "src_1");
  add("b", "opening hours of the office", "", "src_2");
  SearchOptions options;
  options.source_ids = {"src_2"};
  EXPECT_EQ(ids("opening hours", options), std::vector<std::string>{"b"});
  options.source_ids = {"src_unknown"};
  EXPECT_TRUE(ids("opening hours", options).empty());
}

TEST_F(SearchIndexTest, SynonymsWorkBothWays) {
  add("a", "You can cancel your subscription at any time");
  add("b", "Terminate the contract by letter");
  index_.set_synonyms({{"cancel", {"terminate"}}});
  EXPECT_EQ(ids("terminate subscription").front(), "a");
  const auto hits = index_.search("cancel", {});
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].chunk_id, "a");  // the word itself beats its synonym
  EXPECT_EQ(hits[1].matched_terms, std::vector<std::string>{"terminate"});
}

TEST_F(SearchIndexTest, AnswersOddQueriesWithoutError) {
  add("a", "Plain text about shipping");
  EXPECT_TRUE(index_.search("", {}).empty());
  EXPECT_TRUE(index_.search("   ?!  ", {}).empty());
  std::string long_query;
  while (long_query.size() < 10 * 1024) long_query += "shipping questions and answers ";
  EXPECT_EQ(ids(long_query), std::vector<std::string>{"a"});
  EXPECT_NO_THROW(
      index_.search("\xF0\x9F\x98\x80 \xE2\x80\x8B \xCC\x81\xCC\x81 \xFF\xFE 日本語", {}));
  SearchOptions none;
  none.limit = 0;
  EXPECT_TRUE(index_.search("shipping", none).empty());
}

TEST_F(SearchIndexTest, RemovingAndReplacing) {
  add("a", "parcel tracking number");
  index_.remove("unknown");
  EXPECT_EQ(index_.size(), 1u);
  add("a", "gift cards never expire");
  EXPECT_EQ(index_.size(), 1u);
  EXPECT_TRUE(ids("parcel").empty());
  EXPECT_EQ(ids("gift card"), std::vector<std::string>{"a"});
  index_.remove("a");
  EXPECT_EQ(index_.size(), 0u);
  EXPECT_TRUE(ids("gift").empty());
}

// Chunks from a small word list, so that terms are shared and document frequencies matter.
std::vector<ChunkText> random_chunks(size_t count, std::mt19937& random) {
  static const char* kWords[] = {"refund",  "order",   "shipping", "password", "account",
                                 "invoice", "payment", "card",     "delivery", "return",
                                 "login",   "email",   "address",  "parcel",   "discount",
                                 "voucher", "support", "contract", "cancel",   "upgrade"};
  std::uniform_int_distribution<size_t> word(0, std::size(kWords) - 1), length(1, 40);
  std::vector<ChunkText> chunks;
  for (size_t i = 0; i < count; ++i) {
    ChunkText chunk{"chunk_" + std::to_string(i), "src_" + std::to_string(i % 3), "", "", "", ""};
    for (size_t n = length(random) / 8; n > 0; --n)
      chunk.title += std::string(kWords[word(random)]) + " ";
    for (size_t n = length(random); n > 0; --n)
      chunk.body += std::string(kWords[word(random)]) + " ";
    chunks.push_back(std::move(chunk));
  }
  return chunks;
}

TEST_F(SearchIndexTest, IncrementalChangesRankLikeAFreshBuild) {
  std::mt19937 random(7);
  auto chunks = random_chunks(1200, random);
  // Incremental: everything in, then a third removed and some replaced, in random order.
  for (const auto& chunk : chunks) index_.add(chunk);
  std::vector<size_t> order(chunks.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), random);
  std::vector<bool> kept(chunks.size(), true);
  for (size_t i = 0; i < 400; ++i) {
    index_.remove(chunks[order[i]].chunk_id);
    kept[order[i]] = false;
  }
  auto replacements = random_chunks(100, random);
  for (size_t i = 0; i < 100; ++i) {
    chunks[order[400 + i]].body = replacements[i].body;
    index_.add(chunks[order[400 + i]]);
  }
  SearchIndex fresh(analyzer_);
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (kept[i]) fresh.add(chunks[i]);
  }
  ASSERT_EQ(index_.size(), fresh.size());
  ASSERT_EQ(index_.size(), 800u);

  SearchOptions options;
  options.limit = 100;
  for (const char* query : {"refund order", "shipping password card", "login email address",
                            "cancel contract upgrade", "voucher", "support delivery return"}) {
    const auto a = index_.search(query, options);
    const auto b = fresh.search(query, options);
    ASSERT_EQ(a.size(), b.size()) << query;
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].chunk_id, b[i].chunk_id) << query << " #" << i;
      EXPECT_NEAR(a[i].score, b[i].score, 1e-9) << query << " #" << i;
    }
  }
}

TEST_F(SearchIndexTest, MemoryIsAccounted) {
  const size_t empty = index_.memory_bytes();
  std::mt19937 random(1);
  for (const auto& chunk : random_chunks(500, random)) index_.add(chunk);
  EXPECT_GT(index_.memory_bytes(), empty + 500 * 20);
}

TEST_F(SearchIndexTest, KeepsEachChunksSentenceAnalysisAsAnalysingItsBodyGives) {
  const std::vector<std::string> bodies = {
      "Refunds take five days. Dr. Smith approves them, e.g. for orders over 3.5 kg!",
      "Order E-1042 ships from the Zürich warehouse. Café hours: 9-17.\n\nAsk us anything?",
      "One sentence without an end", ""};
  for (size_t i = 0; i < bodies.size(); ++i) add("c" + std::to_string(i), bodies[i]);
  for (size_t i = 0; i < bodies.size(); ++i) {
    auto kept = index_.passage_analysis("c" + std::to_string(i), "Shipping & Returns");
    ASSERT_NE(kept, nullptr) << bodies[i];
    EXPECT_EQ(*kept, analyse_passage(bodies[i], "Shipping & Returns", *analyzer_)) << bodies[i];
  }
  EXPECT_FALSE(index_.passage_analysis("c0", "")->vocabulary.empty());

  // None for a chunk not indexed (any more) or a Q&A pair (answered whole).
  EXPECT_EQ(index_.passage_analysis("missing", ""), nullptr);
  index_.remove("c0");
  EXPECT_EQ(index_.passage_analysis("c0", ""), nullptr);
  index_.add(ChunkText{"qa", "src_1", "", "", "Five days.", "How long do refunds take?"});
  EXPECT_EQ(index_.passage_analysis("qa", ""), nullptr);
  // A chunk added again under its id has its new text's analysis.
  add("c1", "Now it is one new sentence.");
  EXPECT_EQ(*index_.passage_analysis("c1", ""),
            analyse_passage("Now it is one new sentence.", "", *analyzer_));
}

}  // namespace
}  // namespace parley
