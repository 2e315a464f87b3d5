// A hit read in its context: the chunks of one source joined as the document reads (the
// chunker's overlap said once), hits of one source that meet made one passage.
#include "chat/passages.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

SearchResult hit(std::string chunk_id, std::string source_id, std::string text, double score) {
  SearchResult r;
  r.chunk_id = std::move(chunk_id);
  r.source.id = std::move(source_id);
  r.source.title = "Doc";
  r.text = std::move(text);
  r.score = score;
  return r;
}

TEST(AppendFollowingChunk, SaysTheOverlapOnce) {
  std::string text = "Alpha is first. Beta is second. Gamma is third.";
  // The chunker starts the next chunk with the last sentences of this one.
  append_following_chunk(text, "Beta is second. Gamma is third. Delta is fourth.");
  EXPECT_EQ(text, "Alpha is first. Beta is second. Gamma is third.\n\nDelta is fourth.");
}

TEST(AppendFollowingChunk, KeepsTextThatOnlySeemsRepeated) {
  std::string text = "Prices rose in 2009.";
  append_following_chunk(text, "Shipping is free.");
  EXPECT_EQ(text, "Prices rose in 2009.\n\nShipping is free.");
  // A match must end at a word: "ee." is not a repeat of "free.".
  std::string cut = "Entry is free.";
  append_following_chunk(cut, "ee. Tickets are sold at the door.");
  EXPECT_EQ(cut, "Entry is free.\n\nee. Tickets are sold at the door.");
  // Without a sentence end (a table, a forced cut) the pieces stay on adjoining lines.
  std::string rows = "| a | 1 |";
  append_following_chunk(rows, "| b | 2 |");
  EXPECT_EQ(rows, "| a | 1 |\n| b | 2 |");
}

TEST(PassagesInContext, ReadsAHitWithItsNeighbours) {
  std::vector<SearchResult> results = {hit("chk_2", "src_a", "Two. Three.", 9)};
  HitNeighbours context;
  context.position = 1;
  context.before = {{"chk_1", 0, "One. Two."}};
  context.after = {{"chk_3", 2, "Three. Four."}};
  auto passages = passages_in_context(results, {context}, 5);
  ASSERT_EQ(passages.size(), 1u);
  EXPECT_EQ(passages[0].text, "One. Two.\n\nThree.\n\nFour.");
  EXPECT_EQ(passages[0].chunk_id, "chk_2");  // the citation names the chunk retrieval found
  EXPECT_EQ(passages[0].score, 9);
}

TEST(PassagesInContext, HitsOfOneSourceThatMeetBecomeOnePassage) {
  std::vector<SearchResult> results = {
      hit("chk_a3", "src_a", "A3.", 9), hit("chk_b1", "src_b", "B1.", 8),
      hit("chk_a4", "src_a", "A4.", 7), hit("chk_a9", "src_a", "A9.", 6)};
  std::vector<HitNeighbours> contexts(4);
  contexts[0] = {2, {{"chk_a2", 1, "A2."}}, {{"chk_a4", 3, "A4."}}};
  contexts[1] = {0, {}, {}};  // a single-chunk source: the hit alone
  contexts[2] = {3, {{"chk_a3", 2, "A3."}}, {{"chk_a5", 4, "A5."}}};
  contexts[3] = {8, {{"chk_a8", 7, "A8."}}, {}};  // far from the others: its own passage
  auto passages = passages_in_context(results, contexts, 5);
  ASSERT_EQ(passages.size(), 3u);
  EXPECT_EQ(passages[0].chunk_id, "chk_a3");
  EXPECT_EQ(passages[0].text, "A2.\n\nA3.\n\nA4.\n\nA5.");
  EXPECT_EQ(passages[0].score, 9);
  EXPECT_EQ(passages[1].text, "B1.");
  EXPECT_EQ(passages[2].text, "A8.\n\nA9.");

  // At most `limit` passages; a later hit may still join one of them.
  auto two = passages_in_context(results, contexts, 2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].text, "A2.\n\nA3.\n\nA4.\n\nA5.");
  EXPECT_EQ(two[1].chunk_id, "chk_b1");
}

TEST(PassagesInContext, QaPairsAndHitsWithoutContextStandAlone) {
  SearchResult qa = hit("chk_q", "src_q", "Fourteen days.", 5);
  qa.question = "How long do refunds take?";
  std::vector<SearchResult> results = {qa, hit("chk_p", "src_p", "Plain.", 4)};
  auto passages = passages_in_context(results, {}, 5);
  ASSERT_EQ(passages.size(), 2u);
  EXPECT_EQ(passages[0].question, "How long do refunds take?");
  EXPECT_EQ(passages[0].text, "Fourteen days.");
  EXPECT_EQ(passages[1].text, "Plain.");
}

}  // namespace
}  // namespace parley
