// Resident memory of this process, for bench_search: cross-checks what an engine says its
// index holds, and sizes Xapian's InMemory backend, which cannot report its own size.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <fstream>

namespace parley::bench {

inline size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace parley::bench
