#include "search/sentence_splitter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parley {
namespace {

std::vector<std::string> split(std::string_view text) {
  std::vector<std::string> out;
  for (auto s : split_sentences(text)) out.emplace_back(s);
  return out;
}

TEST(SentenceSplitterTest, SplitsAtSentenceEnds) {
  EXPECT_EQ(split("One here. Two there! Three? Four"),
            (std::vector<std::string>{"One here.", "Two there!", "Three?", "Four"}));
}

TEST(SentenceSplitterTest, KeepsAbbreviationsDecimalsAndInitialsInside) {
  EXPECT_EQ(
      split("It costs 3.50 euros, e.g. for a shirt. Dr. Smith met J. K. Rowling in the "
            "U.S. in 1999. Done."),
      (std::vector<std::string>{"It costs 3.50 euros, e.g. for a shirt.",
                                "Dr. Smith met J. K. Rowling in the U.S. in 1999.", "Done."}));
}

TEST(SentenceSplitterTest, KeepsClosingQuotesAndSpacedPeriods) {
  EXPECT_EQ(split("He said \"yes.\" Then left . Next one ."),
            (std::vector<std::string>{"He said \"yes.\"", "Then left .", "Next one ."}));
}

TEST(SentenceSplitterTest, EmptyAndBlankText) {
  EXPECT_TRUE(split("").empty());
  EXPECT_TRUE(split("   \n ").empty());
  EXPECT_EQ(split("Title\n\nBody text"), (std::vector<std::string>{"Title", "Body text"}));
}

}  // namespace
}  // namespace parley
