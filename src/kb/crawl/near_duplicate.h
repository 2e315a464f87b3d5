// Fingerprints of a page's main text: SimHash to skip near-duplicate pages during a crawl,
// SHA-256 to tell on re-sync whether a page changed. Used by the crawler.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/sha256.h"  // sha256_hex: the content hash compared on re-sync

namespace parley {

// 64-bit SimHash over overlapping 3-word shingles of the text (words: runs of letters and
// digits, ASCII lower-cased; UTF-8 bytes count as letters). Texts that differ in a few
// words give hashes a few bits apart; unrelated texts differ in about half the bits.
uint64_t simhash(std::string_view text);

int hamming_distance(uint64_t a, uint64_t b);

// The kept pages' SimHashes. Not thread-safe: the crawler holds its lock around it.
class NearDuplicates {
 public:
  // With 3-word shingles, d bits apart means roughly (d*pi/64)^2/6 of the words differ:
  // 6 bits is about 1.5% (a date, a counter, a word or two in a hundred), while unrelated
  // texts are about 32 bits apart (measured: never under 18). 3 bits, the web-scale figure,
  // missed most one-word changes in pages of a few hundred words.
  static constexpr int kDefaultMaxDistance = 6;

  explicit NearDuplicates(int max_distance = kDefaultMaxDistance) : max_distance_(max_distance) {}

  // The URL of a kept page within max_distance of `hash`, if any.
  std::optional<std::string> find(uint64_t hash) const;
  void add(uint64_t hash, std::string url);

 private:
  int max_distance_;
  std::vector<std::pair<uint64_t, std::string>> kept_;
};

}  // namespace parley
