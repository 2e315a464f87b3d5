#include "search/fuzzy_matcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace parley {
namespace {

std::string utf8(std::u32string_view word) {
  std::string out;
  for (const char32_t c : word) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {  // the test alphabet stays under U+0800
      out += static_cast<char>(0xc0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3f));
    }
  }
  return out;
}

// Every word within `max_distance`, nearest first then by id: what near() must return.
std::vector<FuzzyMatcher::Match> brute_force(const std::vector<std::u32string>& words,
                                             std::u32string_view query, int max_distance) {
  std::vector<FuzzyMatcher::Match> out;
  if (max_distance <= 0 || query.size() > 40) return out;
  for (uint32_t id = 0; id < words.size(); ++id) {
    if (words[id].size() > 40) continue;
    const int distance = FuzzyMatcher::bounded_distance(query, words[id], max_distance);
    if (distance <= max_distance) out.push_back({id, distance});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.word_id < b.word_id;
  });
  return out;
}

std::string describe(const std::vector<FuzzyMatcher::Match>& matches) {
  std::string out;
  for (const auto& m : matches)
    out += std::to_string(m.word_id) + ":" + std::to_string(m.distance) + " ";
  return out;
}

class FuzzyMatcherRandomTest : public testing::Test {
 protected:
  // A small alphabet (two letters beyond ASCII) so that near spellings are common.
  const std::u32string alphabet_ = U"abcdeé\u00df";
  std::mt19937 rng_{12345};

  char32_t letter() { return alphabet_[rng_() % alphabet_.size()]; }

  std::u32string random_word() {
    std::u32string word(1 + rng_() % 14, U'a');
    if (rng_() % 50 == 0) word.resize(39 + rng_() % 4);  // around the 40 code point limit
    for (char32_t& c : word) c = letter();
    return word;
  }

  // 0-3 random insertions, deletions, substitutions and swaps of neighbours.
  std::u32string misspell(std::u32string word) {
    const int edits = static_cast<int>(rng_() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t at = word.empty() ? 0 : rng_() % word.size();
      switch (rng_() % 4) {
        case 0:
          word.insert(word.begin() + static_cast<long>(at), letter());
          break;
        case 1:
          if (!word.empty()) word.erase(at, 1);
          break;
        case 2:
          if (!word.empty()) word[at] = letter();
          break;
        default:
          if (at + 1 < word.size()) std::swap(word[at], word[at + 1]);
          break;
      }
    }
    return word;
  }

  FuzzyMatcher matcher_;
  std::vector<std::u32string> words_;  // by id

  void add(const std::u32string& word) {
    const auto [id, inserted] = matcher_.insert(utf8(word));
    if (inserted) {
      ASSERT_EQ(id, words_.size());
      words_.push_back(word);
    } else {
      ASSERT_EQ(words_[id], word);
    }
  }

  void expect_same_as_brute_force(const std::u32string& query) {
    for (int max_distance = 0; max_distance <= 3; ++max_distance) {
      const auto expected = brute_force(words_, query, max_distance);
      const auto actual = matcher_.near(utf8(query), max_distance);
      ASSERT_EQ(describe(actual), describe(expected))
          << "query " << utf8(query) << " max_distance " << max_distance;
    }
  }
};

TEST_F(FuzzyMatcherRandomTest, NearFindsExactlyWhatAFullScanFinds) {
  for (int round = 0; round < 20; ++round) {
    // Words arrive between lookups, as chunks are indexed while questions come in.
    for (int i = 0; i < 150; ++i) add(random_word());
    for (int q = 0; q < 60; ++q) {
      const std::u32string query =
          rng_() % 4 == 0 ? random_word() : misspell(words_[rng_() % words_.size()]);
      expect_same_as_brute_force(query);
    }
  }
  // The earliest words too, after the index has grown around them many times.
  for (uint32_t id = 0; id < 300; ++id) expect_same_as_brute_force(misspell(words_[id]));
}

TEST(FuzzyMatcherTest, FindsTyposNearestFirstAndCountsItsIndex) {
  FuzzyMatcher matcher;
  const size_t empty_bytes = matcher.memory_bytes();
  const uint32_t password = matcher.insert("password").first;
  const uint32_t passport = matcher.insert("passport").first;
  const uint32_t passwords = matcher.insert("passwords").first;
  matcher.insert("unrelated");
  EXPECT_FALSE(matcher.insert("password").second);
  EXPECT_GT(matcher.memory_bytes(), empty_bytes);

  const auto matches = matcher.near("pasword", 1);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].word_id, password);

  const auto two = matcher.near("passwrod", 2);  // a swap; "passwords" is 2 away
  ASSERT_GE(two.size(), 2u);
  EXPECT_EQ(two[0].word_id, password);
  EXPECT_EQ(two[0].distance, 1);
  std::vector<uint32_t> ids;
  for (const auto& m : two) ids.push_back(m.word_id);
  EXPECT_NE(std::find(ids.begin(), ids.end(), passwords), ids.end());
  EXPECT_EQ(std::find(ids.begin(), ids.end(), passport), ids.end());  // 3 edits away
}

}  // namespace
}  // namespace parley
