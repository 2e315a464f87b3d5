#include "answer/extractive_answerer.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "answer/follow_up.h"

namespace parley {
namespace {

Passage passage(const std::string& chunk_id, const std::string& source_id, const std::string& title,
                const std::string& text, double score) {
  Passage p;
  p.chunk_id = chunk_id;
  p.source = PassageSource{source_id, "ext-" + source_id, title, "https://example.com/" + source_id,
                           std::nullopt};
  p.text = text;
  p.score = score;
  return p;
}

Passage qa_pair(const std::string& chunk_id, const std::string& question, const std::string& answer,
                double score) {
  Passage p = passage(chunk_id, "faq", "FAQ", answer, score);
  p.question = question;
  return p;
}

class ExtractiveAnswererTest : public testing::Test {
 protected:
  std::shared_ptr<const Analyzer> analyzer_ = std::make_shared<const Analyzer>("en");
  ExtractiveAnswerer answerer_{analyzer_};

  Answer ask(const std::string& question, std::vector<Passage> passages,
             std::vector<Turn> history = {}, double threshold = 0.35) {
    AnswerRequest request;
    request.question = question;
    request.history = std::move(history);
    request.settings.confidence_threshold = threshold;
    request.settings.fallback_message = "Sorry, I don't know that one.";
    request.passages = std::move(passages);
    return answerer_.answer(request);
  }

