#include "search/index_string_map.h"

#include <functional>

namespace parley {
namespace {

uint32_t hash_of(std::string_view key) {
  return static_cast<uint32_t>(std::hash<std::string_view>{}(key));
}

}  // namespace

size_t StringIdMap::slot_of(std::string_view key, uint32_t hash) const {
  const size_t mask = slots_.size() - 1;
  for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    const uint32_t entry = slots_[slot];
    if (entry == 0) return slot;
    if (hashes_[entry - 1] == hash && this->key(entry - 1) == key) return slot;
  }
}

uint32_t StringIdMap::find(std::string_view key) const {
  if (slots_.empty()) return kNone;
  const uint32_t entry = slots_[slot_of(key, hash_of(key))];
  return entry == 0 ? kNone : entry - 1;
}

std::pair<uint32_t, bool> StringIdMap::insert(std::string_view key) {
  // Keep the load under 1/2 so that probes stay short.
  if ((hashes_.size() + 1) * 2 > slots_.size()) grow();
  const uint32_t hash = hash_of(key);
  const size_t slot = slot_of(key, hash);
  if (slots_[slot] != 0) return {slots_[slot] - 1, false};
  const auto id = static_cast<uint32_t>(hashes_.size());
  arena_.append(key);
  offsets_.push_back(static_cast<uint32_t>(arena_.size()));
  hashes_.push_back(hash);
  slots_[slot] = id + 1;
  return {id, true};
}

void StringIdMap::grow() {
  slots_.assign(slots_.empty() ? 64 : slots_.size() * 2, 0);
  const size_t mask = slots_.size() - 1;
  for (uint32_t id = 0; id < hashes_.size(); ++id) {
    size_t slot = hashes_[id] & mask;
    while (slots_[slot] != 0) slot = (slot + 1) & mask;
    slots_[slot] = id + 1;
  }
}

size_t StringIdMap::memory_bytes() const {
  return arena_.capacity() + offsets_.capacity() * sizeof(uint32_t) +
         hashes_.capacity() * sizeof(uint32_t) + slots_.capacity() * sizeof(uint32_t);
}

}  // namespace parley
