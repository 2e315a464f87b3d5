#include "search/sentence_analysis.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parley {
namespace {

// The search index analyses a chunk's body a sentence at a time (for the answerer's kept
// analysis) and indexes those tokens: they must be the whole text's, or the ranking moves.
TEST(SentenceAnalysis, ASentenceAtATimeGivesTheWholeTextsTokens) {
  const Analyzer analyzer("en");
  const std::vector<std::string> texts = {
      "Refunds take five days. Dr. Smith approves them, e.g. for orders over 3.5 kg! Is it so?",
      "Order E-1042 ships from Zürich. Café hours: 9-17.\n\nAsk us anything? We reply.",
      "Write to help@parley.io. The U.S. office is in Austin. It is, of the two, the older.",
      "东京的办公室。 It opens at nine. «Très bien.» Ça va.",
      "  Leading spaces. Trailing stopwords are the ones it is.  ",
      "One sentence without an end",
      ""};
  for (const std::string& text : texts) {
    const std::vector<Token> whole = analyzer.analyze(text);
    const TextSentences sentences = analyse_sentences(text, analyzer);
    std::vector<Token> pieces;
    for (const auto& tokens : sentences.tokens)
      pieces.insert(pieces.end(), tokens.begin(), tokens.end());
    ASSERT_EQ(pieces.size(), whole.size()) << text;
    for (size_t i = 0; i < whole.size(); ++i) {
      EXPECT_EQ(pieces[i].term, whole[i].term) << text;
      EXPECT_EQ(pieces[i].surface, whole[i].surface) << text;
      EXPECT_EQ(pieces[i].position, whole[i].position) << text << " " << whole[i].term;
    }
  }
}

// A sentence's positions count from its own first word: the answerer measures distances
// within one sentence.
TEST(SentenceAnalysis, EachSentencesPositionsStartAtItsFirstWord) {
  const Analyzer analyzer("en");
  const PassageAnalysis analysis =
      analyse_passage("Refunds take five days. Shipping is free.", "Returns", analyzer);
  ASSERT_EQ(analysis.sentences.size(), 2u);
  EXPECT_EQ(analysis.sentences[1].offset, 24u);
  EXPECT_EQ(analysis.sentences[1].words, 3u);
  ASSERT_FALSE(analysis.sentences[1].positions.empty());
  EXPECT_EQ(analysis.sentences[1].positions.front(), 0u);  // "shipping"
  EXPECT_EQ(analysis.vocabulary[analysis.sentences[1].terms.front()], "ship");
  EXPECT_TRUE(analysis.title_terms.count("return"));
  EXPECT_GE(analysis.term_index("refund"), 0);
  EXPECT_EQ(analysis.term_index("parcel"), -1);
}

}  // namespace
}  // namespace parley
