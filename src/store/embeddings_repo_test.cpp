// The embeddings cache's SQL on both backends: found by workspace, model and text hash;
// a second write of the same key changes nothing; gone with the workspace; pruned when no
// chunk refers to it.
#include "store/embeddings_repo.h"

#include <gtest/gtest.h>

#include "store/test_databases.h"
#include "store/workspaces_repo.h"

namespace parley {
namespace {

using store_testing::BackendTest;

class EmbeddingsRepo : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    store_ = open_store();
    ASSERT_TRUE(store_);
    for (const char* id : {"ws_a", "ws_b"}) {
      ASSERT_TRUE(write([&](Tx& tx) { return insert_workspace(tx, {id, Bytes{1}, 1}); }).ok());
    }
  }
  void TearDown() override {
    store_.reset();
    BackendTest::TearDown();
  }

  template <typename Fn>
  Status write(Fn fn) {
    return store_->db().write([&](Tx& tx) -> Status { return fn(tx); });
  }

  EmbeddingRow row(std::string ws, std::string model, std::string hash, uint8_t byte = 7) {
    return {std::move(ws), std::move(model), std::move(hash), 2, Bytes(24, byte), 1000};
  }

  std::vector<EmbeddingRow> find(const std::string& ws, const std::string& model,
                                 const std::vector<std::string>& hashes) {
    std::vector<EmbeddingRow> out;
    Status read = store_->db().read([&](Tx& tx) -> Status {
      auto found = find_embeddings(tx, ws, model, hashes);
      if (!found) return found.error();
      out = std::move(*found);
      return ok_status();
    });
    EXPECT_TRUE(read.ok()) << read.error().message;
    return out;
  }

  std::unique_ptr<Store> store_;
};

TEST_P(EmbeddingsRepo, FindsByWorkspaceModelAndHash) {
  ASSERT_TRUE(write([&](Tx& tx) {
                return put_embeddings(tx, {row("ws_a", "m1", "h1"), row("ws_a", "m1", "h2"),
                                           row("ws_a", "m2", "h1"), row("ws_b", "m1", "h1")});
              }).ok());
  auto found = find("ws_a", "m1", {"h1", "h2", "h3"});
  ASSERT_EQ(found.size(), 2u);
  for (const EmbeddingRow& r : found) {
    EXPECT_EQ(r.workspace_id, "ws_a");
    EXPECT_EQ(r.model_key, "m1");
    EXPECT_EQ(r.dimensions, 2);
    EXPECT_EQ(r.vector_sealed, Bytes(24, 7));
  }
  EXPECT_EQ(find("ws_a", "m2", {"h1", "h2"}).size(), 1u);  // another model is another cache
  EXPECT_EQ(find("ws_b", "m1", {"h2"}).size(), 0u);        // another tenant's text is not ours
  EXPECT_TRUE(find("ws_a", "m1", {}).empty());
}

TEST_P(EmbeddingsRepo, ASecondWriteOfTheSameKeyChangesNothing) {
  ASSERT_TRUE(write([&](Tx& tx) { return put_embeddings(tx, {row("ws_a", "m1", "h1", 7)}); }).ok());
  ASSERT_TRUE(write([&](Tx& tx) { return put_embeddings(tx, {row("ws_a", "m1", "h1", 9)}); }).ok());
  auto found = find("ws_a", "m1", {"h1"});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].vector_sealed, Bytes(24, 7));
}

TEST_P(EmbeddingsRepo, LooksUpManyHashesAtOnce) {
  std::vector<EmbeddingRow> rows;
  std::vector<std::string> hashes;
  for (int i = 0; i < 1200; ++i) {  // more than one lookup batch
    hashes.push_back("h" + std::to_string(i));
    if (i % 2 == 0) rows.push_back(row("ws_a", "m1", hashes.back()));
  }
  ASSERT_TRUE(write([&](Tx& tx) { return put_embeddings(tx, rows); }).ok());
  EXPECT_EQ(find("ws_a", "m1", hashes).size(), 600u);
}

TEST_P(EmbeddingsRepo, GoWithTheWorkspaceAndArePrunedWhenNoChunkRefersToThem) {
  ASSERT_TRUE(write([&](Tx& tx) {
                return put_embeddings(tx, {row("ws_a", "m1", "h1"), row("ws_b", "m1", "h1")});
              }).ok());
  ASSERT_TRUE(write([&](Tx& tx) { return delete_workspace(tx, "ws_a"); }).ok());
  EXPECT_TRUE(find("ws_a", "m1", {"h1"}).empty());
  EXPECT_EQ(find("ws_b", "m1", {"h1"}).size(), 1u);
  int64_t pruned = -1;
  ASSERT_TRUE(write([&](Tx& tx) -> Status {
                auto n = prune_embeddings(tx, "ws_b");
                if (!n) return n.error();
                pruned = *n;
                return ok_status();
              }).ok());
  EXPECT_EQ(pruned, 1);  // ws_b has no chunk at all
  EXPECT_TRUE(find("ws_b", "m1", {"h1"}).empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, EmbeddingsRepo, ::testing::Values("sqlite", "postgres"),
                         store_testing::backend_name);

}  // namespace
}  // namespace parley
