// Reciprocal rank fusion: several rankings of the same items merged by summing
// 1 / (k + rank) over the rankings an item appears in (Cormack et al., 2009). Scores need
// not be comparable across rankings, which is why hybrid search fuses BM25 and vector hits
// this way. Called by the search service.
#pragma once

#include <string>
#include <vector>

namespace parley {

struct FusedHit {
  std::string id;
  double score = 0;
};

inline constexpr double kRrfK = 60;  // the constant of the paper; damps the top ranks

// Each ranking lists ids best first (rank 1 first); an id repeated within one ranking
// counts at its best place. Ties are broken by the best single rank, then by id, so the
// result does not depend on the order of equal scores.
std::vector<FusedHit> reciprocal_rank_fusion(const std::vector<std::vector<std::string>>& rankings,
                                             double k = kRrfK);

}  // namespace parley
