#include "core/client_address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <optional>

namespace parley {
namespace {

using Address = std::array<uint8_t, 16>;

// An IPv4 or IPv6 address in text (no port, no brackets), IPv4 as IPv4-mapped IPv6.
std::optional<Address> parse_address(std::string_view text, bool* is_v4 = nullptr) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string copy(text);
  Address address{};
  in_addr v4{};
  if (inet_pton(AF_INET, copy.c_str(), &v4) == 1) {
    address[10] = address[11] = 0xff;
    std::memcpy(address.data() + 12, &v4, 4);
    if (is_v4) *is_v4 = true;
    return address;
  }
  if (inet_pton(AF_INET6, copy.c_str(), address.data()) == 1) {
    if (is_v4) *is_v4 = false;
    return address;
  }
  return std::nullopt;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

Result<TrustedProxies> TrustedProxies::parse(std::string_view list) {
  TrustedProxies proxies;
  while (!list.empty()) {
    const size_t end = list.find_first_of(", ");
    std::string_view item = list.substr(0, end);
    list = end == std::string_view::npos ? std::string_view{} : list.substr(end + 1);
    if (item.empty()) continue;
    const size_t slash = item.find('/');
    bool is_v4 = false;
    auto address = parse_address(item.substr(0, slash), &is_v4);
    if (!address) {
      return make_error(ErrorCode::invalid_argument,
                        "\"" + std::string(item) +
                            "\" is not an IP address or CIDR range (like 10.0.0.1, "
                            "192.168.0.0/16 or fd00::/8)");
    }
    const int width = is_v4 ? 32 : 128;
    int prefix = width;
    if (slash != std::string_view::npos) {
      std::string_view bits = item.substr(slash + 1);
      auto [at, error] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
      if (error != std::errc() || at != bits.data() + bits.size() || prefix < 0 || prefix > width) {
        return make_error(ErrorCode::invalid_argument, "\"" + std::string(item) +
                                                           "\": the prefix length must be 0 to " +
                                                           std::to_string(width));
      }
    }
    proxies.ranges_.push_back({*address, prefix + (is_v4 ? 96 : 0)});
  }
  return proxies;
}

bool TrustedProxies::trusts(const Address& address) const {
  for (const Range& range : ranges_) {
    int left = range.prefix;
    size_t i = 0;
    for (; left >= 8; left -= 8, ++i) {
      if (address[i] != range.bytes[i]) break;
    }
    if (left >= 8) continue;  // a whole byte differed
    const auto mask = static_cast<uint8_t>(0xff << (8 - left));
    if (left == 0 || (address[i] & mask) == (range.bytes[i] & mask)) return true;
  }
  return false;
}

std::string TrustedProxies::client_address(std::string_view peer,
                                           std::string_view forwarded_for) const {
  if (ranges_.empty() || forwarded_for.empty()) return std::string(peer);
  auto peer_address = parse_address(peer);
  if (!peer_address || !trusts(*peer_address)) return std::string(peer);
  // From the right: each trusted hop vouches for the one before it. A hop that is not an
  // address ends the chain at the last trusted one.
  std::string_view client = peer;
  while (!forwarded_for.empty()) {
    const size_t comma = forwarded_for.rfind(',');
    std::string_view hop =
        trim(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
    forwarded_for =
        comma == std::string_view::npos ? std::string_view{} : forwarded_for.substr(0, comma);
    auto address = parse_address(hop);
    if (!address) break;
    client = hop;
    if (!trusts(*address)) break;
  }
  return std::string(client);
}

}  // namespace parley
