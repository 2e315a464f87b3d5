#include "search/search_index.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <mutex>
#include <span>
#include <unordered_map>

#include "search/feedback.h"
#include "search/index_memory.h"
#include "search/index_query.h"
#include "search/index_sentences.h"
#include "search/index_varint.h"
#include "search/index_vocabulary.h"
#include "search/ranking_proximity.h"

namespace parley {
namespace {

constexpr size_t kRerankDepth = 10;    // candidates that get the proximity bonus: a first page
constexpr size_t kMaxQueryWords = 64;  // a pasted page is answered by its first words
constexpr size_t kMinSweep = 256;      // removed chunks waiting before a full compaction
constexpr int kBodyField = 2;          // of title, headings, body, question

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

struct Doc {
  const std::string* chunk_id = nullptr;  // the key in Impl::chunk_ids, stored once
  uint32_t source = 0;
  std::array<uint32_t, kIndexFields> length{};  // in words
  uint32_t token_count = 0;                     // every field
  std::vector<uint8_t> tokens;                  // per field: token count, then each token's term id
  // The answerer's sentence analysis of the body (index_sentences.h); empty for a Q&A pair.
  std::vector<uint8_t> sentences;
};

constexpr size_t kMatchBits = 32;  // query terms whose matches are tracked (highlights)

// A chunk's score so far and the query terms it matched (bit i: term i), side by side so
// that adding a term to a chunk touches one cache line.
struct Accumulated {
  float score;
  uint32_t matched;
};

constexpr uint32_t kBlockShift = 6;  // scores are visited in blocks of 64 chunks

// Per-query working memory, reused so that a query allocates almost nothing.
struct Scratch {
  std::vector<Accumulated> scores;  // by doc number, all zero between queries
  // By block of 64 doc numbers: 1 when a chunk of the block may have a score. Scoring only
  // stores flags (it never reads them: nothing for one posting waits on another), and the
  // passes over the scores read the flagged blocks in order.
  std::vector<uint8_t> scored_blocks;
  std::vector<WordHit> hits;
  std::vector<float> model;  // by term id: pseudo-relevance feedback, all zero between queries
};

// Radix selection over scores: positive floats order as their bits do, so a histogram of
// their leading bits shows which bucket holds the k-th best.
struct ScoreHistogram {
  static uint32_t bucket(float score) { return std::bit_cast<uint32_t>(score) >> 19; }
  std::array<uint32_t, 4096> counts{};  // positive floats: bits >> 19 < 4096

  // Buckets under this one hold floats under 2^-122, never a score: histogram() counts
  // unscored chunks there.
  static constexpr uint32_t kFirstScore = 16;

  // The highest bucket that, with those above it, holds at least k scores; 0 when fewer
  // than k are counted.
  uint32_t cutoff(size_t k) const {
    for (uint32_t b = counts.size() - 1, seen = 0; b >= kFirstScore; --b) {
      seen += counts[b];
      if (seen >= k) return b;
    }
    return 0;
  }
};

struct Candidate {
  double score;
  uint32_t doc;
  uint32_t matched;  // query terms found
};

}  // namespace

struct SearchIndex::Impl {
  std::shared_ptr<const Analyzer> analyzer;
  RankingParams params;
  std::array<double, kIndexFields> field_weight{};

  Vocabulary vocabulary;
  SynonymTable synonyms;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> chunk_ids;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> source_numbers;
  std::vector<Doc> docs;               // by doc number
  std::vector<uint8_t> alive;          // by doc number
  std::vector<uint32_t> free_docs;     // numbers no postings list mentions any more
  std::vector<uint32_t> removed_docs;  // numbers still in some postings lists
  uint32_t live_docs = 0;
  std::array<uint64_t, kIndexFields> total_length{};
  std::vector<uint64_t> field_terms;  // add(): (term id << 2 | field) per token

  // What depends on every chunk, recomputed at the first search after a change: length
  // normalization per doc and field (field weight / BM25 length factor, from the average
  // lengths), and the terms that may expand a query (by document frequency).
  mutable std::vector<float> norms;
  mutable std::vector<uint8_t> expandable;
  mutable std::atomic<bool> statistics_stale{true};
  mutable std::mutex statistics_mutex;

  mutable std::mutex scratch_mutex;
  mutable std::vector<std::unique_ptr<Scratch>> scratch_pool;

