#include "kb/crawl/near_duplicate.h"

#include <sodium.h>

#include <array>
#include <bit>

#include "core/sodium.h"

namespace parley {
namespace {

constexpr size_t kShingleWords = 3;

// FNV-1a, then a SplitMix64 finalizer so that every output bit depends on every input bit
// (SimHash needs well-spread feature hashes; std::hash is neither stable nor mixed).
uint64_t hash64(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

bool is_word_byte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (unsigned char c : text) {
    if (is_word_byte(c)) {
      word += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

}  // namespace

uint64_t simhash(std::string_view text) {
  const auto words = words_of(text);
  if (words.empty()) return 0;
  std::array<int64_t, 64> weights{};
  auto add_feature = [&](uint64_t h) {
    for (int bit = 0; bit < 64; ++bit) weights[bit] += ((h >> bit) & 1) ? 1 : -1;
  };
  if (words.size() < kShingleWords) {
    std::string all;
    for (const auto& word : words) all += word + ' ';
    add_feature(hash64(all));
  } else {
    for (size_t i = 0; i + kShingleWords <= words.size(); ++i) {
      std::string shingle;
      for (size_t j = 0; j < kShingleWords; ++j) shingle += words[i + j] + ' ';
      add_feature(hash64(shingle));
    }
  }
  uint64_t hash = 0;
  for (int bit = 0; bit < 64; ++bit) {
    if (weights[bit] > 0) hash |= uint64_t{1} << bit;
  }
  return hash;
}

int hamming_distance(uint64_t a, uint64_t b) { return std::popcount(a ^ b); }

std::optional<std::string> NearDuplicates::find(uint64_t hash) const {
  for (const auto& [kept_hash, url] : kept_) {
    if (hamming_distance(hash, kept_hash) <= max_distance_) return url;
  }
  return std::nullopt;
}

void NearDuplicates::add(uint64_t hash, std::string url) {
  kept_.emplace_back(hash, std::move(url));
}

}  // namespace parley
