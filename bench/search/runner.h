// Runs one engine over a dataset for bench_search: times the build, scores one warm-up
// pass against the qrels, then times the queries in a single-threaded loop.
#pragma once

#include <string>

#include "beir.h"
#include "engine.h"

namespace parley::bench {

struct RunOptions {
  size_t limit = 100;                // hits asked per query (Recall@100 needs 100)
  size_t rounds = 3;                 // timed passes over the queries after the warm-up pass
  bool score_quality = true;         // false: the qrels do not name this corpus's ids (synthetic)
  bool ignore_identical_ids = true;  // BEIR's default: a hit whose id is the query's is dropped
};

struct EngineReport {
  std::string engine;
  std::string setup;
  size_t queries = 0;
  double ndcg_at_10 = 0, recall_at_100 = 0, mrr_at_10 = 0;
  double p50_us = 0, p99_us = 0, mean_us = 0, queries_per_second = 0;
  double build_seconds = 0, build_mb_per_second = 0;
  size_t index_bytes = 0, raw_text_bytes = 0, documents = 0;
  // Growth of the process's resident memory during the build: a check on index_bytes
  // (allocator slack included; memory an earlier engine freed can hide some of it).
  size_t resident_growth_bytes = 0;
};

EngineReport run_engine(Engine& engine, const BeirDataset& data, const RunOptions& options);

}  // namespace parley::bench
