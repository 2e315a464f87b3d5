#include "search/fuzzy_matcher.h"

#include <algorithm>
#include <array>
#include <cstdlib>

namespace parley {
namespace {

constexpr size_t kMaxWordLength = 40;

// Lenient UTF-8 decoding: an invalid byte stands for itself, so no input is refused.
std::vector<char32_t> code_points(std::string_view text) {
  std::vector<char32_t> out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const size_t extra = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
    bool valid = i + extra < text.size();
    for (size_t k = 1; valid && k <= extra; ++k) {
      valid = (static_cast<unsigned char>(text[i + k]) & 0xc0) == 0x80;
    }
    if (extra == 0 || !valid) {
      out.push_back(lead);
      ++i;
      continue;
    }
    char32_t cp = lead & (0x3f >> extra);
    for (size_t k = 1; k <= extra; ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3f);
    }
    out.push_back(cp);
    i += 1 + extra;
  }
  return out;
}

// Decodes a word of at most kMaxWordLength code points into `out`; false when longer.
bool decode_short(std::string_view text, std::array<char32_t, kMaxWordLength>& out,
                  size_t& length) {
  length = 0;
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (length == kMaxWordLength) return false;
    if (lead < 0x80) {
      out[length++] = lead;
      ++i;
      continue;
    }
    const size_t extra = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
    bool valid = extra > 0 && i + extra < text.size();
    for (size_t k = 1; valid && k <= extra; ++k) {
      valid = (static_cast<unsigned char>(text[i + k]) & 0xc0) == 0x80;
    }
    if (!valid) {
      out[length++] = lead;
      ++i;
      continue;
    }
    char32_t cp = lead & (0x3f >> extra);
    for (size_t k = 1; k <= extra; ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3f);
    }
    out[length++] = cp;
    i += 1 + extra;
  }
  return true;
}

// How often each of 16 classes of characters occurs (a nibble each, saturating): one edit
// moves the counts by at most two in total, so a larger difference rules a word out.
uint64_t char_counts(const char32_t* word, size_t length) {
  uint64_t counts = 0;
  for (size_t i = 0; i < length; ++i) {
    const uint32_t shift = ((static_cast<uint32_t>(word[i]) * 2654435761u) >> 28) * 4;
    if ((counts >> shift & 15) < 15) counts += uint64_t{1} << shift;
  }
  return counts;
}

int count_difference(uint64_t a, uint64_t b) {
  int total = 0;
  for (int shift = 0; shift < 64; shift += 4) {
    total += std::abs(static_cast<int>(a >> shift & 15) - static_cast<int>(b >> shift & 15));
  }
  return total;
}

}  // namespace

std::pair<uint32_t, bool> FuzzyMatcher::insert(std::string_view word) {
  auto [id, inserted] = words_.insert(word);
  if (inserted) {
    const auto cps = code_points(word);
    if (cps.size() <= kMaxWordLength) {
      if (by_length_.size() <= cps.size()) by_length_.resize(cps.size() + 1);
      by_length_[cps.size()].push_back(Entry{char_counts(cps.data(), cps.size()), id});
    }
  }
  return {id, inserted};
}

std::vector<FuzzyMatcher::Match> FuzzyMatcher::near(std::string_view word, int max_distance) const {
  std::vector<Match> matches;
  std::array<char32_t, kMaxWordLength> query, candidate;
  size_t query_length = 0, candidate_length = 0;
  if (max_distance <= 0 || !decode_short(word, query, query_length)) return matches;
  const uint64_t query_counts = char_counts(query.data(), query_length);
  const size_t low =
      query_length > static_cast<size_t>(max_distance) ? query_length - max_distance : 0;
  const size_t high = std::min(query_length + max_distance + 1, by_length_.size());
  for (size_t length = low; length < high; ++length) {
    for (const Entry& entry : by_length_[length]) {
      if (count_difference(entry.char_counts, query_counts) > 2 * max_distance) continue;
      decode_short(words_.key(entry.word_id), candidate, candidate_length);
      const int distance = bounded_distance({query.data(), query_length},
                                            {candidate.data(), candidate_length}, max_distance);
      if (distance <= max_distance) matches.push_back(Match{entry.word_id, distance});
    }
  }
  std::sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.word_id < b.word_id;
  });
  return matches;
}

int FuzzyMatcher::bounded_distance(std::u32string_view a, std::u32string_view b, int max_distance) {
  // Optimal string alignment distance, row by row, stopping once every cell is over.
  const size_t n = b.size();
  if (n > kMaxWordLength + 2) return max_distance + 1;
  std::array<int, kMaxWordLength + 3> rows[3];
  int* before = rows[0].data();
  int* previous = rows[1].data();
  int* current = rows[2].data();
  for (size_t j = 0; j <= n; ++j) previous[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = static_cast<int>(i);
    int row_min = current[0];
    for (size_t j = 1; j <= n; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int value = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        value = std::min(value, before[j - 2] + 1);
      }
      current[j] = value;
      row_min = std::min(row_min, value);
    }
    if (row_min > max_distance) return max_distance + 1;
    int* oldest = before;
    before = previous;
    previous = current;
    current = oldest;
  }
  return std::min(previous[n], max_distance + 1);
}

size_t FuzzyMatcher::memory_bytes() const {
  size_t bytes = words_.memory_bytes() + by_length_.capacity() * sizeof(std::vector<Entry>);
  for (const auto& bucket : by_length_) bytes += bucket.capacity() * sizeof(Entry);
  return bytes;
}

}  // namespace parley
