// The vectors of recent queries, least recently used dropped first, so that a question
// asked again (or a widget's suggested question) does not call the embeddings endpoint
// twice. Keyed by model and query text. Used by the search service; thread-safe.
#pragma once

#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "model/embeddings_client.h"

namespace parley {

class QueryVectorCache {
 public:
  explicit QueryVectorCache(size_t capacity = 1024) : capacity_(capacity) {}

  std::optional<Embedding> get(const std::string& model_key, const std::string& query) {
    std::lock_guard lock(mutex_);
    auto found = entries_.find(key(model_key, query));
    if (found == entries_.end()) return std::nullopt;
    order_.splice(order_.begin(), order_, found->second.position);
    return found->second.vector;
  }

  void put(const std::string& model_key, const std::string& query, Embedding vector) {
    std::lock_guard lock(mutex_);
    std::string k = key(model_key, query);
    if (auto found = entries_.find(k); found != entries_.end()) {
      found->second.vector = std::move(vector);
      order_.splice(order_.begin(), order_, found->second.position);
      return;
    }
    order_.push_front(k);
    entries_.emplace(std::move(k), Entry{std::move(vector), order_.begin()});
    while (entries_.size() > capacity_) {
      entries_.erase(order_.back());
      order_.pop_back();
    }
  }

  size_t size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
  }

 private:
  struct Entry {
    Embedding vector;
    std::list<std::string>::iterator position;
  };
  static std::string key(const std::string& model_key, const std::string& query) {
    return model_key + '\n' + query;
  }

  size_t capacity_;
  mutable std::mutex mutex_;
  std::list<std::string> order_;  // most recently used first
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace parley
