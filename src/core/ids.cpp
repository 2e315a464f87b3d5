#include "core/ids.h"

#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <stdexcept>

#include "core/sodium.h"

namespace parley {
namespace {

constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr size_t kUlidChars = 26;
constexpr int64_t kMaxTimestampMs = (int64_t{1} << 48) - 1;

bool is_valid_prefix(std::string_view prefix) {
  return !prefix.empty() && std::all_of(prefix.begin(), prefix.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
}

bool is_crockford(char c) { return kCrockford.find(c) != std::string_view::npos; }

}  // namespace

std::string new_id(std::string_view prefix, const Clock& clock) {
  assert(is_valid_prefix(prefix));
  ensure_sodium();
  // 16 bytes, big-endian: 6 of timestamp then 10 random; encoded 5 bits at a time from the
  // top, 130 bits for 128, so the first character carries only 3 bits.
  std::array<uint8_t, 16> bytes{};
  uint64_t ms = static_cast<uint64_t>(std::clamp<int64_t>(clock.now_ms(), 0, kMaxTimestampMs));
  for (int i = 5; i >= 0; --i) {
    bytes[i] = static_cast<uint8_t>(ms & 0xff);
    ms >>= 8;
  }
  // One getrandom(2) per 409 ids rather than per id: ids are made per request. A forked
  // child refills its own pool, so it never repeats its parent's next ids.
  thread_local std::array<uint8_t, 4096> pool;
  thread_local size_t used = pool.size();
  thread_local pid_t filled_by = 0;
  if (used + 10 > pool.size() || filled_by != ::getpid()) {
    filled_by = ::getpid();
    randombytes_buf(pool.data(), pool.size());
    used = 0;
  }
  std::copy_n(pool.data() + used, 10, bytes.data() + 6);
  sodium_memzero(pool.data() + used, 10);
  used += 10;

  // The 128 bits as one number, read 5 bits at a time from the top (130 bits for 128: the
  // first character carries only 3).
  unsigned __int128 value = 0;
  for (uint8_t byte : bytes) value = (value << 8) | byte;
  std::string id;
  id.reserve(prefix.size() + 1 + kUlidChars);
  id.append(prefix);
  id.push_back('_');
  for (size_t i = 0; i < kUlidChars; ++i) {
    const unsigned shift = static_cast<unsigned>((kUlidChars - 1 - i) * 5);
    id.push_back(kCrockford[static_cast<unsigned>(value >> shift) & 31u]);
  }
  return id;
}

bool is_valid_id(std::string_view id, std::string_view prefix) {
  if (id.size() != prefix.size() + 1 + kUlidChars) return false;
  if (id.substr(0, prefix.size()) != prefix || id[prefix.size()] != '_') return false;
  std::string_view ulid = id.substr(prefix.size() + 1);
  // 128 bits in 130: a first character above '7' would overflow.
  if (ulid[0] < '0' || ulid[0] > '7') return false;
  return std::all_of(ulid.begin(), ulid.end(), is_crockford);
}

}  // namespace parley
