#include "search/vector_index.h"

#include <hnswlib/hnswlib.h>

#include <cmath>
#include <unordered_map>

namespace parley {
namespace {

constexpr size_t kInitialCapacity = 1024;
constexpr size_t kM = 16;  // links per node: hnswlib's default, a good recall/memory balance
constexpr size_t kEfConstruction = 200;
constexpr size_t kEf = 128;  // search breadth; hnswlib widens it to k when k is larger

// Unit length, so that inner product is cosine similarity; empty for a zero vector.
std::vector<float> normalized(std::span<const float> vector) {
  double norm = 0;
  for (float x : vector) norm += static_cast<double>(x) * x;
  if (norm <= 0 || !std::isfinite(norm)) return {};
  const float scale = static_cast<float>(1.0 / std::sqrt(norm));
  std::vector<float> out(vector.begin(), vector.end());
  for (float& x : out) x *= scale;
  return out;
}

}  // namespace

struct VectorIndex::Graph {
  explicit Graph(size_t dimensions)
      : space(dimensions), hnsw(&space, kInitialCapacity, kM, kEfConstruction) {
    hnsw.setEf(kEf);
  }
  hnswlib::InnerProductSpace space;
  hnswlib::HierarchicalNSW<float> hnsw;
  std::unordered_map<std::string, hnswlib::labeltype> labels;  // live chunks
  std::vector<std::string> chunk_of;                           // by label
  std::vector<hnswlib::labeltype> free_labels;                 // of removed chunks
};

VectorIndex::VectorIndex(size_t dimensions)
    : dimensions_(dimensions), graph_(std::make_unique<Graph>(dimensions)) {}

VectorIndex::~VectorIndex() = default;

bool VectorIndex::add(const std::string& chunk_id, std::span<const float> vector) {
  if (vector.size() != dimensions_) return false;
  std::vector<float> unit = normalized(vector);
  if (unit.empty()) return false;
  Graph& g = *graph_;
  hnswlib::labeltype label;
  if (auto found = g.labels.find(chunk_id); found != g.labels.end()) {
    label = found->second;  // replaced in place
  } else if (!g.free_labels.empty()) {
    // hnswlib updates a deleted label's vector in place and unmarks it: the slot is reused,
    // so removals do not grow the graph.
    label = g.free_labels.back();
    g.free_labels.pop_back();
    g.chunk_of[label] = chunk_id;
    g.labels.emplace(chunk_id, label);
    ++live_;
  } else {
    label = g.chunk_of.size();
    if (label >= g.hnsw.max_elements_)
      g.hnsw.resizeIndex(std::max<size_t>(kInitialCapacity, 2 * label));
    g.chunk_of.push_back(chunk_id);
    g.labels.emplace(chunk_id, label);
    ++live_;
  }
  g.hnsw.addPoint(unit.data(), label);
  return true;
}

void VectorIndex::remove(const std::string& chunk_id) {
  Graph& g = *graph_;
  auto found = g.labels.find(chunk_id);
  if (found == g.labels.end()) return;
  g.hnsw.markDelete(found->second);
  g.free_labels.push_back(found->second);
  g.chunk_of[found->second].clear();
  g.labels.erase(found);
  --live_;
}

bool VectorIndex::contains(const std::string& chunk_id) const {
  return graph_->labels.count(chunk_id) > 0;
}

std::vector<VectorHit> VectorIndex::search(std::span<const float> query, size_t k) const {
  std::vector<VectorHit> hits;
  if (k == 0 || live_ == 0 || query.size() != dimensions_) return hits;
  std::vector<float> unit = normalized(query);
  if (unit.empty()) return hits;
  auto found = graph_->hnsw.searchKnn(unit.data(), std::min(k, live_));
  hits.resize(found.size());
  for (size_t i = found.size(); i-- > 0;) {  // the queue pops the farthest first
    const auto& [distance, label] = found.top();
    hits[i] = {graph_->chunk_of[label], 1.0f - distance};
    found.pop();
  }
  return hits;
}

size_t VectorIndex::memory_bytes() const {
  const Graph& g = *graph_;
  // Level 0 (vectors, links, labels) for every slot, upper levels for about 1/M of them.
  size_t bytes = g.hnsw.max_elements_ * (g.hnsw.size_data_per_element_ + sizeof(void*));
  bytes += g.hnsw.cur_element_count * g.hnsw.size_links_per_element_ / kM;
  bytes += g.hnsw.max_elements_ * sizeof(std::mutex);  // hnswlib's per-element locks
  bytes += g.hnsw.max_elements_ * sizeof(int);         // levels
  bytes += g.labels.size() * (sizeof(hnswlib::labeltype) + sizeof(unsigned) + 32);  // lookup
  for (const std::string& id : g.chunk_of) bytes += sizeof(std::string) + id.capacity();
  bytes += g.labels.size() * (sizeof(std::string) + sizeof(hnswlib::labeltype) + 32);
  bytes += g.free_labels.capacity() * sizeof(hnswlib::labeltype);
  return bytes;
}

}  // namespace parley
