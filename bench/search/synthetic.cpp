#include "synthetic.h"

#include <algorithm>
#include <cctype>
#include <random>

namespace parley::bench {
namespace {

std::vector<std::string> split_sentences(const std::string& text) {
  std::vector<std::string> sentences;
  size_t begin = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    bool end = text[i] == '.' && (i + 1 == text.size() || text[i + 1] == ' ');
    if (!end) continue;
    sentences.push_back(text.substr(begin, i + 1 - begin));
    begin = i + 1;
    while (begin < text.size() && text[begin] == ' ') ++begin;
  }
  if (begin < text.size()) sentences.push_back(text.substr(begin));
  return sentences;
}

// Swaps two adjacent letters inside some words of at least 5 ASCII letters.
void misspell_some_words(std::string& text, std::mt19937_64& rng) {
  std::bernoulli_distribution pick(0.03);
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    if (i - start >= 5 && pick(rng)) {
      size_t at = start + 1 + rng() % (i - start - 2);
      std::swap(text[at], text[at + 1]);
    }
    if (i == start) ++i;
  }
}

BeirDoc perturbed_copy(const BeirDoc& doc, size_t copy, std::mt19937_64& rng) {
  std::vector<std::string> sentences = split_sentences(doc.text);
  std::shuffle(sentences.begin(), sentences.end(), rng);
  std::string text;
  for (const auto& sentence : sentences) {
    if (!text.empty()) text += ' ';
    text += sentence;
  }
  misspell_some_words(text, rng);
  text += " copy" + std::to_string(copy);
  return {doc.id + "#" + std::to_string(copy), doc.title, std::move(text)};
}

}  // namespace

std::vector<BeirDoc> replicate_corpus(const std::vector<BeirDoc>& corpus, size_t target) {
  std::vector<BeirDoc> docs;
  docs.reserve(target);
  std::mt19937_64 rng(20240605);
  for (size_t copy = 0; docs.size() < target; ++copy) {
    for (size_t i = 0; i < corpus.size() && docs.size() < target; ++i) {
      docs.push_back(copy == 0 ? corpus[i] : perturbed_copy(corpus[i], copy, rng));
    }
  }
  return docs;
}

}  // namespace parley::bench
