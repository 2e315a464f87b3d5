#include "search/ranking_proximity.h"

#include <utility>

namespace parley {

ProximityScorer::ProximityScorer(std::vector<double> pair_weights)
    : pair_weights_(std::move(pair_weights)),
      best_distance_(pair_weights_.size(), 0),
      last_position_(pair_weights_.size() + 1, -1) {}

void ProximityScorer::add_field(const std::vector<WordHit>& hits) {
  if (pair_weights_.empty()) return;
  const size_t pairs = pair_weights_.size();
  auto consider = [&](size_t pair, uint32_t distance) {
    if (pair_weights_[pair] <= 0) return;
    if (best_distance_[pair] == 0 || distance < best_distance_[pair]) {
      best_distance_[pair] = distance;
    }
  };
  for (const WordHit& hit : hits) {
    const uint32_t word = hit.word;
    if (word > pairs) continue;
    // In query order: the previous word seen before this one.
    if (word > 0 && last_position_[word - 1] >= 0) {
      consider(word - 1, static_cast<uint32_t>(hit.position - last_position_[word - 1]));
    }
    // Swapped: the next query word seen before this one.
    if (word < pairs && last_position_[word + 1] >= 0) {
      consider(word, static_cast<uint32_t>(hit.position - last_position_[word + 1]) + 1);
    }
    last_position_[word] = hit.position;
  }
  for (auto& position : last_position_) position = -1;
}

double ProximityScorer::take() {
  double bonus = 0;
  for (size_t pair = 0; pair < best_distance_.size(); ++pair) {
    if (best_distance_[pair] == 0) continue;
    const double distance = best_distance_[pair];
    bonus += pair_weights_[pair] / (distance * distance);
    best_distance_[pair] = 0;
  }
  return bonus;
}

}  // namespace parley
