// Unwrapped data keys in memory, by owner id, in guarded pages that are zeroed when freed.
// Internal to the keyring (keyring*.cpp); not thread-safe: Keyring::Impl guards it.
#pragma once

#include <sodium.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/keyring_format.h"

namespace parley::keyring_internal {

struct SodiumFree {
  void operator()(uint8_t* p) const { sodium_free(p); }
};
using SecretBytes = std::unique_ptr<uint8_t, SodiumFree>;

// Guarded, locked (best effort), zeroed on free.
inline SecretBytes secret_alloc(size_t size) {
  auto* p = static_cast<uint8_t*>(sodium_malloc(size));
  if (p == nullptr) throw std::bad_alloc();
  return SecretBytes(p);
}

class KeyTable {
 public:
  const uint8_t* find(std::string_view owner) const {
    auto it = slots_.find(owner);
    return it == slots_.end() ? nullptr : at(it->second);
  }
  // False when the owner already has a key.
  bool add(std::string_view owner, const uint8_t* key) {
    if (slots_.contains(owner)) return false;
    slots_.emplace(std::string(owner), add_to_pool(key));
    return true;
  }
  void remove(std::string_view owner) {
    auto it = slots_.find(owner);
    if (it == slots_.end()) return;
    sodium_memzero(at_mut(it->second), kKeyBytes);
    free_.push_back(it->second);
    slots_.erase(it);
  }
  size_t size() const { return slots_.size(); }
  template <typename F>
  void for_each(F&& visit) const {
    for (const auto& [owner, slot] : slots_) visit(std::string_view(owner), at(slot));
  }

 private:
  // Fixed slots in sodium_malloc'd pages: one allocation per key would cost three pages each
  // (guards and canary) for the many thousands of visitor keys.
  static constexpr uint32_t kSlotsPerChunk = 128;
  static constexpr size_t kChunkBytes = kSlotsPerChunk * kKeyBytes;  // one 4 KiB page

  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  uint32_t add_to_pool(const uint8_t* key) {
    uint32_t slot;
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
    } else {
      if (next_ % kSlotsPerChunk == 0) chunks_.push_back(secret_alloc(kChunkBytes));
      slot = next_++;
    }
    std::memcpy(at_mut(slot), key, kKeyBytes);
    return slot;
  }
  const uint8_t* at(uint32_t slot) const {
    return chunks_[slot / kSlotsPerChunk].get() + (slot % kSlotsPerChunk) * kKeyBytes;
  }
  uint8_t* at_mut(uint32_t slot) { return const_cast<uint8_t*>(at(slot)); }

  std::vector<SecretBytes> chunks_;
  std::vector<uint32_t> free_;
  uint32_t next_ = 0;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> slots_;
};

}  // namespace parley::keyring_internal
