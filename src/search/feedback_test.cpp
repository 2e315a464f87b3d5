#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "search/search_index.h"

namespace parley {
namespace {

// Three chunks say "heart attack" along with the medical words; one uses the medical
// words only. Unrelated chunks make the corpus big enough for those words to be rare.
std::vector<ChunkText> cardiology_corpus() {
  std::vector<ChunkText> chunks;
  const char* animals[] = {"otter", "badger", "heron", "walrus", "lynx"};
  const char* things[] = {"kettle", "lantern", "saddle", "anchor", "violin"};
  for (int i = 0; i < 100; ++i) {
    chunks.push_back({"filler_" + std::to_string(i), "s", "", "",
                      std::string("The ") + animals[i % 5] + " sat by the " + things[i / 20] +
                          " number " + std::to_string(i),
                      ""});
  }
  chunks.push_back(
      {"a", "s", "", "", "A heart attack is a myocardial infarction; troponin rises.", ""});
  chunks.push_back(
      {"b", "s", "", "", "After a heart attack, myocardial infarction care starts.", ""});
  chunks.push_back(
      {"c", "s", "", "", "Heart attack: troponin confirms the myocardial infarction.", ""});
  chunks.push_back({"target", "s", "", "", "Troponin testing after myocardial infarction.", ""});
  return chunks;
}

std::vector<std::string> search_ids(const SearchIndex& index, std::string_view query) {
  std::vector<std::string> out;
  for (const auto& hit : index.search(query, {})) out.push_back(hit.chunk_id);
  return out;
}

TEST(FeedbackTest, FindsChunkSharingVocabularyButNoQueryWord) {
  auto analyzer = std::make_shared<const Analyzer>("en");
  RankingParams off;
  off.feedback_docs = 0;
  SearchIndex with_feedback(analyzer), without_feedback(analyzer, off);
  for (const auto& chunk : cardiology_corpus()) {
    with_feedback.add(chunk);
    without_feedback.add(chunk);
  }
  const auto plain = search_ids(without_feedback, "heart attack");
  EXPECT_EQ(std::count(plain.begin(), plain.end(), "target"), 0);
  const auto expanded = search_ids(with_feedback, "heart attack");
  ASSERT_EQ(expanded.size(), 4u);
  EXPECT_EQ(expanded.back(), "target");  // found, but below the chunks that say the words
}

// A question longer than feedback_max_words carries its own context: no expansion.
TEST(FeedbackTest, LongQuestionsAreNotExpanded) {
  auto analyzer = std::make_shared<const Analyzer>("en");
  RankingParams short_only;
  short_only.feedback_max_words = 2;
  SearchIndex index(analyzer, short_only);
  for (const auto& chunk : cardiology_corpus()) index.add(chunk);
  const auto two_words = search_ids(index, "heart attack");
  EXPECT_EQ(std::count(two_words.begin(), two_words.end(), "target"), 1);
  const auto three_words = search_ids(index, "heart attack symptoms");
  EXPECT_EQ(std::count(three_words.begin(), three_words.end(), "target"), 0);
}

TEST(FeedbackTest, SameRankingAfterRemovalsAsAfterRebuild) {
  auto analyzer = std::make_shared<const Analyzer>("en");
  SearchIndex incremental(analyzer), rebuilt(analyzer);
  const auto chunks = cardiology_corpus();
  for (const auto& chunk : chunks) incremental.add(chunk);
  for (int i = 0; i < 100; i += 3) incremental.remove("filler_" + std::to_string(i));
  // The rebuilt index sees the chunks in another order, so its ids differ.
  for (auto it = chunks.rbegin(); it != chunks.rend(); ++it) {
    const bool removed =
        it->chunk_id.starts_with("filler_") && std::stoi(it->chunk_id.substr(7)) % 3 == 0;
    if (!removed) rebuilt.add(*it);
  }
  for (const char* query : {"heart attack", "otter kettle", "troponin"}) {
    const auto a = incremental.search(query, {});
    const auto b = rebuilt.search(query, {});
    ASSERT_EQ(a.size(), b.size()) << query;
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].chunk_id, b[i].chunk_id) << query;
      EXPECT_FLOAT_EQ(a[i].score, b[i].score) << query;
    }
  }
}

}  // namespace
}  // namespace parley
