// Hybrid search on SQLite and PostgreSQL against a real embeddings server on loopback:
// a query that shares no word with the right passage finds it only with vectors; vectors
// are cached by content hash, sealed, and go with their source and bot; an endpoint that
// is down costs neither the source nor the search.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstring>

#include "kb/kb_test_fixture.h"
#include "tests/support/test_embeddings_server.h"

namespace parley {
namespace {

using namespace std::chrono_literals;
using test::TestEmbeddingsServer;

class HybridSearchTest : public kb_testing::KbTest {
 protected:
  void SetUp() override {
    config_.embeddings_retry_base_ms = 1;  // the real sleep, kept short
    config_.embeddings_retry_cap_ms = 5;
    KbTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    bot_ = make_bot("Hybrid bot");
    set_embeddings(bot_, embeddings_.base_url(), TestEmbeddingsServer::kApiKey);
  }

  void set_embeddings(const std::string& bot, const std::string& url, const std::string& key) {
    BotInput input;
    input.settings = boost::json::parse(R"({"embeddings":{"base_url":")" + url +
                                        R"(","model":"test-embed-1","api_key":")" + key + "\"}}")
                         .as_object();
    auto updated = kb_->bots.update(ws_, bot, input, actor());
    ASSERT_TRUE(updated.ok()) << updated.error().message;
  }

  void add_corpus(const std::string& bot) {
    refunds_ = add_text(bot, "Money matters", "Refunds are paid back to your card within 14 days.");
    add_text(bot, "Warehouse", "Parcels leave our warehouse every morning.");
    add_text(bot, "Opening hours", "The shop opens at nine and closes at six.");
  }

  std::vector<std::string> sources_found(const std::string& bot, const std::string& query) {
    auto results = kb_->search.search(ws_, bot, query, 10);
    EXPECT_TRUE(results.ok()) << results.error().message;
    std::vector<std::string> out;
    if (results.ok()) {
      for (const SearchResult& r : *results) out.push_back(r.source.id);
    }
    return out;
  }

  int64_t vectors_stored() { return scalar("SELECT COUNT(*) FROM embeddings"); }

  TestEmbeddingsServer embeddings_;
  std::string bot_;
  std::string refunds_;
};

TEST_P(HybridSearchTest, FindsAPassageThatSharesNoWordWithTheQuery) {
  add_corpus(bot_);
  std::string lexical_bot = make_bot("Lexical bot");
  add_text(lexical_bot, "Money matters", "Refunds are paid back to your card within 14 days.");

  // "reimbursement" appears nowhere: BM25 alone finds nothing.
  EXPECT_TRUE(sources_found(lexical_bot, "reimbursement").empty());
  auto hybrid = kb_->search.search(ws_, bot_, "reimbursement", 10);
  ASSERT_TRUE(hybrid.ok()) << hybrid.error().message;
  ASSERT_FALSE(hybrid->empty());
  EXPECT_EQ(hybrid->front().source.id, refunds_);
  EXPECT_NE(hybrid->front().text.find("14 days"), std::string::npos);
  EXPECT_GT(hybrid->front().score, 0);
  EXPECT_TRUE(hybrid->front().highlights.empty());  // found by its vector alone
  EXPECT_EQ(kb_->search.vector_count(bot_), 3u);

  // Words BM25 knows still lead, now with fused scores and their highlights.
  auto lexical = kb_->search.search(ws_, bot_, "parcels warehouse", 10);
  ASSERT_TRUE(lexical.ok());
  ASSERT_FALSE(lexical->empty());
  EXPECT_EQ(lexical->front().text, "Parcels leave our warehouse every morning.");
  EXPECT_FALSE(lexical->front().highlights.empty());
  EXPECT_NEAR(lexical->front().score, 2.0 / 61, 1e-9);  // first in both rankings
}

TEST_P(HybridSearchTest, EmbedsEachTextOnceByContentHash) {
  std::string first = add_text(bot_, "Money matters", "Refunds are paid within 14 days.");
  EXPECT_EQ(embeddings_.inputs(), 1);
  EXPECT_EQ(embeddings_.received()[0], "Money matters\n\nRefunds are paid within 14 days.");
  // The same text again, in another source: the cached vector serves both.
  add_text(bot_, "Money matters", "Refunds are paid within 14 days.");
  EXPECT_EQ(embeddings_.inputs(), 1);
  // Re-syncing an unchanged source sends nothing.
  ASSERT_TRUE(kb_->sources.resync(ws_, bot_, first, actor()).ok());
  drain();
  EXPECT_EQ(embeddings_.inputs(), 1);
  EXPECT_EQ(vectors_stored(), 1);
  // Building the index from the store embeds no chunk either: only the query is sent.
  ASSERT_FALSE(sources_found(bot_, "reimbursement").empty());
  EXPECT_EQ(embeddings_.received(),
            (std::vector<std::string>{"Money matters\n\nRefunds are paid within 14 days.",
                                      "reimbursement"}));
  EXPECT_EQ(kb_->embedding_counters.inputs_embedded.load(), 1u);
  // A query asked again comes from the query cache.
  ASSERT_FALSE(sources_found(bot_, "reimbursement").empty());
  EXPECT_EQ(embeddings_.inputs(), 2);
}

TEST_P(HybridSearchTest, ManyChunksAreSentInBatches) {
  config_.embeddings_batch_size = 4;
  for (int i = 0; i < 10; ++i) {
    clock_.advance(1ms);
    ASSERT_TRUE(kb_->sources
                    .add_text(ws_, bot_,
                              {"Item " + std::to_string(i), "Text " + std::to_string(i), {}, {}},
                              actor())
                    .ok());
  }
  drain();  // claimed together: one source at a time is embedded
  EXPECT_EQ(embeddings_.inputs(), 10);
  EXPECT_EQ(vectors_stored(), 10);
}

TEST_P(HybridSearchTest, AnEndpointThatIsDownCostsNeitherTheSourceNorTheSearch) {
  embeddings_.fail_next(1000, 500);
  add_corpus(bot_);
  EXPECT_EQ(source(bot_, refunds_).status, "ready");
  EXPECT_EQ(vectors_stored(), 0);
  EXPECT_GE(kb_->embedding_counters.ingest_failures.load(), 3u);
  // BM25 still answers; the query could not be embedded, and that is counted.
  auto found = sources_found(bot_, "refunds");
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.front(), refunds_);
  EXPECT_GE(kb_->embedding_counters.query_failures.load(), 1u);

