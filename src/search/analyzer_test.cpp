#include "search/analyzer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace parley {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

std::vector<std::string> terms(const Analyzer& analyzer, std::string_view text) {
  std::vector<std::string> out;
  for (const Token& token : analyzer.analyze(text)) out.push_back(token.term);
  return out;
}

// Every position that carries `term`.
std::vector<uint32_t> positions_of(const std::vector<Token>& tokens, std::string_view term) {
  std::vector<uint32_t> out;
  for (const Token& token : tokens) {
    if (token.term == term) out.push_back(token.position);
  }
  return out;
}

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    }
    i += n;
  }
  return true;
}

TEST(AnalyzerTest, EnglishWordFormsShareATerm) {
  Analyzer english("en");
  EXPECT_EQ(english.stemmer_name(), "english");
  EXPECT_EQ(terms(english, "refunds"), terms(english, "refund"));
  EXPECT_EQ(terms(english, "Refunded"), terms(english, "refund"));
  std::vector<Token> tokens = english.analyze("Refunds");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].surface, "refunds");  // unstemmed, for typo matching
}

TEST(AnalyzerTest, GermanWordFormsShareATerm) {
  Analyzer german("de");
  EXPECT_EQ(german.stemmer_name(), "german");
  EXPECT_EQ(terms(german, "Rechnungen"), terms(german, "Rechnung"));
  EXPECT_EQ(terms(german, "Kindern"), terms(german, "Kind"));
}

TEST(AnalyzerTest, RegionalLanguageCodesUseTheLanguage) {
  EXPECT_EQ(Analyzer("pt-BR").stemmer_name(), "portuguese");
  EXPECT_EQ(Analyzer("EN_us").stemmer_name(), "english");
  EXPECT_EQ(Analyzer("nb").stemmer_name(), "norwegian");
}

TEST(AnalyzerTest, UnknownLanguageSegmentsAndFoldsWithoutStemming) {
  Analyzer unknown("xx");
  EXPECT_EQ(unknown.stemmer_name(), "");
  EXPECT_THAT(terms(unknown, "The Refunds"), ElementsAre("the", "refunds"));
  EXPECT_THAT(terms(Analyzer(""), "Ｒefunds"), ElementsAre("refunds"));
}

TEST(AnalyzerTest, FoldsCaseAndCompatibilityForms) {
  Analyzer english("en");
  EXPECT_THAT(terms(english, "ＡＢＣ"), ElementsAre("abc"));  // full-width
  EXPECT_EQ(terms(english, "Straße"), terms(english, "STRASSE"));
  EXPECT_EQ(terms(Analyzer("de"), "Straße"), terms(Analyzer("de"), "STRASSE"));
  EXPECT_EQ(terms(english, "ﬁnancial"), terms(english, "financial"));  // ligature
  EXPECT_EQ(terms(english, "don’t"), terms(english, "don't"));
}

TEST(AnalyzerTest, DropsStopwordsButKeepsTheirPositions) {
  Analyzer english("en");
  std::vector<Token> tokens = english.analyze("The refunds of the order");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].term, "refund");
  EXPECT_EQ(tokens[0].position, 1u);
  EXPECT_EQ(tokens[1].term, "order");
  EXPECT_EQ(tokens[1].position, 4u);  // "of the" left a gap
  EXPECT_TRUE(english.is_stopword("the"));
  EXPECT_FALSE(english.is_stopword("refund"));
}

TEST(AnalyzerTest, KeepsStopwordsWhenAsked) {
  std::vector<Token> tokens = Analyzer("en").analyze("The refunds of the order", true);
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_TRUE(tokens[0].stopword);
  EXPECT_EQ(tokens[0].term, "the");
  EXPECT_FALSE(tokens[1].stopword);
  for (uint32_t i = 0; i < tokens.size(); ++i) EXPECT_EQ(tokens[i].position, i);
}

TEST(AnalyzerTest, StopwordListsAreFoldedLikeText) {
  Analyzer german("de");
  EXPECT_TRUE(german.is_stopword("und"));
  EXPECT_TRUE(german.is_stopword("dass"));  // listed as "daß"
  EXPECT_THAT(terms(german, "daß"), IsEmpty());
  EXPECT_THAT(terms(Analyzer("ja"), "の"), ElementsAre("の"));  // no list: nothing dropped
}

TEST(AnalyzerTest, KeepsIdentifiersAndNumbersWhole) {
  Analyzer english("en");
  std::vector<std::string> found =
      terms(english,
            "Error E-1042 after upgrading to 2.3.1 (v1.4 was fine), SKU AB-12-XY, "
            "COVID-19 costs 3.5 units; mail john.doe@example.com");
  for (const char* whole :
       {"e-1042", "2.3.1", "v1.4", "ab-12-xy", "covid-19", "3.5", "john.doe@example.com"}) {
    EXPECT_THAT(found, Contains(whole));
  }
  EXPECT_THAT(found, Not(Contains("e")));
  EXPECT_EQ(terms(english, "e-1042"), terms(english, "E-1042"));
}

TEST(AnalyzerTest, IdentifierPartsShareItsPosition) {
  Analyzer english("en");
  std::vector<Token> tokens = english.analyze("see E-1042 and COVID-19 today");
  EXPECT_EQ(positions_of(tokens, "e-1042"), std::vector<uint32_t>{1});
  EXPECT_EQ(positions_of(tokens, "1042"), std::vector<uint32_t>{1});  // a query "1042" finds it
  EXPECT_EQ(positions_of(tokens, "covid-19"), std::vector<uint32_t>{3});
  EXPECT_EQ(positions_of(tokens, "covid"), std::vector<uint32_t>{3});
  EXPECT_EQ(positions_of(tokens, "today"), std::vector<uint32_t>{4});
}

