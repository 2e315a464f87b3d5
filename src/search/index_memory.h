// Memory accounting helpers for the search index: what the allocator really spends on a
// heap block, so memory_bytes() reports the process's cost rather than the payload.
#pragma once

#include <cstddef>

namespace parley {

// glibc malloc: 8 bytes of header, 16-byte alignment, 32 bytes at least.
inline size_t heap_block_bytes(size_t requested) {
  if (requested == 0) return 0;
  const size_t block = (requested + 8 + 15) & ~size_t{15};
  return block < 32 ? 32 : block;
}

}  // namespace parley
