// One bot's dense vectors in an HNSW graph (hnswlib), searched by cosine similarity:
// vectors are normalized and compared by inner product. Chunks are added and removed by
// id; a removed chunk's slot is marked deleted and reused by the next add. Built and kept
// current by the search service beside the bot's BM25 index.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace parley {

struct VectorHit {
  std::string chunk_id;
  float similarity = 0;  // cosine, -1..1
};

class VectorIndex {
 public:
  explicit VectorIndex(size_t dimensions);
  ~VectorIndex();
  VectorIndex(const VectorIndex&) = delete;
  VectorIndex& operator=(const VectorIndex&) = delete;

  size_t dimensions() const { return dimensions_; }
  // Adds the chunk's vector, or replaces it. False (and nothing changes) when the vector
  // has another number of dimensions or no length.
  bool add(const std::string& chunk_id, std::span<const float> vector);
  void remove(const std::string& chunk_id);
  bool contains(const std::string& chunk_id) const;
  size_t size() const { return live_; }

  // The k nearest chunks, most similar first. Safe to call from several threads at once
  // while nothing is added or removed.
  std::vector<VectorHit> search(std::span<const float> query, size_t k) const;

  size_t memory_bytes() const;

 private:
  struct Graph;
  size_t dimensions_;
  std::unique_ptr<Graph> graph_;
  size_t live_ = 0;
};

}  // namespace parley
