// The text analyzer of each bot language (search/analyzer.h), built once and kept: a
// stemmer and a stopword list are costly to build. Used by the feedback and transcript
// services to compare questions and to search transcripts. Safe from many threads.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "search/analyzer.h"

namespace parley {

class AnalyzerCache {
 public:
  std::shared_ptr<const Analyzer> get(const std::string& language);

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const Analyzer>> analyzers_;
};

}  // namespace parley
