// The small interface bench_search drives each retrieval engine through (Parley, Xapian,
// SQLite FTS5): index a corpus once, then answer queries with ranked document ids.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "beir.h"

namespace parley::bench {

class Engine {
 public:
  virtual ~Engine() = default;
  virtual std::string name() const = 0;
  // Indexes every document (title and text); called once.
  virtual void build(const std::vector<BeirDoc>& docs) = 0;
  // Document ids, best first, at most `limit`.
  virtual std::vector<std::string> search(const std::string& query, size_t limit) = 0;
  // Bytes the built index occupies (in memory or on disk, as the engine keeps it).
  virtual size_t index_bytes() const = 0;
  // How the engine was set up, for the report (parameters, backend).
  virtual std::string describe() const = 0;
};

struct ParleyParams {
  double k1 = 1.2;
  double b = 0.75;
  double title_weight = -1;  // < 0: the library's default
  double body_weight = -1;
  double proximity_weight = -1;
  int feedback_docs = -1;  // < 0: the library's default; 0: no pseudo-relevance feedback
  int feedback_terms = -1;
  double feedback_weight = -1;
  int feedback_max_words = -1;
  bool typo_tolerance = true;
};

// backend: "inmemory" or "glass".
std::unique_ptr<Engine> make_xapian_engine(const std::string& backend);
std::unique_ptr<Engine> make_fts5_engine();
std::unique_ptr<Engine> make_parley_engine(const ParleyParams& params);

}  // namespace parley::bench
