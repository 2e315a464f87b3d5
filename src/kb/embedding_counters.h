// Counters of hybrid search's calls to embeddings endpoints, for /metrics: what was sent,
// what the cache saved, and what failed (ingest: vectors missing until the next build or
// re-sync; query: the search answered with BM25 alone). Shared by the chunk embedder and
// the search service; rendered by `parley serve`.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace parley {

struct EmbeddingCounters {
  std::atomic<uint64_t> inputs_embedded{0};  // chunk texts sent to an endpoint
  std::atomic<uint64_t> cache_hits{0};       // chunk texts whose vector was cached
  std::atomic<uint64_t> ingest_failures{0};  // sources or index builds left without vectors
  std::atomic<uint64_t> queries_embedded{0};
  std::atomic<uint64_t> query_failures{0};  // searches that fell back to BM25 alone

  // Prometheus text format.
  void render(std::string& out) const {
    auto counter = [&out](const char* name, const char* help, uint64_t value) {
      out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name +
             " " + std::to_string(value) + "\n";
    };
    counter("parley_embeddings_inputs_total", "Chunk texts sent to embeddings endpoints.",
            inputs_embedded.load());
    counter("parley_embeddings_cache_hits_total", "Chunk texts whose vector was cached.",
            cache_hits.load());
    counter("parley_embeddings_ingest_failures_total",
            "Sources or index builds whose chunks could not be embedded.", ingest_failures.load());
    counter("parley_embeddings_queries_total", "Queries embedded for hybrid search.",
            queries_embedded.load());
    counter("parley_embeddings_query_failures_total",
            "Searches that answered with BM25 alone because the query could not be embedded.",
            query_failures.load());
  }
};

}  // namespace parley
