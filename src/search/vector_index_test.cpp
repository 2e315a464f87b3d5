// The HNSW vector index: nearest by cosine whatever the vectors' lengths, removal and
// replacement by chunk id, slots reused after removal, agreement with exact search.
#include "search/vector_index.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

namespace parley {
namespace {

std::vector<float> random_vector(std::mt19937& random, size_t dimensions) {
  std::normal_distribution<float> normal;
  std::vector<float> v(dimensions);
  for (float& x : v) x = normal(random);
  return v;
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / std::sqrt(na * nb);
}

TEST(VectorIndex, FindsByCosineNotByLength) {
  VectorIndex index(3);
  ASSERT_TRUE(index.add("east", std::vector<float>{10, 0, 0}));
  ASSERT_TRUE(index.add("north", std::vector<float>{0, 0.1f, 0}));
  ASSERT_TRUE(index.add("up", std::vector<float>{0, 0, 1}));
  auto hits = index.search(std::vector<float>{0, 5, 0.5f}, 2);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].chunk_id, "north");  // a short vector in the right direction wins
  EXPECT_EQ(hits[1].chunk_id, "up");
  EXPECT_NEAR(hits[0].similarity, cosine({0, 5, 0.5f}, {0, 1, 0}), 1e-5);
  EXPECT_GT(hits[0].similarity, hits[1].similarity);
}

TEST(VectorIndex, RefusesWrongDimensionsAndZeroVectors) {
  VectorIndex index(3);
  EXPECT_FALSE(index.add("short", std::vector<float>{1, 2}));
  EXPECT_FALSE(index.add("zero", std::vector<float>{0, 0, 0}));
  EXPECT_EQ(index.size(), 0u);
  EXPECT_TRUE(index.search(std::vector<float>{1, 0, 0}, 5).empty());
  ASSERT_TRUE(index.add("a", std::vector<float>{1, 0, 0}));
  EXPECT_TRUE(index.search(std::vector<float>{1, 0}, 5).empty());
  EXPECT_TRUE(index.search(std::vector<float>{1, 0, 0}, 0).empty());
}

TEST(VectorIndex, RemovesAndReplacesByChunkIdAndReusesSlots) {
  VectorIndex index(2);
  ASSERT_TRUE(index.add("a", std::vector<float>{1, 0}));
  ASSERT_TRUE(index.add("b", std::vector<float>{0, 1}));
  index.remove("a");
  EXPECT_FALSE(index.contains("a"));
  EXPECT_EQ(index.size(), 1u);
  auto hits = index.search(std::vector<float>{1, 0}, 5);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].chunk_id, "b");
  index.remove("missing");  // nothing happens

  // Replacing moves the chunk; a new chunk takes the removed one's slot.
  ASSERT_TRUE(index.add("b", std::vector<float>{1, 0.01f}));
  EXPECT_EQ(index.search(std::vector<float>{1, 0}, 1)[0].chunk_id, "b");
  ASSERT_TRUE(index.add("c", std::vector<float>{0, 1}));
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(index.search(std::vector<float>{0, 1}, 1)[0].chunk_id, "c");
}

TEST(VectorIndex, AgreesWithExactSearchAcrossGrowthAndChurn) {
  std::mt19937 random(7);
  const size_t dimensions = 32;
  VectorIndex index(dimensions);
  std::map<std::string, std::vector<float>> all;
  for (int i = 0; i < 3000; ++i) {  // past the first capacity: the graph grows
    std::string id = "chk_" + std::to_string(i);
    all[id] = random_vector(random, dimensions);
    ASSERT_TRUE(index.add(id, all[id]));
  }
  for (int i = 0; i < 3000; i += 3) {
    index.remove("chk_" + std::to_string(i));
    all.erase("chk_" + std::to_string(i));
  }
  EXPECT_EQ(index.size(), all.size());
  int agreed = 0;
  const int queries = 50;
  for (int q = 0; q < queries; ++q) {
    auto query = random_vector(random, dimensions);
    std::string best;
    double best_score = -2;
    for (const auto& [id, v] : all) {
      double score = cosine(query, v);
      if (score > best_score) best_score = score, best = id;
    }
    auto hits = index.search(query, 10);
    ASSERT_EQ(hits.size(), 10u);
    for (const VectorHit& hit : hits) EXPECT_TRUE(all.count(hit.chunk_id)) << hit.chunk_id;
    if (hits[0].chunk_id == best) ++agreed;
  }
  EXPECT_GE(agreed, queries * 9 / 10);  // approximate, but nearly always right
}

TEST(VectorIndex, MemoryGrowsWithVectorsButNotWithChurn) {
  VectorIndex index(64);
  const size_t empty = index.memory_bytes();
  std::mt19937 random(3);
  for (int i = 0; i < 1500; ++i)
    ASSERT_TRUE(index.add(std::to_string(i), random_vector(random, 64)));
  const size_t full = index.memory_bytes();
  EXPECT_GT(full, empty + 1500 * 64 * sizeof(float));
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 100; ++i) index.remove(std::to_string(i));
    for (int i = 0; i < 100; ++i)
      ASSERT_TRUE(index.add(std::to_string(i), random_vector(random, 64)));
  }
  EXPECT_EQ(index.size(), 1500u);
  EXPECT_LE(index.memory_bytes(), full + full / 10);  // removed slots were reused
}

}  // namespace
}  // namespace parley
