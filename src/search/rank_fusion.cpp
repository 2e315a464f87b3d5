#include "search/rank_fusion.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace parley {

std::vector<FusedHit> reciprocal_rank_fusion(const std::vector<std::vector<std::string>>& rankings,
                                             double k) {
  struct Entry {
    double score = 0;
    size_t best_rank = SIZE_MAX;
  };
  std::unordered_map<std::string, Entry> fused;
  for (const std::vector<std::string>& ranking : rankings) {
    std::unordered_set<std::string> seen;
    for (size_t i = 0; i < ranking.size(); ++i) {
      if (!seen.insert(ranking[i]).second) continue;
      Entry& entry = fused[ranking[i]];
      entry.score += 1.0 / (k + static_cast<double>(i + 1));
      entry.best_rank = std::min(entry.best_rank, i + 1);
    }
  }
  std::vector<std::pair<std::string, Entry>> ordered(fused.begin(), fused.end());
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    if (a.second.score != b.second.score) return a.second.score > b.second.score;
    if (a.second.best_rank != b.second.best_rank) return a.second.best_rank < b.second.best_rank;
    return a.first < b.first;
  });
  std::vector<FusedHit> out;
  out.reserve(ordered.size());
  for (auto& [id, entry] : ordered) out.push_back({std::move(id), entry.score});
  return out;
}

}  // namespace parley
