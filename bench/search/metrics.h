// Retrieval-quality and latency figures for bench_search, defined as pytrec_eval/BEIR
// define them, so that our numbers compare with published ones.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace parley::bench {

// `ranked`: document ids, best first. `judged`: document id -> graded relevance.
// nDCG@k: gain = grade (linear, as trec_eval), discount log2(rank + 1), ideal DCG from the
// judged grades sorted descending; 0 when nothing is relevant.
double ndcg_at(const std::vector<std::string>& ranked, const std::map<std::string, int>& judged,
               size_t k);
// Relevant documents in the first k over all relevant documents.
double recall_at(const std::vector<std::string>& ranked, const std::map<std::string, int>& judged,
                 size_t k);
// 1 / rank of the first relevant document within the first k, else 0.
double mrr_at(const std::vector<std::string>& ranked, const std::map<std::string, int>& judged,
              size_t k);

// The q-quantile (0..1) of the samples, nearest-rank; 0 for no samples.
double percentile(std::vector<double> samples, double q);

// Checks the definitions on hand-computed examples; returns "" or what went wrong.
std::string metrics_self_test();

}  // namespace parley::bench