TEST(AnalyzerTest, HyphenatedWordsWithoutDigitsStaySeparateWords) {
  EXPECT_THAT(terms(Analyzer("en"), "well-known state-of-the-art"),
              ElementsAre("well", "known", "state", "art"));
}

TEST(AnalyzerTest, IdentifiersMatchAcrossScriptsAndHyphenForms) {
  Analyzer english("en");
  EXPECT_THAT(terms(english, "Fehler E‐1042 für"), Contains("e-1042"));  // U+2010 hyphen
  EXPECT_THAT(terms(english, "ＥＲＲ-１０４２"), Contains("err-1042"));  // full-width
}

TEST(AnalyzerTest, AsciiFastPathAgreesWithIcu) {
  // U+00A0 between words sends the whole text through ICU instead of the ASCII path.
  Analyzer english("en");
  std::string text =
      "Don't stop: e.g. example.com, 3.5 and 1,000 users; snake_case E-1042 AB-12-XY "
      "v1.4 COVID-19 john.doe@example.com x86_64 'quoted' (parens) a.b.c 2.3.1. end";
  std::string via_icu;
  for (char c : text) {
    if (c == ' ') {
      via_icu += "\u00a0";
    } else {
      via_icu += c;
    }
  }
  std::vector<Token> fast = english.analyze(text, true);
  std::vector<Token> icu = english.analyze(via_icu, true);
  ASSERT_EQ(fast.size(), icu.size());
  for (size_t i = 0; i < fast.size(); ++i) {
    EXPECT_EQ(fast[i].term, icu[i].term);
    EXPECT_EQ(fast[i].position, icu[i].position);
  }
}

TEST(AnalyzerTest, SegmentsChineseAndJapaneseIntoWords) {
  Analyzer chinese("zh");
  std::vector<std::string> found = terms(chinese, "我爱北京天安门");
  EXPECT_GT(found.size(), 2u);
  EXPECT_THAT(found, Contains("北京"));
  std::vector<std::string> japanese = terms(Analyzer("ja"), "東京都に住んでいます");
  EXPECT_GT(japanese.size(), 2u);
  EXPECT_THAT(japanese, Contains("東京"));
}

TEST(AnalyzerTest, EmptyAndBlankTextGiveNoTokens) {
  Analyzer english("en");
  EXPECT_THAT(english.analyze(""), IsEmpty());
  EXPECT_THAT(english.analyze(" \t\n "), IsEmpty());
  EXPECT_THAT(english.analyze("-- ... !!"), IsEmpty());
}

TEST(AnalyzerTest, AnalyzesTenKilobytes) {
  std::string text;
  size_t sentences = 0;
  for (; text.size() < 10 * 1024; ++sentences) {
    text += "Refunds arrive within 5-7 days after E-1042. ";
  }
  std::vector<Token> tokens = Analyzer("en").analyze(text);
  EXPECT_EQ(positions_of(tokens, "refund").size(), sentences);
  EXPECT_EQ(positions_of(tokens, "e-1042").size(), sentences);
}

TEST(AnalyzerTest, OddUnicodeIsAnalyzedIntoValidTerms) {
  Analyzer english("en");
  const std::string odd[] = {
      "\xED\xA0\x80 lone surrogate",  // a UTF-16 surrogate written as UTF-8
      "bad \xC3\x28 bytes \xFF\xFE\x80 here",
      std::string("nul\0inside", 10),
      "emoji 👍🏽 and 👨‍👩‍👧 family",
      "مرحبا بالعالم refund",  // Arabic, right to left
      "שלום עולם",
      "\u202Eoverride\u202C \u200B zero width",
      "\u0301\u0301 combining marks alone",
      std::string(5000, '\x80'),
  };
  for (const std::string& text : odd) {
    std::vector<Token> tokens;
    EXPECT_NO_THROW(tokens = english.analyze(text, true)) << text;
    for (const Token& token : tokens) {
      EXPECT_TRUE(valid_utf8(token.term)) << text;
      EXPECT_FALSE(token.term.empty()) << text;
    }
  }
  EXPECT_THAT(terms(english, "bad \xC3\x28 bytes"), Contains("byte"));
  EXPECT_THAT(terms(english, "مرحبا بالعالم refund"), Contains("refund"));
}

TEST(AnalyzerTest, ManyThreadsGetTheSameTokensAsOne) {
  Analyzer english("en");
  Analyzer german("de");
  std::vector<std::string> texts;
  for (int i = 0; i < 50; ++i) {
    texts.push_back("Refunds number " + std::to_string(i) + " für Kindern, E-" +
                    std::to_string(1000 + i) + " 北京 Straße");
  }
  auto analyze_all = [&](const Analyzer& analyzer) {
    std::vector<std::vector<std::string>> out;
    for (int round = 0; round < 20; ++round) {
      for (const std::string& text : texts) out.push_back(terms(analyzer, text));
    }
    return out;
  };
  const auto expected_en = analyze_all(english);
  const auto expected_de = analyze_all(german);
  std::vector<std::vector<std::vector<std::string>>> results(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] { results[t] = analyze_all(t % 2 == 0 ? english : german); });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(results[t], t % 2 == 0 ? expected_en : expected_de);
}

}  // namespace
}  // namespace parley