  void add(const ChunkText& chunk);
  void keep_terms(const std::vector<uint32_t>& body_terms, Doc& doc) const;
  std::shared_ptr<const PassageAnalysis> passage_analysis(std::string_view chunk_id,
                                                          std::string_view title) const;
  void remove(std::string_view chunk_id);
  void sweep();
  void refresh_statistics() const;
  std::vector<SearchHit> search(std::string_view text, const SearchOptions& options) const;
  void accumulate(uint32_t term, double weight, uint32_t bit, Scratch& scratch) const;
  ScoreHistogram histogram(const std::vector<uint8_t>& allowed, const Scratch& scratch) const;
  std::vector<Candidate> collect(uint32_t cutoff, size_t count, const std::vector<uint8_t>& allowed,
                                 Scratch& scratch, bool clear) const;
  bool better(const Candidate& a, const Candidate& b) const {
    if (a.score != b.score) return a.score > b.score;
    return *docs[a.doc].chunk_id < *docs[b.doc].chunk_id;  // never by internal numbering
  }
  void add_feedback(const ParsedQuery& query, std::span<const Candidate> best,
                    Scratch& scratch) const;
  void add_proximity(const ParsedQuery& query, std::span<Candidate> candidates,
                     Scratch& scratch) const;
  std::unique_ptr<Scratch> take_scratch() const;
  void give_back(std::unique_ptr<Scratch> scratch) const;
  size_t memory_bytes() const;
};

void SearchIndex::Impl::add(const ChunkText& chunk) {
  remove(chunk.chunk_id);
  uint32_t number;
  if (!free_docs.empty()) {
    number = free_docs.back();
    free_docs.pop_back();
  } else {
    number = static_cast<uint32_t>(docs.size());
    docs.emplace_back();
    alive.push_back(0);
  }
  Doc& doc = docs[number];
  const std::string* texts[kIndexFields] = {&chunk.title, &chunk.headings, &chunk.body,
                                            &chunk.question};
  field_terms.clear();
  doc.tokens.clear();
  doc.sentences.clear();
  std::vector<uint32_t> body_terms;  // in order
  for (int field = 0; field < kIndexFields; ++field) {
    const std::string& text = *texts[field];
    std::vector<Token> tokens;
    if (field == kBodyField && chunk.question.empty()) {
      // Analysed sentence by sentence: the same tokens, and the body's sentence analysis
      // kept for the answerer from the same work.
      TextSentences sentences = analyse_sentences(text, *analyzer);
      put_sentences(text, sentences, doc.sentences);
      for (std::vector<Token>& piece : sentences.tokens) {
        tokens.insert(tokens.end(), std::make_move_iterator(piece.begin()),
                      std::make_move_iterator(piece.end()));
      }
    } else if (!text.empty()) {
      tokens = analyzer->analyze(text);
    }
    put_varint(doc.tokens, static_cast<uint32_t>(tokens.size()));
    for (const Token& token : tokens) {
      const uint32_t term = vocabulary.intern(token);
      put_varint(doc.tokens, term);
      field_terms.push_back(uint64_t{term} << 2 | field);
      if (field == kBodyField) body_terms.push_back(term);
    }
    // Length in words: the parts of an identifier share its position and do not make
    // the field longer than it reads.
    uint32_t words = 0;
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (i == 0 || tokens[i].position != tokens[i - 1].position) ++words;
    }
    doc.length[field] = words;
    doc.token_count += static_cast<uint32_t>(tokens.size());
    total_length[field] += words;
  }
  doc.tokens.shrink_to_fit();
  std::sort(field_terms.begin(), field_terms.end());
  if (!doc.sentences.empty()) keep_terms(body_terms, doc);
  for (size_t i = 0; i < field_terms.size();) {
    const uint32_t term = static_cast<uint32_t>(field_terms[i] >> 2);
    FieldFreqs freqs{};
    for (; i < field_terms.size() && (field_terms[i] >> 2) == term; ++i) {
      ++freqs[field_terms[i] & 3];
    }
    vocabulary.postings[term].append(number, freqs);
  }

  auto [source, new_source] =
      source_numbers.try_emplace(chunk.source_id, static_cast<uint32_t>(source_numbers.size()));
  doc.source = source->second;
  doc.chunk_id = &chunk_ids.emplace(chunk.chunk_id, number).first->first;
  alive[number] = 1;
  ++live_docs;
  statistics_stale = true;
}

