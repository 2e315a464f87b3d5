#include "runner.h"

#include <chrono>

#include "metrics.h"
#include "process_memory.h"

namespace parley::bench {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

EngineReport run_engine(Engine& engine, const BeirDataset& data, const RunOptions& options) {
  EngineReport report;
  report.engine = engine.name();
  report.documents = data.corpus.size();
  report.raw_text_bytes = raw_text_bytes(data.corpus);

  size_t resident_before = resident_bytes();
  auto start = Clock::now();
  engine.build(data.corpus);
  report.build_seconds = seconds_since(start);
  size_t resident_after = resident_bytes();
  report.resident_growth_bytes =
      resident_after > resident_before ? resident_after - resident_before : 0;
  report.build_mb_per_second = report.raw_text_bytes / 1e6 / report.build_seconds;
  report.index_bytes = engine.index_bytes();
  report.setup = engine.describe();
  report.queries = data.queries.size();

  // Warm-up pass, which is also the pass the quality figures come from.
  for (const auto& query : data.queries) {
    std::vector<std::string> ranked = engine.search(query.text, options.limit);
    if (!options.score_quality) continue;
    if (options.ignore_identical_ids) std::erase(ranked, query.id);
    const auto& judged = data.qrels.at(query.id);
    report.ndcg_at_10 += ndcg_at(ranked, judged, 10);
    report.recall_at_100 += recall_at(ranked, judged, 100);
    report.mrr_at_10 += mrr_at(ranked, judged, 10);
  }
  if (!data.queries.empty()) {
    report.ndcg_at_10 /= data.queries.size();
    report.recall_at_100 /= data.queries.size();
    report.mrr_at_10 /= data.queries.size();
  }

  std::vector<double> latencies_us;
  latencies_us.reserve(data.queries.size() * options.rounds);
  start = Clock::now();
  for (size_t round = 0; round < options.rounds; ++round) {
    for (const auto& query : data.queries) {
      auto query_start = Clock::now();
      engine.search(query.text, options.limit);
      latencies_us.push_back(seconds_since(query_start) * 1e6);
    }
  }
  double loop_seconds = seconds_since(start);
  report.p50_us = percentile(latencies_us, 0.50);
  report.p99_us = percentile(latencies_us, 0.99);
  report.mean_us = latencies_us.empty() ? 0 : loop_seconds * 1e6 / latencies_us.size();
  report.queries_per_second = loop_seconds > 0 ? latencies_us.size() / loop_seconds : 0;
  return report;
}

}  // namespace parley::bench
