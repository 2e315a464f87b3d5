// Variable-length integer coding for the search index's byte streams (postings and the
// per-chunk token sequences). Small numbers, the common case, take one byte.
#pragma once

#include <cstdint>
#include <vector>

namespace parley {

inline void put_varint(std::vector<uint8_t>& out, uint32_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<uint8_t>(value));
}

// Reads one varint at `p` and advances it; the caller guarantees a complete varint.
inline uint32_t get_varint(const uint8_t*& p) {
  uint32_t byte = *p++;
  if (byte < 0x80) return byte;  // the fast path: most values are small
  uint32_t value = byte & 0x7f;
  for (int shift = 7;; shift += 7) {
    byte = *p++;
    value |= (byte & 0x7f) << shift;
    if (byte < 0x80) return value;
  }
}

// Signed deltas: document numbers are reused after compaction, so a postings list is not
// always ascending.
inline uint32_t zigzag(int64_t delta) {
  return static_cast<uint32_t>((delta << 1) ^ (delta >> 63));
}
inline int64_t unzigzag(uint32_t value) {
  return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1);
}

}  // namespace parley
