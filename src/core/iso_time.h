// Milliseconds since the epoch as an RFC 3339 UTC string, e.g. "2026-11-29T03:04:05Z": how
// times leave Parley (API bodies, CSV exports).
#pragma once

#include <cstdint>
#include <string>

namespace parley {

std::string iso_time(int64_t ms);

}  // namespace parley
