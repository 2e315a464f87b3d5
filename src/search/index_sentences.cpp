#include "search/index_sentences.h"

#include <algorithm>
#include <utility>

#include "search/index_varint.h"

namespace parley {

void put_sentences(std::string_view body, const TextSentences& sentences,
                   std::vector<uint8_t>& out) {
  put_varint(out, static_cast<uint32_t>(sentences.texts.size()));
  for (size_t s = 0; s < sentences.texts.size(); ++s) {
    const std::string_view text = sentences.texts[s];
    const std::vector<Token>& tokens = sentences.tokens[s];
    const size_t offset = static_cast<size_t>(text.data() - body.data());
    for (size_t value : {offset, text.size(), word_count(text), tokens.size()}) {
      put_varint(out, static_cast<uint32_t>(value));
    }
    for (const Token& token : tokens) {
      put_varint(out, token.position - sentences.first_positions[s]);
    }
  }
}

void put_sentence_terms(std::vector<uint32_t> distinct, const std::vector<uint32_t>& tokens,
                        const StringIdMap& terms, std::vector<uint8_t>& out) {
  std::sort(distinct.begin(), distinct.end(),
            [&](uint32_t a, uint32_t b) { return terms.key(a) < terms.key(b); });
  std::vector<std::pair<uint32_t, uint32_t>> index_of(distinct.size());  // term id, index
  put_varint(out, static_cast<uint32_t>(distinct.size()));
  for (uint32_t i = 0; i < distinct.size(); ++i) {
    put_varint(out, distinct[i]);
    index_of[i] = {distinct[i], i};
  }
  std::sort(index_of.begin(), index_of.end());
  for (uint32_t term : tokens) {
    put_varint(out,
               std::lower_bound(index_of.begin(), index_of.end(), std::pair{term, 0u})->second);
  }
}

PassageAnalysis read_sentences(const std::vector<uint8_t>& in, const StringIdMap& terms) {
  PassageAnalysis analysis;
  const uint8_t* p = in.data();
  analysis.sentences.resize(get_varint(p));
  for (AnalysedSentence& sentence : analysis.sentences) {
    sentence.offset = get_varint(p);
    sentence.length = get_varint(p);
    sentence.words = get_varint(p);
    sentence.positions.resize(get_varint(p));
    for (uint32_t& position : sentence.positions) position = get_varint(p);
  }
  analysis.vocabulary.resize(get_varint(p));
  for (std::string& term : analysis.vocabulary) term = terms.key(get_varint(p));
  for (AnalysedSentence& sentence : analysis.sentences) {
    sentence.terms.resize(sentence.positions.size());
    for (uint32_t& term : sentence.terms) term = get_varint(p);
  }
  return analysis;
}

}  // namespace parley
