// Typo tolerance for the search index: the vocabulary's surface words, and a lookup of the
// words within one or two edits of a query word the vocabulary lacks ("pasword").
// Called by SearchIndex; insert-only, reads are safe from many threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "search/index_string_map.h"

namespace parley {

class FuzzyMatcher {
 public:
  struct Match {
    uint32_t word_id;
    int distance;
  };

  // The word's id (dense, from 0) and whether it was new.
  std::pair<uint32_t, bool> insert(std::string_view word);
  uint32_t find(std::string_view word) const { return words_.find(word); }
  std::string_view word(uint32_t id) const { return words_.key(id); }
  size_t size() const { return words_.size(); }

  // Words within `max_distance` edits (insertion, deletion, substitution, or swap of two
  // neighbours, counted in code points), nearest first.
  std::vector<Match> near(std::string_view word, int max_distance) const;

  size_t memory_bytes() const;

  // Edit distance between two code point strings, or max_distance + 1 when larger.
  static int bounded_distance(std::u32string_view a, std::u32string_view b, int max_distance);

 private:
  // The lookup is a deletion neighbourhood (as in SymSpell): two words within d edits
  // share a string reached by at most d deletions from each, so every word is filed under
  // the hashes of the deletions of its first 7 code points (as many as queries of 5 and 9
  // code points need), a query looks up its own, and a real edit distance confirms each
  // candidate. Hash collisions only add candidates. Words over 40 code points are not
  // typo-matched. A lookup the neighbourhood does not cover scans every word.
  std::vector<Match> near_by_scan(std::u32string_view word, int max_distance) const;
  void add_deletions(std::u32string_view word, uint32_t word_id);
  void place(uint32_t hash, uint32_t word_id);

  StringIdMap words_;
  // Open addressing with duplicate keys, by deletion hash: a word id and a fingerprint.
  std::vector<uint32_t> deletions_;
  size_t deletion_count_ = 0;
};

}  // namespace parley
