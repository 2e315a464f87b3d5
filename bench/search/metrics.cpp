#include "metrics.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace parley::bench {
namespace {

int grade_of(const std::map<std::string, int>& judged, const std::string& id) {
  auto it = judged.find(id);
  return it == judged.end() ? 0 : it->second;
}

}  // namespace

double ndcg_at(const std::vector<std::string>& ranked, const std::map<std::string, int>& judged,
               size_t k) {
  double dcg = 0;
  for (size_t i = 0; i < std::min(k, ranked.size()); ++i) {
    int grade = grade_of(judged, ranked[i]);
    if (grade > 0) dcg += grade / std::log2(i + 2.0);
  }
  std::vector<int> ideal;
  for (const auto& [id, grade] : judged) {
    if (grade > 0) ideal.push_back(grade);
  }
  std::sort(ideal.begin(), ideal.end(), std::greater<>());
  double idcg = 0;
  for (size_t i = 0; i < std::min(k, ideal.size()); ++i) idcg += ideal[i] / std::log2(i + 2.0);
  return idcg > 0 ? dcg / idcg : 0;
}

double recall_at(const std::vector<std::string>& ranked, const std::map<std::string, int>& judged,
                 size_t k) {
  size_t relevant = 0;
  for (const auto& [id, grade] : judged) relevant += grade > 0 ? 1 : 0;
  if (relevant == 0) return 0;
  size_t found = 0;
  for (size_t i = 0; i < std::min(k, ranked.size()); ++i) {
    found += grade_of(judged, ranked[i]) > 0 ? 1 : 0;
  }
  return static_cast<double>(found) / relevant;
}

double mrr_at(const std::vector<std::string>& ranked, const std::map<std::string, int>& judged,
              size_t k) {
  for (size_t i = 0; i < std::min(k, ranked.size()); ++i) {
    if (grade_of(judged, ranked[i]) > 0) return 1.0 / (i + 1);
  }
  return 0;
}

double percentile(std::vector<double> samples, double q) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  auto rank = static_cast<size_t>(std::ceil(q * samples.size()));
  return samples[std::clamp<size_t>(rank, 1, samples.size()) - 1];
}

std::string metrics_self_test() {
  auto near = [](double a, double b) { return std::abs(a - b) < 1e-9; };
  const std::map<std::string, int> judged = {{"a", 2}, {"b", 1}, {"c", 0}};
  // a relevant doc at rank 2 (grade 1) and rank 3 (grade 2):
  // DCG = 1/log2(3) + 2/log2(4) = 0.63093 + 1; IDCG = 2/log2(2) + 1/log2(3) = 2.63093.
  const std::vector<std::string> ranked = {"x", "b", "a", "c"};
  double expected = (1 / std::log2(3.0) + 1.0) / (2.0 + 1 / std::log2(3.0));
  if (!near(ndcg_at(ranked, judged, 10), expected)) return "ndcg@10 of a hand example";
  if (!near(ndcg_at(ranked, judged, 2), (1 / std::log2(3.0)) / (2 + 1 / std::log2(3.0)))) {
    return "ndcg@2 must cut both DCG and ideal DCG at 2";
  }
  if (!near(ndcg_at({"a", "b"}, judged, 10), 1.0)) return "ndcg of the ideal ranking";
  if (!near(recall_at(ranked, judged, 2), 0.5)) return "recall@2";
  if (!near(recall_at(ranked, judged, 100), 1.0)) return "recall@100";
  if (!near(mrr_at(ranked, judged, 10), 0.5)) return "mrr@10";
  if (!near(mrr_at(ranked, judged, 1), 0.0)) return "mrr@1";
  if (!near(ndcg_at({}, judged, 10), 0.0)) return "ndcg of no results";
  if (percentile({5, 1, 3, 2, 4}, 0.5) != 3 || percentile({5, 1, 3, 2, 4}, 0.99) != 5) {
    return "percentile";
  }
  return "";
}

}  // namespace parley::bench
