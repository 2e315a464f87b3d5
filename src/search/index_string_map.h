// An insert-only map from strings to dense ids (0, 1, 2...), for the search index's
// vocabulary and surface forms: one arena for the text and one open-addressing table,
// a fraction of the memory of a node-based map.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parley {

class StringIdMap {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  uint32_t find(std::string_view key) const;
  // The key's id and whether it was new.
  std::pair<uint32_t, bool> insert(std::string_view key);

  std::string_view key(uint32_t id) const {
    return std::string_view(arena_).substr(offsets_[id], offsets_[id + 1] - offsets_[id]);
  }
  size_t size() const { return hashes_.size(); }
  size_t memory_bytes() const;

 private:
  size_t slot_of(std::string_view key, uint32_t hash) const;
  void grow();

  std::string arena_;                 // every key, back to back
  std::vector<uint32_t> offsets_{0};  // key i is arena_[offsets_[i], offsets_[i + 1])
  std::vector<uint32_t> hashes_;      // per id: compared before the text, reused on growth
  std::vector<uint32_t> slots_;       // id + 1, or 0 for an empty slot; size a power of 2
};

}  // namespace parley
