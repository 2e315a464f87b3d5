// Reciprocal rank fusion: agreement between rankings wins, each ranking counts once per
// id, ties are broken the same way every time.
#include "search/rank_fusion.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

std::vector<std::string> ids(const std::vector<FusedHit>& hits) {
  std::vector<std::string> out;
  for (const FusedHit& hit : hits) out.push_back(hit.id);
  return out;
}

TEST(RankFusion, SumsReciprocalRanks) {
  auto fused = reciprocal_rank_fusion({{"a", "b", "c"}, {"c", "a", "d"}});
  ASSERT_EQ(fused.size(), 4u);
  // a: 1/61 + 1/62; c: 1/63 + 1/61; b: 1/62; d: 1/63.
  EXPECT_EQ(ids(fused), (std::vector<std::string>{"a", "c", "b", "d"}));
  EXPECT_DOUBLE_EQ(fused[0].score, 1.0 / 61 + 1.0 / 62);
  EXPECT_DOUBLE_EQ(fused[3].score, 1.0 / 63);
}

TEST(RankFusion, AnItemBothRankingsLikeBeatsEachOnesFavourite) {
  // "x" is second in both; "b" and "v" are each first in one ranking only.
  auto fused = reciprocal_rank_fusion({{"b", "x"}, {"v", "x"}});
  EXPECT_EQ(fused.front().id, "x");
}

TEST(RankFusion, OneRankingKeepsItsOrderAndEmptyOnesAreIgnored) {
  EXPECT_EQ(ids(reciprocal_rank_fusion({{"z", "y", "x"}, {}})),
            (std::vector<std::string>{"z", "y", "x"}));
  EXPECT_TRUE(reciprocal_rank_fusion({}).empty());
}

TEST(RankFusion, RepeatsCountOnceAndTiesAreStable) {
  auto fused = reciprocal_rank_fusion({{"a", "a", "b"}});
  ASSERT_EQ(fused.size(), 2u);
  EXPECT_DOUBLE_EQ(fused[0].score, 1.0 / 61);
  EXPECT_DOUBLE_EQ(fused[1].score, 1.0 / 63);  // b keeps its place in the list
  // Equal scores: the better single rank, then the id.
  EXPECT_EQ(ids(reciprocal_rank_fusion({{"q", "p"}, {"p", "q"}})),
            (std::vector<std::string>{"p", "q"}));
  EXPECT_EQ(ids(reciprocal_rank_fusion({{"n"}, {"m"}})), (std::vector<std::string>{"m", "n"}));
}

TEST(RankFusion, TheConstantDampsTheTop) {
  auto sharp = reciprocal_rank_fusion({{"a", "b"}, {"b", "c"}}, /*k=*/1);
  EXPECT_EQ(sharp.front().id, "b");  // 1/3 + 1/2 beats a's 1/2
  EXPECT_DOUBLE_EQ(sharp.front().score, 1.0 / 3 + 1.0 / 2);
}

}  // namespace
}  // namespace parley
