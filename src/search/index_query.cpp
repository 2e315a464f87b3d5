#include "search/index_query.h"

#include <algorithm>

namespace parley {
namespace {

constexpr double kSynonymWeight = 0.6;
constexpr double kTypoWeight[] = {1.0, 0.8, 0.6};  // by edit distance
constexpr size_t kTypoAlternatives = 3;            // nearest spellings kept per word

size_t code_point_count(std::string_view text) {
  return std::count_if(text.begin(), text.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; });
}

bool has_digit(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void add_term(ParsedQuery& query, uint32_t term, double weight, uint32_t word,
              std::string_view surface) {
  for (QueryTerm& existing : query.terms) {
    if (existing.term != term) continue;
    // A word the question repeats counts more; an expansion never adds to a real word.
    existing.weight = weight >= 1 ? existing.weight + weight : std::max(existing.weight, weight);
    return;
  }
  query.terms.push_back(QueryTerm{term, weight, word, std::string(surface)});
}

// Near spellings of a word the vocabulary lacks: 1 edit from 5 characters, 2 from 9.
// Identifiers and numbers are exact ("E-1042" must not find "E-1043").
void add_typo_terms(ParsedQuery& query, const Token& token, uint32_t word,
                    const Vocabulary& vocabulary) {
  const size_t length = code_point_count(token.surface);
  if (length < 5 || has_digit(token.surface)) return;
  const int max_distance = length >= 9 ? 2 : 1;
  std::vector<std::pair<uint32_t, uint32_t>> found;  // (df, word id) at the nearest distance
  int nearest = max_distance + 1;
  for (const auto& match : vocabulary.surfaces.near(token.surface, max_distance)) {
    if (match.distance > nearest) break;
    const uint32_t term = vocabulary.surface_term[match.word_id];
    const uint32_t df = vocabulary.postings[term].live();
    if (df == 0) continue;
    nearest = match.distance;
    found.emplace_back(df, match.word_id);
  }
  // The most common spellings are the likeliest meant.
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  size_t kept = 0;
  for (const auto& [df, word_id] : found) {
    if (kept == kTypoAlternatives) break;
    const uint32_t term = vocabulary.surface_term[word_id];
    const size_t before = query.terms.size();
    add_term(query, term, kTypoWeight[nearest], word, vocabulary.surfaces.word(word_id));
    if (query.terms.size() > before) ++kept;
  }
}

void add_synonym_terms(ParsedQuery& query, const std::vector<Token>& tokens, size_t at,
                       uint32_t word, const Vocabulary& vocabulary, const SynonymTable& synonyms) {
  const auto entry = synonyms.find(tokens[at].term);
  if (entry == synonyms.end()) return;
  for (const Synonym& synonym : entry->second) {
    if (at + synonym.from.size() > tokens.size()) continue;
    bool follows = true;
    for (size_t k = 1; k < synonym.from.size() && follows; ++k) {
      follows = tokens[at + k].term == synonym.from[k];
    }
    if (!follows) continue;
    for (size_t k = 0; k < synonym.to.size(); ++k) {
      const uint32_t term = vocabulary.live_term(synonym.to[k]);
      if (term != StringIdMap::kNone) {
        add_term(query, term, kSynonymWeight, word, synonym.surfaces[k]);
      }
    }
  }
}

}  // namespace

SynonymTable build_synonym_table(const Analyzer& analyzer,
                                 const std::map<std::string, std::vector<std::string>>& entries) {
  SynonymTable table;
  auto analyzed = [&](const std::string& text) {
    Synonym part;
    for (const Token& token : analyzer.analyze(text)) {
      part.to.push_back(token.term);
      part.surfaces.push_back(token.surface);
    }
    return part;
  };
  for (const auto& [key, values] : entries) {
    std::vector<Synonym> group{analyzed(key)};
    for (const auto& value : values) group.push_back(analyzed(value));
    for (size_t a = 0; a < group.size(); ++a) {
      for (size_t b = 0; b < group.size(); ++b) {
        if (a == b || group[a].to.empty() || group[b].to.empty() || group[a].to == group[b].to) {
          continue;
        }
        Synonym synonym{group[a].to, group[b].to, group[b].surfaces};
        auto& list = table[synonym.from[0]];
        const bool known = std::any_of(list.begin(), list.end(), [&](const Synonym& s) {
          return s.from == synonym.from && s.to == synonym.to;
        });
        if (!known) list.push_back(std::move(synonym));
      }
    }
  }
  return table;
}

ParsedQuery parse_query(const std::vector<Token>& tokens, const Vocabulary& vocabulary,
                        const SynonymTable& synonyms, bool typo_tolerance, uint32_t live_docs) {
  ParsedQuery query;
  // Parts of an identifier share its position ("e-1042", "1042"): they are one word.
  uint32_t words = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i == 0 || tokens[i].position != tokens[i - 1].position) ++words;
    const uint32_t word = words - 1;
    const uint32_t term = vocabulary.live_term(tokens[i].term);
    if (term != StringIdMap::kNone) {
      add_term(query, term, 1.0, word, tokens[i].surface);
    } else if (typo_tolerance) {
      add_typo_terms(query, tokens[i], word, vocabulary);
    }
    if (!synonyms.empty()) add_synonym_terms(query, tokens, i, word, vocabulary, synonyms);
  }
  query.words = words;
  // A pair of neighbouring words is worth what the rarer of the two is worth.
  std::vector<double> word_idf(words, 0);
  for (const QueryTerm& term : query.terms) {
    const double idf = bm25_idf(vocabulary.postings[term.term].live(), live_docs);
    word_idf[term.word] = std::max(word_idf[term.word], idf * std::min(term.weight, 1.0));
  }
  for (size_t i = 0; i + 1 < words; ++i) {
    query.pair_weights.push_back(std::min(word_idf[i], word_idf[i + 1]));
  }
  return query;
}

}  // namespace parley