  std::vector<Passage> shop() {
    return {
        passage("c1", "shipping", "Shipping",
                "We ship to every country in the EU. Orders leave our warehouse within two "
                "days. Express delivery costs 9.50 euros per parcel.",
                8.0),
        passage("c2", "returns", "Returns and refunds",
                "You can return any item within 30 days of delivery. Refunds reach your card "
                "within five working days, e.g. for a returned jacket.",
                6.0),
        passage("c3", "company", "About us",
                "Parley Shop was founded in 2019 by Ana Costa. Our office is in Lisbon.", 4.0),
    };
  }
};

TEST_F(ExtractiveAnswererTest, MatchingQaPairWins) {
  auto passages = shop();
  passages.insert(passages.begin() + 1,
                  qa_pair("qa1", "How long do refunds take?",
                          "Refunds take up to five working days after we receive the item.", 5.0));
  Answer answer = ask("how long do refunds take", passages);
  EXPECT_FALSE(answer.fallback);
  EXPECT_EQ(answer.text, "Refunds take up to five working days after we receive the item. [1]");
  ASSERT_EQ(answer.citations.size(), 1u);
  EXPECT_EQ(answer.citations[0].chunk_id, "qa1");
  EXPECT_GE(answer.confidence, 0.35);
}

TEST_F(ExtractiveAnswererTest, ChoosesTheRightSentenceAndCitesItsSource) {
  Answer answer = ask("When was the shop founded?", shop());
  EXPECT_FALSE(answer.fallback);
  EXPECT_EQ(answer.text.rfind("Parley Shop was founded in 2019 by Ana Costa. [1]", 0), 0u)
      << answer.text;
  ASSERT_FALSE(answer.citations.empty());
  EXPECT_EQ(answer.citations[0].n, 1);
  EXPECT_EQ(answer.citations[0].chunk_id, "c3");
  EXPECT_EQ(answer.citations[0].source.id, "company");
  EXPECT_EQ(answer.citations[0].source.url, "https://example.com/company");
}

TEST_F(ExtractiveAnswererTest, ResolvesAFollowUpFromHistory) {
  std::vector<Turn> history = {{Speaker::visitor, "Do you offer express delivery?"},
                               {Speaker::bot, "Orders leave our warehouse within two days."}};
  EXPECT_NE(retrieval_query("and how much does it cost?", history, *analyzer_).find("delivery"),
            std::string::npos);
  Answer answer = ask("and how much does it cost?", shop(), history);
  EXPECT_FALSE(answer.fallback);
  EXPECT_EQ(answer.text.rfind("Express delivery costs 9.50 euros per parcel.", 0), 0u)
      << answer.text;
  EXPECT_EQ(answer.citations[0].chunk_id, "c1");
}

TEST_F(ExtractiveAnswererTest, AStandaloneQuestionIsNotAFollowUp) {
  std::vector<Turn> history = {{Speaker::visitor, "Do you offer express delivery?"}};
  EXPECT_EQ(retrieval_query("Where is your office located?", history, *analyzer_),
            "Where is your office located?");
}

TEST_F(ExtractiveAnswererTest, BelowTheThresholdFallsBackWithTheBotsMessage) {
  Answer answer = ask("Do you sell garden furniture?", shop());
  EXPECT_TRUE(answer.fallback);
  EXPECT_EQ(answer.text, "Sorry, I don't know that one.");
  EXPECT_TRUE(answer.citations.empty());
  EXPECT_TRUE(answer.offer_human);
  EXPECT_TRUE(answer.offer_lead_form);
  EXPECT_LT(answer.confidence, 0.35);

  // The same question answers or falls back with the bot's threshold.
  Answer partial = ask("When was the shop in Porto founded?", shop());
  ASSERT_FALSE(partial.fallback);
  ASSERT_LT(partial.confidence, 0.99);
  EXPECT_TRUE(
      ask("When was the shop in Porto founded?", shop(), {}, partial.confidence + 0.01).fallback);
}

TEST_F(ExtractiveAnswererTest, EmptyOrOddInputDoesNotCrash) {
  EXPECT_TRUE(ask("", shop()).fallback);
  EXPECT_TRUE(ask("When was the shop founded?", {}).fallback);
  EXPECT_TRUE(ask("?!...", shop()).fallback);
  std::vector<Passage> odd = {passage("e", "s", "", "", 0), passage("d", "s", "", "....", 0),
                              passage("u", "s", "", "\xff\xfe broken \xc3", 0)};
  EXPECT_NO_FATAL_FAILURE(ask("broken", odd));
  std::string long_text(100000, 'a');
  EXPECT_NO_FATAL_FAILURE(ask("a", {passage("l", "s", "", long_text, 1)}));
  Answer no_message = answerer_.answer(AnswerRequest{"", {}, {}, {}});
  EXPECT_EQ(no_message.text, kDefaultFallbackMessage);
}

TEST_F(ExtractiveAnswererTest, CitationsAreNumberedInOrderOfAppearance) {
  ExtractiveAnswerer mixing(analyzer_, [] {
    AnswererOptions options;
    options.extras_from_same_passage = false;
    options.extra_sentence_ratio = 0;
    return options;
  }());
  AnswerRequest request;
  request.question = "refund delivery warehouse";
  request.passages = shop();
  Answer answer = mixing.answer(request);
  ASSERT_FALSE(answer.fallback);
  ASSERT_GE(answer.citations.size(), 2u) << answer.text;
  size_t last = 0;
  for (size_t i = 0; i < answer.citations.size(); ++i) {
    EXPECT_EQ(answer.citations[i].n, static_cast<int>(i) + 1);
    size_t at = answer.text.find("[" + std::to_string(i + 1) + "]");
    ASSERT_NE(at, std::string::npos);
    EXPECT_GE(at, last);
    last = at;
  }
}

TEST_F(ExtractiveAnswererTest, AnswersFromAnalysedPassagesKeptAreTheSameAsFresh) {
  ExtractiveAnswerer uncached(analyzer_, [] {
    AnswererOptions options;
    options.analysis_cache_entries = 0;
    return options;
  }());
  const std::vector<std::string> questions = {
      "When was the shop founded?", "how long do refunds take", "Where is your office located?",
      "How much does express delivery cost?", "Do you sell garden furniture?"};
  for (int round = 0; round < 2; ++round) {
    for (const std::string& question : questions) {
      AnswerRequest request;
      request.question = question;
      request.passages = shop();
      Answer kept = answerer_.answer(request);
      Answer fresh = uncached.answer(request);
      EXPECT_EQ(kept.text, fresh.text) << question;
      EXPECT_EQ(kept.confidence, fresh.confidence) << question;
      EXPECT_EQ(kept.fallback, fresh.fallback) << question;
      ASSERT_EQ(kept.citations.size(), fresh.citations.size()) << question;
      for (size_t i = 0; i < kept.citations.size(); ++i) {
        EXPECT_EQ(kept.citations[i].chunk_id, fresh.citations[i].chunk_id);
      }
    }
  }
  // The three passages were analysed once, then found for every later question.
  EXPECT_EQ(answerer_.analysis_cache_stats().misses, 3u);
  EXPECT_EQ(answerer_.analysis_cache_stats().hits, 3u * (2 * questions.size() - 1));
}

TEST_F(ExtractiveAnswererTest, AChunkChangedUnderTheSameIdIsAnalysedAgain) {
  EXPECT_EQ(ask("When was the shop founded?", shop()).citations.at(0).chunk_id, "c3");
  auto changed = shop();
  changed[2].text = "Parley Shop opened its doors in 2021, founded by Rui Lopes.";
  Answer answer = ask("When was the shop founded?", changed);
  ASSERT_FALSE(answer.fallback);
  EXPECT_EQ(answer.text.rfind("Parley Shop opened its doors in 2021, founded by Rui Lopes. [1]", 0),
            0u)
      << answer.text;
  // A new title counts too: its terms are the answer's context.
  changed[2].source.title = "History";
  EXPECT_FALSE(ask("When was the shop founded?", changed).fallback);
  EXPECT_EQ(answerer_.analysis_cache_stats().misses, 3u + 1u + 1u);
}

TEST_F(ExtractiveAnswererTest, TheAnalysisCacheKeepsTheMostRecentlyUsedPassagesOnly) {
  ExtractiveAnswerer small(analyzer_, [] {
    AnswererOptions options;
    options.analysis_cache_entries = 2;
    return options;
  }());
  auto ask_small = [&](std::vector<Passage> passages) {
    AnswerRequest request;
    request.question = "When was the shop founded?";
    request.passages = std::move(passages);
    return small.answer(request);
  };
  auto all = shop();
  ask_small({all[0], all[1]});  // two misses
  ask_small({all[0], all[1]});  // two hits
  ask_small({all[2]});          // a miss; all[0] is the least recent and goes
  ask_small({all[1], all[2]});  // two hits
  ask_small({all[0]});          // a miss again
  EXPECT_EQ(small.analysis_cache_stats().hits, 4u);
  EXPECT_EQ(small.analysis_cache_stats().misses, 4u);
}

TEST_F(ExtractiveAnswererTest, AnalysesKeptElsewhereAreAskedForOnAMissOnly) {
  // Keeps the analysis of the passages whose chunk id it was given, and counts the asks.
  struct Kept : KeptAnalyses {
    std::map<std::string, std::shared_ptr<const PassageAnalysis>> by_chunk;
    mutable int asked = 0;
    std::shared_ptr<const PassageAnalysis> find(const Passage& passage) const override {
      ++asked;
      auto found = by_chunk.find(passage.chunk_id);
      return found == by_chunk.end() ? nullptr : found->second;
    }
  } kept;
  const auto passages = shop();
  const Passage& founded = passages[2];  // the one that answers
  auto analysis = analyse_passage(founded.text, founded.source.title, *analyzer_);
  kept.by_chunk[founded.chunk_id] = std::make_shared<const PassageAnalysis>(analysis);

  AnswerRequest request;
  request.question = "When was the shop founded?";
  request.passages = passages;
  request.kept_analyses = &kept;
  const Answer answer = answerer_.answer(request);
  EXPECT_EQ(answer.text, ask("When was the shop founded?", passages).text);
  EXPECT_EQ(kept.asked, 3);  // each passage missed the cache once
  answerer_.answer(request);
  EXPECT_EQ(kept.asked, 3);  // then all were in the cache
  EXPECT_EQ(answerer_.analysis_cache_stats().misses, 3u);

  // What is kept is used as given: a changed sentence of the kept analysis shows.
  analysis.sentences.clear();  // no sentence left to answer from
  kept.by_chunk[founded.chunk_id] = std::make_shared<const PassageAnalysis>(analysis);
  ExtractiveAnswerer fresh(analyzer_);
  const Answer from_kept = fresh.answer(request);
  for (const Citation& citation : from_kept.citations) {
    EXPECT_NE(citation.chunk_id, founded.chunk_id);
  }
}

}  // namespace
}  // namespace parley
