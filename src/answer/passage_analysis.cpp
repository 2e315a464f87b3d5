#include "answer/passage_analysis.h"

#include <algorithm>
#include <numeric>

#include "answer/sentence_splitter.h"

namespace parley {
namespace {

size_t word_count(std::string_view text) {
  size_t words = 0;
  bool in_word = false;
  for (char c : text) {
    bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

}  // namespace

PassageAnalysis analyse_passage(const Passage& passage, const Analyzer& analyzer) {
  PassageAnalysis out;
  for (const Token& token : analyzer.analyze(passage.source.title)) {
    out.title_terms.insert(token.term);
  }
  std::unordered_map<std::string_view, uint32_t> index;
  // The vocabulary's strings must not move while `index` views them.
  std::vector<std::unique_ptr<std::string>> owned;
  for (std::string_view text : split_sentences(passage.text)) {
    AnalysedSentence sentence;
    sentence.offset = static_cast<size_t>(text.data() - passage.text.data());
    sentence.length = text.size();
    sentence.words = word_count(text);
    std::vector<Token> tokens = analyzer.analyze(text);
    sentence.terms.reserve(tokens.size());
    sentence.positions.reserve(tokens.size());
    for (Token& token : tokens) {
      auto it = index.find(token.term);
      if (it == index.end()) {
        owned.push_back(std::make_unique<std::string>(std::move(token.term)));
        it = index.emplace(*owned.back(), static_cast<uint32_t>(owned.size() - 1)).first;
      }
      sentence.terms.push_back(it->second);
      sentence.positions.push_back(token.position);
    }
    out.sentences.push_back(std::move(sentence));
  }
  // Sorted, so that a question's few terms are looked up rather than every term checked.
  std::vector<uint32_t> order(owned.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return *owned[a] < *owned[b]; });
  std::vector<uint32_t> rank(owned.size());
  for (uint32_t r = 0; r < order.size(); ++r) rank[order[r]] = r;
  for (AnalysedSentence& sentence : out.sentences) {
    for (uint32_t& term : sentence.terms) term = rank[term];
  }
  out.vocabulary.reserve(owned.size());
  for (uint32_t i : order) out.vocabulary.push_back(std::move(*owned[i]));
  return out;
}

int64_t PassageAnalysis::term_index(std::string_view term) const {
  auto it = std::lower_bound(vocabulary.begin(), vocabulary.end(), term,
                             [](const std::string& a, std::string_view b) { return a < b; });
  return it != vocabulary.end() && *it == term ? it - vocabulary.begin() : -1;
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

std::shared_ptr<const PassageAnalysis> PassageAnalysisCache::get(const Passage& passage) {
  if (capacity_ == 0 || passage.chunk_id.empty()) {
    return std::make_shared<const PassageAnalysis>(analyse_passage(passage, analyzer_));
  }
  if (auto found = find(passage)) return found;
  // Analysed outside the lock: two threads may both analyse a chunk; the last one's stays.
  auto analysis = std::make_shared<const PassageAnalysis>(analyse_passage(passage, analyzer_));
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
