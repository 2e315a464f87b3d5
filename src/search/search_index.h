// One bot's in-memory retrieval index over its chunks: BM25F over fields (title, headings,
// body, Q&A question) with a proximity bonus, typo tolerance for query words the vocabulary
// lacks, per-bot synonyms and a source filter. Chunks are added and removed one at a time,
// and the ranking is the same as after a full rebuild. Reads may run concurrently with
// each other; add/remove need exclusive access (the caller's shared_mutex).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "search/analyzer.h"
#include "search/sentence_analysis.h"

namespace parley {

// What a chunk offers to retrieval, field by field.
struct ChunkText {
  std::string chunk_id;
  std::string source_id;
  std::string title;
  std::string headings;  // the heading path joined with " > "
  std::string body;
  std::string question;  // Q&A chunks: the question and its alternatives, one per line
};

struct RankingParams {
  double k1 = 1.2;
  double b = 0.75;
  double title_weight = 2.0;
  double headings_weight = 1.5;
  double body_weight = 1.0;
  double question_weight = 3.0;
  double proximity_weight = 0.5;  // bonus for query terms close together in a field
  // Pseudo-relevance feedback: words shared by the best `feedback_docs` chunks of a first
  // pass (up to `feedback_terms` of them) join the query, together worth `feedback_weight`
  // of it. 0 docs: off.
  int feedback_docs = 20;
  int feedback_terms = 20;
  double feedback_weight = 0.4;
  // Questions of more words than this get no feedback: a long question carries its own
  // context, and expansion mostly drifts from it (on SciFact, feedback on the questions of
  // 13 words and more lost nDCG).
  int feedback_max_words = 12;
};

struct SearchOptions {
  size_t limit = 10;
  std::vector<std::string> source_ids;  // empty: every source
  bool typo_tolerance = true;
};

struct SearchHit {
  std::string chunk_id;
  double score = 0;
  std::vector<std::string> matched_terms;  // surface forms that matched, for highlights
};

class SearchIndex {
 public:
  SearchIndex(std::shared_ptr<const Analyzer> analyzer, RankingParams params = {});
  ~SearchIndex();

  // Replaces the chunk when its id is already there.
  void add(const ChunkText& chunk);
  void remove(std::string_view chunk_id);
  size_t size() const;

  // word -> other words that mean the same here (applied to queries, both directions).
  void set_synonyms(const std::map<std::string, std::vector<std::string>>& synonyms);

  std::vector<SearchHit> search(std::string_view query, const SearchOptions& options) const;

  // The chunk's body analysed for the extractive answerer when it was added, with `title`'s
  // terms: what analyse_passage(body, title) gives, without analysing. Null for a chunk not
  // indexed or a Q&A pair.
  std::shared_ptr<const PassageAnalysis> passage_analysis(std::string_view chunk_id,
                                                          std::string_view title) const;

  // Bytes held by the index (postings, vocabulary, documents), for memory accounting.
  size_t memory_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley
