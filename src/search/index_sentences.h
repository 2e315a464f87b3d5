// A chunk's sentence analysis as the search index keeps it (SearchIndex::passage_analysis):
// what the extractive answerer needs of a body beyond its tokens, as varints. Written in
// two steps while the chunk is added (its sentences before the tokens are interned, its
// terms after), read back into a PassageAnalysis without analysing anything.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "search/index_string_map.h"
#include "search/sentence_analysis.h"

namespace parley {

// The sentence count, then per sentence its offset, length, words and token count, and
// each token's word position in it.
void put_sentences(std::string_view body, const TextSentences& sentences,
                   std::vector<uint8_t>& out);

// The body's distinct terms (term ids) in their strings' order, then each body token's
// index among them (`tokens`: the body's term ids in order). Sorted once here rather than
// at every read.
void put_sentence_terms(std::vector<uint32_t> distinct, const std::vector<uint32_t>& tokens,
                        const StringIdMap& terms, std::vector<uint8_t>& out);

// What the two above wrote, as analyse_passage() gives it (title_terms left empty).
PassageAnalysis read_sentences(const std::vector<uint8_t>& in, const StringIdMap& terms);

}  // namespace parley
