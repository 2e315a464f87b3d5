// A large corpus for bench_search's scale mode: the dataset's documents replicated with
// per-copy perturbations, so posting lists grow long and the vocabulary keeps growing.
#pragma once

#include <vector>

#include "beir.h"

namespace parley::bench {

// `target` documents: copy 0 is the corpus as is; copy c > 0 of each document has its
// sentences shuffled, about 3% of its words misspelled (two letters swapped, as real
// text has typos and rare forms) and a token "copy<c>" appended. Deterministic.
std::vector<BeirDoc> replicate_corpus(const std::vector<BeirDoc>& corpus, size_t target);

}  // namespace parley::bench
