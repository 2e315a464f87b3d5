// bench_search: retrieval quality and speed of Parley against Xapian and SQLite FTS5 on a
// BEIR-layout dataset, all in one run over the same text; prints one JSON object.
//   bench_search DATASET_DIR [--engines parley,xapian,fts5] [--k1 X] [--b X]
//                [--title-weight X] [--body-weight X] [--proximity-weight X] [--no-typo]
//                [--feedback-docs N] [--feedback-terms N] [--feedback-weight X]
//                [--feedback-max-words N]
//                [--rounds N] [--synthetic N] [--xapian-backend inmemory|glass] [--self-test]
// --synthetic N: index N chunks replicated from the corpus (see synthetic.h) and report
// speed, memory and build rate only (the qrels do not judge the copies).
#include <cmath>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "beir.h"
#include "engine.h"
#include "metrics.h"
#include "report_json.h"
#include "runner.h"
#include "synthetic.h"

namespace parley::bench {
namespace {

constexpr const char* kDefaultEngines = "parley,xapian,fts5";
constexpr const char* kDefaultScaleEngines = "parley,xapian";

struct Args {
  std::string dataset_dir = BENCH_SEARCH_DEFAULT_DATASET;
  std::vector<std::string> engines;
  ParleyParams parley;
  size_t rounds = 3;
  size_t synthetic = 0;
  std::string xapian_backend = "inmemory";
  bool self_test = false;
};

std::vector<std::string> split_commas(const std::string& list) {
  std::vector<std::string> items;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

Args parse_args(int argc, char** argv) {
  Args args;
  std::string engines;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--engines") {
      engines = value();
    } else if (arg == "--k1") {
      args.parley.k1 = std::stod(value());
    } else if (arg == "--b") {
      args.parley.b = std::stod(value());
    } else if (arg == "--title-weight") {
      args.parley.title_weight = std::stod(value());
    } else if (arg == "--body-weight") {
      args.parley.body_weight = std::stod(value());
    } else if (arg == "--proximity-weight") {
      args.parley.proximity_weight = std::stod(value());
    } else if (arg == "--feedback-docs") {
      args.parley.feedback_docs = std::stoi(value());
    } else if (arg == "--feedback-terms") {
      args.parley.feedback_terms = std::stoi(value());
    } else if (arg == "--feedback-weight") {
      args.parley.feedback_weight = std::stod(value());
    } else if (arg == "--feedback-max-words") {
      args.parley.feedback_max_words = std::stoi(value());
    } else if (arg == "--no-typo") {
      args.parley.typo_tolerance = false;
    } else if (arg == "--rounds") {
      args.rounds = std::stoul(value());
    } else if (arg == "--synthetic") {
      args.synthetic = std::stoul(value());
    } else if (arg == "--xapian-backend") {
      args.xapian_backend = value();
    } else if (arg == "--self-test") {
      args.self_test = true;
    } else if (!arg.empty() && arg[0] != '-') {
      args.dataset_dir = arg;
    } else {
      throw std::invalid_argument("unknown option " + arg);
    }
  }
  if (engines.empty()) {
    // FTS5 at 100,000 chunks takes minutes per pass and the budgets there compare with
    // Xapian only, so scale mode leaves it out unless asked.
    engines = args.synthetic > 0 ? kDefaultScaleEngines : kDefaultEngines;
  }
  args.engines = split_commas(engines);
  return args;
}

std::unique_ptr<Engine> make_engine(const std::string& name, const Args& args) {
  if (name == "xapian") return make_xapian_engine(args.xapian_backend);
  if (name == "fts5") return make_fts5_engine();
  if (name == "parley") return make_parley_engine(args.parley);
  throw std::invalid_argument("unknown engine " + name + " (parley, xapian, fts5)");
}

double ratio(double a, double b) { return b > 0 ? std::round(a / b * 1000) / 1000 : 0; }

// The budgets, checked on what this run measured (only for engines that ran).
boost::json::object budgets(const std::map<std::string, EngineReport>& reports, bool synthetic) {
  boost::json::object checks;
  auto parley = reports.find("parley");
  if (parley == reports.end()) return checks;
  const EngineReport& p = parley->second;
  auto xapian = reports.find("xapian");
  auto fts5 = reports.find("fts5");
  if (synthetic) {
    checks["p99_under_2ms"] = p.p99_us < 2000;
    checks["memory_at_most_1.5x_raw_text"] = p.index_bytes <= 1.5 * p.raw_text_bytes;
    if (xapian != reports.end()) {
      checks["build_rate_at_least_xapian"] =
          p.build_mb_per_second >= xapian->second.build_mb_per_second;
    }
    return checks;
  }
  checks["ndcg@10_at_least_0.70"] = p.ndcg_at_10 >= 0.70;
  if (xapian != reports.end()) {
    checks["ndcg@10_above_xapian"] = p.ndcg_at_10 > xapian->second.ndcg_at_10;
    checks["qps_at_least_5x_xapian"] =
        p.queries_per_second >= 5 * xapian->second.queries_per_second;
  }
  if (fts5 != reports.end()) {
    checks["ndcg@10_above_fts5"] = p.ndcg_at_10 > fts5->second.ndcg_at_10;
    checks["qps_at_least_20x_fts5"] = p.queries_per_second >= 20 * fts5->second.queries_per_second;
  }
  return checks;
}

boost::json::object ratios(const std::map<std::string, EngineReport>& reports) {
  boost::json::object out;
  auto parley = reports.find("parley");
  if (parley == reports.end()) return out;
  for (const char* other : {"xapian", "fts5"}) {
    auto it = reports.find(other);
    if (it == reports.end()) continue;
    std::string name = other;
    const EngineReport& p = parley->second;
    const EngineReport& o = it->second;
    out["parley_qps_over_" + name] = ratio(p.queries_per_second, o.queries_per_second);
    out["parley_build_rate_over_" + name] = ratio(p.build_mb_per_second, o.build_mb_per_second);
  }
  return out;
}

int run(const Args& args) {
  if (args.self_test) {
    std::string failure = metrics_self_test();
    std::cout << (failure.empty() ? "metrics self-test passed\n" : "FAILED: " + failure + "\n");
    return failure.empty() ? 0 : 1;
  }
  BeirDataset data = load_beir(args.dataset_dir);
  RunOptions options;
  options.rounds = args.rounds;
  if (args.synthetic > 0) {
    data.corpus = replicate_corpus(data.corpus, args.synthetic);
    options.score_quality = false;
  }
  std::map<std::string, EngineReport> reports;
  boost::json::object engines;
  for (const auto& name : args.engines) {
    auto engine = make_engine(name, args);
    std::cerr << "bench_search: " << name << ": indexing " << data.corpus.size()
              << " documents, then " << data.queries.size() << " queries x " << (1 + options.rounds)
              << "\n";
    EngineReport report = run_engine(*engine, data, options);
    engines[name] = to_json(report, options.score_quality);
    reports[name] = std::move(report);
  }
  boost::json::object out;
  out["dataset"] = std::filesystem::weakly_canonical(args.dataset_dir).string();
  out["mode"] = args.synthetic > 0 ? "synthetic" : "beir";
  out["documents"] = data.corpus.size();
  out["queries"] = data.queries.size();
  out["hits_per_query"] = options.limit;
  out["timed_rounds"] = options.rounds;
  out["engines"] = std::move(engines);
  out["ratios"] = ratios(reports);
  out["budgets"] = budgets(reports, args.synthetic > 0);
  std::cout << pretty_json(out);
  return 0;
}

}  // namespace
}  // namespace parley::bench

int main(int argc, char** argv) {
  try {
    return parley::bench::run(parley::bench::parse_args(argc, argv));
  } catch (const std::exception& e) {
    std::cerr << "bench_search: " << e.what() << "\n";
    return 1;
  }
}
