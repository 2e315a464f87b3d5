#include "search/fuzzy_matcher.h"

#include <algorithm>
#include <array>

#include "search/index_memory.h"

namespace parley {
namespace {

constexpr size_t kMaxWordLength = 40;

// A slot is (8 bits of the deletion's hash << kIdBits) | (word id + 1); 0 is empty.
constexpr uint32_t kIdBits = 24;
constexpr uint32_t kFiledWords = (1u << kIdBits) - 1;  // ids from here on are scanned

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

// Deletions are taken from the first kPrefix code points only (SymSpell's prefix): the
// prefixes of two words within d edits are still d deletions each from a common string,
// and a long word files 29 strings rather than ~70.
constexpr size_t kPrefix = 7;

std::u32string_view prefix(std::u32string_view word) {
  return word.substr(0, std::min(word.size(), kPrefix));
}

// How many deletions a word of `length` code points files (-1: none, not even itself):
// 1 from 4 and 2 from 7 serve the caller's queries (1 edit from 5 code points, 2 from 9).
int deletions_filed(size_t length) { return length >= 7 ? 2 : length >= 4 ? 1 : -1; }

// Whether the filed deletions find every word within `max_distance` of a query this long.
bool covered(size_t query_length, int max_distance) {
  if (max_distance > 2) return false;
  const size_t d = static_cast<size_t>(max_distance);
  const size_t low = query_length > d ? query_length - d : 0;
  for (size_t length = low; length <= std::min(query_length + d, kMaxWordLength); ++length) {
    if (deletions_filed(length) < max_distance) return false;
  }
  return true;
}

// Hash of `word` without the code points at `skip1` and `skip2` (npos: none skipped).
uint32_t hash_without(std::u32string_view word, size_t skip1, size_t skip2) {
  uint64_t hash = 0x9e3779b97f4a7c15u;
  for (size_t i = 0; i < word.size(); ++i) {
    if (i == skip1 || i == skip2) continue;
    hash = (hash ^ static_cast<uint64_t>(word[i])) * 0xff51afd7ed558ccdu;
    hash ^= hash >> 31;
  }
  hash = (hash ^ (hash >> 33)) * 0xc4ceb9fe1a85ec53u;
  return static_cast<uint32_t>(hash >> 32);
}

// Hashes of every string `up_to` deletions away from `word` (itself included), distinct.
std::vector<uint32_t> deletion_hashes(std::u32string_view word, int up_to) {
  constexpr size_t kNone = std::u32string_view::npos;
  std::vector<uint32_t> hashes{hash_without(word, kNone, kNone)};
  const size_t n = word.size();
  for (size_t i = 0; up_to >= 1 && i < n; ++i) {
    // Deleting either of two equal neighbours gives the same string: file it once.
    if (i == 0 || word[i] != word[i - 1]) hashes.push_back(hash_without(word, i, kNone));
    for (size_t j = i + 1; up_to >= 2 && j < n; ++j) {
      hashes.push_back(hash_without(word, i, j));
    }
  }
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  return hashes;
}

void sort_matches(std::vector<FuzzyMatcher::Match>& matches) {
  std::sort(matches.begin(), matches.end(), [](const auto& a, const auto& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.word_id < b.word_id;
  });
}

}  // namespace

std::pair<uint32_t, bool> FuzzyMatcher::insert(std::string_view word) {
  auto [id, inserted] = words_.insert(word);
  if (inserted) {
    std::array<char32_t, kMaxWordLength> cps;
    size_t length = 0;
    if (decode_short(word, cps, length)) add_deletions({cps.data(), length}, id);
  }
  return {id, inserted};
}

void FuzzyMatcher::add_deletions(std::u32string_view word, uint32_t word_id) {
  const int up_to = deletions_filed(word.size());
  if (up_to < 0 || word_id >= kFiledWords) return;  // later ids are scanned
  const std::vector<uint32_t> hashes = deletion_hashes(prefix(word), up_to);
  // Load at most 0.7: the table is most of this class's memory, and probes stay short.
  if ((deletion_count_ + hashes.size()) * 10 > deletions_.size() * 7) {
    size_t size = std::max<size_t>(1024, deletions_.size());
    while ((deletion_count_ + hashes.size()) * 10 > size * 7) size *= 2;
    // Slots keep only 8 bits of their hash, so a larger table files every word again.
    deletions_.assign(size, 0);
    deletion_count_ = 0;
    std::array<char32_t, kMaxWordLength> cps;
    size_t length = 0;
    for (uint32_t id = 0; id < word_id; ++id) {
      if (!decode_short(words_.key(id), cps, length)) continue;
      const int filed = deletions_filed(length);
      if (filed < 0) continue;
      for (const uint32_t hash : deletion_hashes(prefix({cps.data(), length}), filed)) {
        place(hash, id);
      }
    }
  }
  for (const uint32_t hash : hashes) place(hash, word_id);
}

void FuzzyMatcher::place(uint32_t hash, uint32_t word_id) {
  const size_t mask = deletions_.size() - 1;
  size_t slot = hash & mask;
  while (deletions_[slot] != 0) slot = (slot + 1) & mask;
  deletions_[slot] = (hash >> kIdBits) << kIdBits | (word_id + 1);
  ++deletion_count_;
}

std::vector<FuzzyMatcher::Match> FuzzyMatcher::near(std::string_view word, int max_distance) const {
  std::array<char32_t, kMaxWordLength> query, candidate;
  size_t query_length = 0, candidate_length = 0;
  if (max_distance <= 0 || !decode_short(word, query, query_length)) return {};
  const std::u32string_view query_view(query.data(), query_length);
  if (!covered(query_length, max_distance)) {
    return near_by_scan(query_view, max_distance);
  }
  std::vector<uint32_t> candidates;
  if (!deletions_.empty()) {
    const size_t mask = deletions_.size() - 1;
    for (const uint32_t hash : deletion_hashes(prefix(query_view), max_distance)) {
      for (size_t slot = hash & mask; deletions_[slot] != 0; slot = (slot + 1) & mask) {
        if (deletions_[slot] >> kIdBits == hash >> kIdBits) {
          candidates.push_back((deletions_[slot] & kFiledWords) - 1);
        }
      }
    }
  }
  for (uint32_t id = kFiledWords; id < words_.size(); ++id) candidates.push_back(id);
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  std::vector<Match> matches;
  for (const uint32_t id : candidates) {
    decode_short(words_.key(id), candidate, candidate_length);
    const size_t gap = candidate_length > query_length ? candidate_length - query_length
                                                       : query_length - candidate_length;
    if (gap > static_cast<size_t>(max_distance)) continue;
    const int distance =
        bounded_distance(query_view, {candidate.data(), candidate_length}, max_distance);
    if (distance <= max_distance) matches.push_back(Match{id, distance});
  }
  sort_matches(matches);
  return matches;
}

std::vector<FuzzyMatcher::Match> FuzzyMatcher::near_by_scan(std::u32string_view word,
                                                            int max_distance) const {
  std::vector<Match> matches;
  std::array<char32_t, kMaxWordLength> candidate;
  size_t length = 0;
  for (uint32_t id = 0; id < words_.size(); ++id) {
    if (!decode_short(words_.key(id), candidate, length)) continue;
    const size_t gap = length > word.size() ? length - word.size() : word.size() - length;
    if (gap > static_cast<size_t>(max_distance)) continue;
    const int distance = bounded_distance(word, {candidate.data(), length}, max_distance);
    if (distance <= max_distance) matches.push_back(Match{id, distance});
  }
  sort_matches(matches);
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
  return words_.memory_bytes() + heap_block_bytes(deletions_.capacity() * sizeof(uint32_t));
}

}  // namespace parley
