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
  // A cheap filter first: the character counts change by at most two per edit. Words
  // over 40 code points are not typo-matched.
  struct Entry {
    uint64_t char_counts;
    uint32_t word_id;
  };

  StringIdMap words_;
  std::vector<std::vector<Entry>> by_length_;  // by length in code points
};

}  // namespace parley