// The answerer's terms of the body (index_sentences.h), from its term ids in field_terms
// (sorted) and in order.
void SearchIndex::Impl::keep_terms(const std::vector<uint32_t>& body_terms, Doc& doc) const {
  std::vector<uint32_t> distinct;
  for (uint64_t field_term : field_terms) {
    const auto term = static_cast<uint32_t>(field_term >> 2);
    if ((field_term & 3) == kBodyField && (distinct.empty() || distinct.back() != term)) {
      distinct.push_back(term);
    }
  }
  put_sentence_terms(std::move(distinct), body_terms, vocabulary.terms, doc.sentences);
  doc.sentences.shrink_to_fit();
}

std::shared_ptr<const PassageAnalysis> SearchIndex::Impl::passage_analysis(
    std::string_view chunk_id, std::string_view title) const {
  const auto found = chunk_ids.find(chunk_id);
  if (found == chunk_ids.end()) return nullptr;
  const Doc& doc = docs[found->second];
  if (doc.sentences.empty()) return nullptr;
  auto analysis =
      std::make_shared<PassageAnalysis>(read_sentences(doc.sentences, vocabulary.terms));
  for (const Token& token : analyzer->analyze(title)) analysis->title_terms.insert(token.term);
  return analysis;
}

void SearchIndex::Impl::remove(std::string_view chunk_id) {
  const auto found = chunk_ids.find(chunk_id);
  if (found == chunk_ids.end()) return;
  const uint32_t number = found->second;
  Doc& doc = docs[number];
  alive[number] = 0;
  --live_docs;

  // The chunk's distinct terms, from its token sequence: each loses one document.
  std::vector<uint32_t> terms;
  const uint8_t* p = doc.tokens.data();
  for (int field = 0; field < kIndexFields; ++field) {
    for (uint32_t count = get_varint(p); count > 0; --count) terms.push_back(get_varint(p));
    total_length[field] -= doc.length[field];
  }
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  const auto is_live = [this](uint32_t d) { return alive[d] != 0; };
  for (uint32_t term : terms) {
    PostingList& list = vocabulary.postings[term];
    list.mark_dead();
    // Mostly dead lists are rewritten, so a query never walks more dead than live entries.
    if (list.dead() > list.live()) list.compact(is_live);
  }

  doc = Doc{};
  chunk_ids.erase(found);
  removed_docs.push_back(number);
  if (removed_docs.size() >= std::max<size_t>(kMinSweep, live_docs / 8)) sweep();
  statistics_stale = true;
}

// Drops every removed chunk from every list, so that its number can be given out again.
void SearchIndex::Impl::sweep() {
  const auto is_live = [this](uint32_t d) { return alive[d] != 0; };
  for (PostingList& list : vocabulary.postings) {
    if (list.dead() > 0) list.compact(is_live);
  }
  free_docs.insert(free_docs.end(), removed_docs.begin(), removed_docs.end());
  removed_docs.clear();
}

void SearchIndex::Impl::refresh_statistics() const {
  if (!statistics_stale.load(std::memory_order_acquire)) return;
  std::lock_guard lock(statistics_mutex);
  if (!statistics_stale.load(std::memory_order_relaxed)) return;
  std::array<double, kIndexFields> average{};
  for (int f = 0; f < kIndexFields; ++f) {
    average[f] = live_docs > 0 ? static_cast<double>(total_length[f]) / live_docs : 0;
  }
  norms.assign(docs.size() * kIndexFields, 0.0f);
  for (size_t d = 0; d < docs.size(); ++d) {
    if (!alive[d]) continue;
    for (int f = 0; f < kIndexFields; ++f) {
      if (docs[d].length[f] == 0) continue;
      const double length_factor = 1 - params.b + params.b * docs[d].length[f] / average[f];
      norms[d * kIndexFields + f] = static_cast<float>(field_weight[f] / length_factor);
    }
  }
  expandable = expandable_terms(vocabulary, live_docs);
  statistics_stale.store(false, std::memory_order_release);
}

std::unique_ptr<Scratch> SearchIndex::Impl::take_scratch() const {
  {
    std::lock_guard lock(scratch_mutex);
    if (!scratch_pool.empty()) {
      auto scratch = std::move(scratch_pool.back());
      scratch_pool.pop_back();
      return scratch;
    }
  }
  return std::make_unique<Scratch>();
}

void SearchIndex::Impl::give_back(std::unique_ptr<Scratch> scratch) const {
  std::lock_guard lock(scratch_mutex);
  scratch_pool.push_back(std::move(scratch));
}

