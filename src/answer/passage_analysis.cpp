#include "answer/passage_analysis.h"

namespace parley {

std::shared_ptr<const PassageAnalysis> analysis_of(const Passage& passage, const Analyzer& analyzer,
                                                   const KeptAnalyses* kept) {
  if (auto found = kept ? kept->find(passage) : nullptr) return found;
  return std::make_shared<const PassageAnalysis>(
      analyse_passage(passage.text, passage.source.title, analyzer));
}

std::shared_ptr<const PassageAnalysis> PassageAnalysisCache::find(const Passage& passage) {
  std::lock_guard lock(mutex_);
  auto it = by_chunk_.find(passage.chunk_id);
  if (it == by_chunk_.end()) return nullptr;
  const Entry& entry = *it->second;
  if (entry.text != passage.text || entry.title != passage.source.title) return nullptr;
  recent_.splice(recent_.begin(), recent_, it->second);
  ++stats_.hits;
  return entry.analysis;
}

std::shared_ptr<const PassageAnalysis> PassageAnalysisCache::get(const Passage& passage,
                                                                 const KeptAnalyses* kept) {
  if (capacity_ == 0 || passage.chunk_id.empty()) return analysis_of(passage, analyzer_, kept);
  if (auto found = find(passage)) return found;
  // Made outside the lock: two threads may both make a chunk's; the last one's stays.
  auto analysis = analysis_of(passage, analyzer_, kept);
  std::lock_guard lock(mutex_);
  ++stats_.misses;
  if (auto it = by_chunk_.find(passage.chunk_id); it != by_chunk_.end()) {
    auto entry = it->second;
    by_chunk_.erase(it);
    recent_.erase(entry);
  }
  recent_.push_front(Entry{passage.chunk_id, passage.text, passage.source.title, analysis});
  by_chunk_.emplace(recent_.front().chunk_id, recent_.begin());
  while (recent_.size() > capacity_) {
    by_chunk_.erase(recent_.back().chunk_id);
    recent_.pop_back();
  }
  return analysis;
}

PassageAnalysisCache::Stats PassageAnalysisCache::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace parley