  // Back up: the next build embeds what ingest could not.
  embeddings_.fail_next(0);
  kb_->search.bot_removed(bot_);  // as eviction would
  auto hybrid = sources_found(bot_, "reimbursement");
  ASSERT_FALSE(hybrid.empty());
  EXPECT_EQ(hybrid.front(), refunds_);
  EXPECT_EQ(vectors_stored(), 3);
}

TEST_P(HybridSearchTest, ASlowEndpointLeavesTheQueryToBm25) {
  add_corpus(bot_);
  config_.embeddings_query_timeout_ms = 200;
  embeddings_.set_delay(2s);
  const auto started = std::chrono::steady_clock::now();
  auto found = sources_found(bot_, "refunds");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1500ms);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.front(), refunds_);
  EXPECT_EQ(kb_->embedding_counters.query_failures.load(), 1u);
  embeddings_.set_delay(0ms);
}

TEST_P(HybridSearchTest, AWrongKeyIsRefusedAndTheSourceStaysReady) {
  set_embeddings(bot_, embeddings_.base_url(), "sk-wrong");
  std::string id = add_text(bot_, "Money matters", "Refunds are paid within 14 days.");
  EXPECT_EQ(source(bot_, id).status, "ready");
  EXPECT_GE(embeddings_.unauthorized(), 1);
  EXPECT_EQ(embeddings_.inputs(), 0);
  EXPECT_EQ(vectors_stored(), 0);
}

TEST_P(HybridSearchTest, ConfiguringEmbeddingsLaterRebuildsTheIndexWithVectors) {
  std::string later = make_bot("Later bot");
  add_corpus(later);
  EXPECT_TRUE(sources_found(later, "reimbursement").empty());
  EXPECT_EQ(embeddings_.requests(), 0);
  set_embeddings(later, embeddings_.base_url(), TestEmbeddingsServer::kApiKey);
  auto found = sources_found(later, "reimbursement");
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.front(), refunds_);
}

TEST_P(HybridSearchTest, VectorsAreSealedAndGoWithTheirSourceAndBot) {
  add_corpus(bot_);
  ASSERT_EQ(vectors_stored(), 3);
  // No vector in clear: the server's vector for the refunds passage is not in the table.
  const std::vector<float> plain = TestEmbeddingsServer::embed(
      "Money matters\n\nRefunds are paid back to your card within 14 days.");
  std::string bytes(plain.size() * sizeof(float), '\0');
  std::memcpy(bytes.data(), plain.data(), bytes.size());
  const std::string stored = raw("SELECT vector_sealed FROM embeddings");
  EXPECT_EQ(stored.find(bytes.substr(0, 32)), std::string::npos);

  ASSERT_TRUE(kb_->sources.remove(ws_, bot_, refunds_, actor()).ok());
  EXPECT_EQ(vectors_stored(), 2);
  EXPECT_EQ(kb_->search.vector_count(bot_), 0u);  // not loaded yet
  ASSERT_TRUE(sources_found(bot_, "reimbursement").empty() ||
              sources_found(bot_, "reimbursement").front() != refunds_);
  EXPECT_EQ(kb_->search.vector_count(bot_), 2u);

  // The same text in two bots: deleting one keeps the vector the other still uses.
  std::string twin = make_bot("Twin bot");
  set_embeddings(twin, embeddings_.base_url(), TestEmbeddingsServer::kApiKey);
  add_text(twin, "Warehouse", "Parcels leave our warehouse every morning.");
  ASSERT_TRUE(kb_->bots.remove(ws_, bot_, actor()).ok());
  EXPECT_EQ(vectors_stored(), 1);
  ASSERT_TRUE(kb_->bots.remove(ws_, twin, actor()).ok());
  EXPECT_EQ(vectors_stored(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, HybridSearchTest, ::testing::Values("sqlite", "postgres"),
                         store_testing::backend_name);

}  // namespace
}  // namespace parley