std::vector<SearchHit> SearchIndex::Impl::search(std::string_view text,
                                                 const SearchOptions& options) const {
  if (options.limit == 0 || live_docs == 0) return {};
  std::vector<uint8_t> allowed;  // by source number; empty: every source
  if (!options.source_ids.empty()) {
    allowed.assign(source_numbers.size(), 0);
    for (const auto& id : options.source_ids) {
      if (auto found = source_numbers.find(id); found != source_numbers.end()) {
        allowed[found->second] = 1;
      }
    }
    if (std::find(allowed.begin(), allowed.end(), 1) == allowed.end()) return {};
  }
  auto tokens = analyzer->analyze(text);
  if (tokens.size() > kMaxQueryWords) tokens.resize(kMaxQueryWords);
  const ParsedQuery query =
      parse_query(tokens, vocabulary, synonyms, options.typo_tolerance, live_docs);
  if (query.terms.empty()) return {};
  refresh_statistics();

  auto scratch = take_scratch();
  if (scratch->scores.size() < docs.size()) {
    scratch->scores.resize(docs.size(), Accumulated{0, 0});
    scratch->scored_blocks.resize((docs.size() >> kBlockShift) + 1, 0);
  }

  for (size_t t = 0; t < query.terms.size(); ++t) {
    accumulate(query.terms[t].term, query.terms[t].weight, t < kMatchBits ? 1u << t : 0, *scratch);
  }
  // The best `limit` (at least kRerankDepth) in order; only the first kRerankDepth of them
  // get the proximity bonus, which never lifts them below the rest. With feedback, the
  // first pass's histogram gives both its best chunks and a floor for the final ones:
  // expansion only adds to scores, so the depth-th best stays in or above its bucket.
  const size_t depth = std::max(options.limit, kRerankDepth);
  const ScoreHistogram first_pass = histogram(allowed, *scratch);
  if (params.feedback_docs > 0 && query.words <= static_cast<uint32_t>(params.feedback_max_words)) {
    const auto feedback_docs = static_cast<size_t>(params.feedback_docs);
    add_feedback(query,
                 collect(first_pass.cutoff(feedback_docs), feedback_docs, allowed, *scratch, false),
                 *scratch);
  }
  std::vector<Candidate> candidates =
      collect(first_pass.cutoff(depth), depth, allowed, *scratch, true);
  const size_t reranked = std::min(candidates.size(), kRerankDepth);
  add_proximity(query, {candidates.data(), reranked}, *scratch);
  give_back(std::move(scratch));
  const auto by_rank = [this](const Candidate& a, const Candidate& b) { return better(a, b); };
  std::sort(candidates.begin(), candidates.begin() + reranked, by_rank);

  // Query terms with the same surface word (a typo's candidates, say) highlight it once:
  // each term's bit stands for the first term with its surface.
  const size_t bits = std::min(query.terms.size(), kMatchBits);
  std::array<uint8_t, kMatchBits> first_with_surface{};
  for (size_t t = 0; t < bits; ++t) {
    size_t first = 0;
    while (query.terms[first].surface != query.terms[t].surface) ++first;
    first_with_surface[t] = static_cast<uint8_t>(first);
  }
  std::vector<SearchHit> results;
  results.reserve(std::min(candidates.size(), options.limit));
  for (size_t c = 0; c < std::min(candidates.size(), options.limit); ++c) {
    uint32_t surfaces = 0;
    for (uint32_t m = candidates[c].matched; m != 0; m &= m - 1) {
      surfaces |= 1u << first_with_surface[std::countr_zero(m)];
    }
    SearchHit hit{*docs[candidates[c].doc].chunk_id, candidates[c].score, {}};
    hit.matched_terms.reserve(std::popcount(surfaces));
    for (; surfaces != 0; surfaces &= surfaces - 1) {
      hit.matched_terms.push_back(query.terms[std::countr_zero(surfaces)].surface);
    }
    results.push_back(std::move(hit));
  }
  return results;
}

