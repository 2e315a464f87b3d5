#include "chat/analyzers.h"

namespace parley {

std::shared_ptr<const Analyzer> AnalyzerCache::get(const std::string& language) {
  std::lock_guard lock(mutex_);
  auto& analyzer = analyzers_[language];
  if (!analyzer) analyzer = std::make_shared<const Analyzer>(language);
  return analyzer;
}

}  // namespace parley
