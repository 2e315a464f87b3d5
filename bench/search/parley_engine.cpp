// Parley's own engine, as a bot would use it: the English Analyzer and one SearchIndex
// holding every document as a chunk (title and body fields) of one source.
#include <sstream>

#include "engine.h"
#include "search/analyzer.h"
#include "search/search_index.h"

namespace parley::bench {
namespace {

RankingParams ranking_params(const ParleyParams& in) {
  RankingParams params;
  params.k1 = in.k1;
  params.b = in.b;
  if (in.title_weight >= 0) params.title_weight = in.title_weight;
  if (in.body_weight >= 0) params.body_weight = in.body_weight;
  if (in.proximity_weight >= 0) params.proximity_weight = in.proximity_weight;
  if (in.feedback_docs >= 0) params.feedback_docs = in.feedback_docs;
  if (in.feedback_terms >= 0) params.feedback_terms = in.feedback_terms;
  if (in.feedback_weight >= 0) params.feedback_weight = in.feedback_weight;
  if (in.feedback_max_words >= 0) params.feedback_max_words = in.feedback_max_words;
  return params;
}

class ParleyEngine : public Engine {
 public:
  explicit ParleyEngine(const ParleyParams& params)
      : params_(ranking_params(params)), typo_tolerance_(params.typo_tolerance) {}

  std::string name() const override { return "parley"; }
  std::string describe() const override {
    std::ostringstream out;
    out << "parley::SearchIndex, Analyzer(en), k1=" << params_.k1 << " b=" << params_.b
        << " title_weight=" << params_.title_weight << " body_weight=" << params_.body_weight
        << " proximity_weight=" << params_.proximity_weight << " feedback=" << params_.feedback_docs
        << "docs/" << params_.feedback_terms << "terms/" << params_.feedback_weight
        << "weight/up-to-" << params_.feedback_max_words << "words"
        << " typo_tolerance=" << (typo_tolerance_ ? "on" : "off");
    return out.str();
  }

  void build(const std::vector<BeirDoc>& docs) override {
    index_ = std::make_unique<SearchIndex>(std::make_shared<const Analyzer>("en"), params_);
    for (const auto& doc : docs) {
      index_->add(ChunkText{doc.id, "corpus", doc.title, "", doc.text, ""});
    }
  }

  std::vector<std::string> search(const std::string& query, size_t limit) override {
    SearchOptions options;
    options.limit = limit;
    options.typo_tolerance = typo_tolerance_;
    std::vector<std::string> ranked;
    for (auto& hit : index_->search(query, options)) ranked.push_back(std::move(hit.chunk_id));
    return ranked;
  }

  size_t index_bytes() const override { return index_->memory_bytes(); }

 private:
  RankingParams params_;
  bool typo_tolerance_;
  std::unique_ptr<SearchIndex> index_;
};

}  // namespace

std::unique_ptr<Engine> make_parley_engine(const ParleyParams& params) {
  return std::make_unique<ParleyEngine>(params);
}

}  // namespace parley::bench