// Term at a time: BM25F with the fields' frequencies combined before saturation.
void SearchIndex::Impl::accumulate(uint32_t term, double weight, uint32_t bit,
                                   Scratch& scratch) const {
  const PostingList& list = vocabulary.postings[term];
  const auto k1 = static_cast<float>(params.k1);
  const auto term_weight =
      static_cast<float>(weight * bm25_idf(list.live(), live_docs) * (params.k1 + 1));
  Accumulated* const scores = scratch.scores.data();
  uint8_t* const scored_blocks = scratch.scored_blocks.data();
  const bool has_removed = list.dead() != 0;
  const auto norms_of = [this](uint32_t doc) { return &norms[size_t{doc} * kIndexFields]; };
  list.for_each_weighted(norms_of, [&](uint32_t doc, float tf) {
    if (has_removed && !alive[doc]) return;
    Accumulated& entry = scores[doc];
    entry.score += term_weight * tf / (tf + k1);
    entry.matched |= bit;  // expansion terms: 0
    scored_blocks[doc >> kBlockShift] = 1;
  });
}

namespace {

// visit(doc number) for every chunk of the flagged blocks, in order, scored or not.
template <typename Visit>
void for_each_in_scored_blocks(const Scratch& scratch, size_t doc_count, Visit&& visit) {
  for (size_t block = 0; block < scratch.scored_blocks.size(); ++block) {
    if (!scratch.scored_blocks[block]) continue;
    const size_t end = std::min(doc_count, (block + 1) << kBlockShift);
    for (size_t doc = block << kBlockShift; doc < end; ++doc) visit(static_cast<uint32_t>(doc));
  }
}

}  // namespace

// The score histogram of the scored chunks (of the allowed sources): one pass without a
// branch (unscored chunks of a flagged block count in bucket 0, which is never selected).
ScoreHistogram SearchIndex::Impl::histogram(const std::vector<uint8_t>& allowed,
                                            const Scratch& scratch) const {
  ScoreHistogram histogram;
  for_each_in_scored_blocks(scratch, docs.size(), [&](uint32_t doc) {
    // Unscored chunks are spread over the buckets under kFirstScore, so that their counts
    // do not wait on each other.
    uint32_t bucket = ScoreHistogram::bucket(scratch.scores[doc].score);
    bucket |= (bucket == 0) * (doc % ScoreHistogram::kFirstScore);
    histogram.counts[bucket] += allowed.empty() ? 1 : allowed[docs[doc].source];
  });
  return histogram;
}

// The best `count` scored chunks (of the allowed sources) among those in bucket `cutoff`
// or above, best first. With `clear`, the accumulator is left zeroed for the next query in
// the same pass.
std::vector<Candidate> SearchIndex::Impl::collect(uint32_t cutoff, size_t count,
                                                  const std::vector<uint8_t>& allowed,
                                                  Scratch& scratch, bool clear) const {
  cutoff = std::max(cutoff, 1u);  // bucket 0: no score
  std::vector<Candidate> best;
  for_each_in_scored_blocks(scratch, docs.size(), [&](uint32_t doc) {
    Accumulated& entry = scratch.scores[doc];
    if (ScoreHistogram::bucket(entry.score) >= cutoff &&
        (allowed.empty() || allowed[docs[doc].source])) {
      best.push_back({entry.score, doc, entry.matched});
    }
    if (clear) entry = Accumulated{0, 0};
  });
  if (clear) std::fill(scratch.scored_blocks.begin(), scratch.scored_blocks.end(), 0);
  const auto by_rank = [this](const Candidate& a, const Candidate& b) { return better(a, b); };
  if (best.size() > count) {
    std::nth_element(best.begin(), best.begin() + count, best.end(), by_rank);
    best.resize(count);
  }
  std::sort(best.begin(), best.end(), by_rank);
  return best;
}

// Second pass of pseudo-relevance feedback: the expansion terms of the best first-pass
// chunks are added to the same accumulator, so the query's own terms are not scored again.
void SearchIndex::Impl::add_feedback(const ParsedQuery& query, std::span<const Candidate> best,
                                     Scratch& scratch) const {
  std::vector<FeedbackDoc> feedback;
  for (const Candidate& candidate : best) {
    const Doc& doc = docs[candidate.doc];
    feedback.push_back({&doc.tokens, doc.token_count, candidate.score});
  }
  const auto expansion = feedback_terms(feedback, query.terms, vocabulary, expandable,
                                        static_cast<size_t>(params.feedback_terms),
                                        params.feedback_weight, scratch.model);
  for (const ExpansionTerm& term : expansion) accumulate(term.term, term.weight, 0, scratch);
}

