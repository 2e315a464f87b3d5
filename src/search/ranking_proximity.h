// The proximity bonus of the search index's ranking: query words that stand next to each
// other in a chunk's field (a phrase) beat the same words scattered. SearchIndex applies it
// to its best BM25F candidates only, so its cost does not grow with the corpus.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace parley {

// A token of one field that matches query word `word` (0-based, in query order).
struct WordHit {
  uint32_t position;
  uint32_t word;
};

class ProximityScorer {
 public:
  // pair_weights[i]: what query words i and i + 1 standing together is worth (0: not a pair).
  explicit ProximityScorer(std::vector<double> pair_weights);

  // The bonus for one field's hits (in position order); call once per field, then take().
  void add_field(const std::vector<WordHit>& hits);
  // The chunk's bonus: per pair, its weight / distance^2 at the pair's closest approach in
  // any field (a swapped pair counts one further apart). Resets for the next chunk.
  double take();

 private:
  std::vector<double> pair_weights_;
  std::vector<uint32_t> best_distance_;  // per pair, 0: not seen together
  std::vector<int64_t> last_position_;   // per word in the current field, -1: not yet
};

}  // namespace parley
