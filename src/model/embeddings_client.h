// Turns texts into vectors through an OpenAI-compatible POST /embeddings: inputs sent in
// batches, answers matched to inputs by index, every vector the same length. Called by the
// knowledge layer at ingest (chunks) and at search (the query).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "model/model_http.h"

namespace parley {

using Embedding = std::vector<float>;

class EmbeddingsClient {
 public:
  static constexpr size_t kDefaultBatchSize = 64;

  EmbeddingsClient(ModelEndpoint endpoint, HttpPolicy policy, size_t batch_size = kDefaultBatchSize,
                   SleepFn sleep = real_sleep())
      : http_(std::move(endpoint), policy, std::move(sleep)),
        batch_size_(std::max<size_t>(1, batch_size)) {}

  // One vector per input, in order. Fails as a whole when a batch fails (after its
  // retries) or an answer is malformed; vectors of earlier batches are then dropped too.
  Result<std::vector<Embedding>> embed(const std::vector<std::string>& inputs) const;

 private:
  Result<std::vector<Embedding>> embed_batch(const std::vector<std::string>& inputs, size_t begin,
                                             size_t end) const;

  ModelHttp http_;
  size_t batch_size_;
};

// Parses an /embeddings answer for `expected` inputs: data[i].embedding placed by
// data[i].index. Exposed for tests.
Result<std::vector<Embedding>> parse_embeddings_answer(std::string_view body, size_t expected);

}  // namespace parley