// Proximity bonus, from the candidates' token sequences.
void SearchIndex::Impl::add_proximity(const ParsedQuery& query, std::span<Candidate> candidates,
                                      Scratch& scratch) const {
  if (params.proximity_weight == 0 || query.pair_weights.empty()) return;
  const QueryTermLookup query_term(query.terms);
  ProximityScorer proximity(query.pair_weights);
  // A chunk that matched no two neighbouring query words gets no bonus: its tokens are not
  // read. (Known when every term has its bit in Candidate::matched.)
  const bool bits_complete = query.terms.size() <= kMatchBits && query.pair_weights.size() < 64;
  std::array<uint64_t, kMatchBits> word_bit{};
  for (size_t t = 0; bits_complete && t < query.terms.size(); ++t) {
    word_bit[t] = uint64_t{1} << query.terms[t].word;
  }
  auto& hits = scratch.hits;
  for (Candidate& candidate : candidates) {
    uint64_t words = 0;
    for (uint32_t m = candidate.matched; m != 0; m &= m - 1) words |= word_bit[std::countr_zero(m)];
    if (bits_complete && (words & words >> 1) == 0) continue;
    const uint8_t* p = docs[candidate.doc].tokens.data();
    for (int field = 0; field < kIndexFields; ++field) {
      hits.clear();
      const uint32_t count = get_varint(p);
      for (uint32_t position = 0; position < count; ++position) {
        const int index = query_term.find(get_varint(p));
        if (index >= 0) hits.push_back(WordHit{position, query.terms[index].word});
      }
      proximity.add_field(hits);
    }
    candidate.score += params.proximity_weight * proximity.take();
  }
}

size_t SearchIndex::Impl::memory_bytes() const {
  // Hash map nodes: the value, the next pointer and the cached hash; long keys on the heap.
  constexpr size_t kNode = sizeof(std::pair<const std::string, uint32_t>) + 2 * sizeof(void*);
  auto map_bytes = [](const auto& map) {
    size_t bytes = heap_block_bytes(map.bucket_count() * sizeof(void*));
    for (const auto& [key, value] : map) {
      bytes += heap_block_bytes(kNode);
      if (key.capacity() > 15) bytes += heap_block_bytes(key.capacity() + 1);
    }
    return bytes;
  };
  size_t bytes = vocabulary.memory_bytes() + map_bytes(chunk_ids) + map_bytes(source_numbers);
  bytes += docs.capacity() * sizeof(Doc);
  for (const Doc& doc : docs) {
    bytes += heap_block_bytes(doc.tokens.capacity()) + heap_block_bytes(doc.sentences.capacity());
  }
  bytes += alive.capacity() + (free_docs.capacity() + removed_docs.capacity()) * sizeof(uint32_t);
  bytes += field_terms.capacity() * sizeof(uint64_t) + norms.capacity() * sizeof(float) +
           expandable.capacity();
  for (const auto& [key, list] : synonyms) {
    bytes += heap_block_bytes(kNode) + list.capacity() * sizeof(Synonym);
  }
  std::lock_guard lock(scratch_mutex);
  for (const auto& scratch : scratch_pool) {
    bytes += sizeof(Scratch) + scratch->scores.capacity() * sizeof(Accumulated) +
             scratch->scored_blocks.capacity() + scratch->hits.capacity() * sizeof(WordHit) +
             scratch->model.capacity() * sizeof(float);
  }
  return bytes;
}

SearchIndex::SearchIndex(std::shared_ptr<const Analyzer> analyzer, RankingParams params)
    : impl_(std::make_unique<Impl>()) {
  impl_->analyzer = std::move(analyzer);
  impl_->params = params;
  impl_->field_weight = {params.title_weight, params.headings_weight, params.body_weight,
                         params.question_weight};
}

SearchIndex::~SearchIndex() = default;

void SearchIndex::add(const ChunkText& chunk) { impl_->add(chunk); }
void SearchIndex::remove(std::string_view chunk_id) { impl_->remove(chunk_id); }
size_t SearchIndex::size() const { return impl_->live_docs; }

void SearchIndex::set_synonyms(const std::map<std::string, std::vector<std::string>>& synonyms) {
  impl_->synonyms = build_synonym_table(*impl_->analyzer, synonyms);
}

std::vector<SearchHit> SearchIndex::search(std::string_view query,
                                           const SearchOptions& options) const {
  return impl_->search(query, options);
}

size_t SearchIndex::memory_bytes() const { return impl_->memory_bytes(); }

std::shared_ptr<const PassageAnalysis> SearchIndex::passage_analysis(std::string_view chunk_id,
                                                                     std::string_view title) const {
  return impl_->passage_analysis(chunk_id, title);
}

}  // namespace parley
