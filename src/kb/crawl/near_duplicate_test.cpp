#include "kb/crawl/near_duplicate.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

// A few hundred words of ordinary prose, made of numbered sentences so texts differ.
std::string prose(int seed, int sentences) {
  static const char* kWords[] = {"delivery", "returns",  "order",   "parcel",   "refund",  "store",
                                 "customer", "within",   "days",    "shipping", "free",    "above",
                                 "account",  "payment",  "card",    "invoice",  "support", "team",
                                 "answer",   "question", "product", "warranty", "repair",  "size"};
  std::string text;
  unsigned state = static_cast<unsigned>(seed) * 2654435761u + 1;
  for (int s = 0; s < sentences; ++s) {
    for (int w = 0; w < 12; ++w) {
      state = state * 1103515245u + 12345u;
      text += kWords[(state >> 16) % 24];
      text += ' ';
    }
    text += "sentence" + std::to_string(s) + ". ";
  }
  return text;
}

TEST(NearDuplicate, IdenticalTextIsTheSameHash) {
  const std::string text = prose(1, 20);
  EXPECT_EQ(simhash(text), simhash(text));
  EXPECT_EQ(simhash("Hello, World!"), simhash("hello   world"));  // case and punctuation
}

TEST(NearDuplicate, AOneWordChangeIsNear) {
  const std::string text = prose(1, 25);
  std::string edited = text;
  edited.replace(edited.find("sentence12"), 10, "sentence99");
  EXPECT_LE(hamming_distance(simhash(text), simhash(edited)), NearDuplicates::kDefaultMaxDistance);
}

TEST(NearDuplicate, DifferentTextsAreFar) {
  for (int seed = 2; seed < 30; ++seed) {
    EXPECT_GT(hamming_distance(simhash(prose(1, 25)), simhash(prose(seed, 25))),
              NearDuplicates::kDefaultMaxDistance * 2)
        << seed;
  }
}

TEST(NearDuplicate, IndexFindsTheKeptPage) {
  NearDuplicates kept;
  kept.add(simhash(prose(1, 25)), "https://example.com/a");
  kept.add(simhash(prose(2, 25)), "https://example.com/b");
  std::string edited = prose(2, 25);
  edited.replace(edited.find("sentence3"), 9, "sentenceX");
  EXPECT_EQ(kept.find(simhash(edited)), "https://example.com/b");
  EXPECT_EQ(kept.find(simhash(prose(3, 25))), std::nullopt);
}

TEST(NearDuplicate, Sha256IsTheStandardOne) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace parley
