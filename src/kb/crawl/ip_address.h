// IP addresses as a URL host may spell them, and address ranges. The SSRF guard
// (address_guard.h) and URL canonicalization read hosts through here.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace parley {

struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4 bytes

  static IpAddress v4(uint32_t host_order);
  std::string to_string() const;  // "10.0.0.1", "::ffff:127.0.0.1"
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

// A host as an address literal, in every spelling a resolver or a browser accepts:
// "127.0.0.1", "2130706433", "0177.0.0.1", "0x7f.0.0.1", "0x7f000001", "127.1", "10.1.2",
// "[::1]", "::ffff:127.0.0.1". Nothing when the host is a name. An error when the host
// ends in a number but is no valid address (browsers refuse those too), or carries an
// IPv6 zone id.
Result<std::optional<IpAddress>> parse_ip_literal(std::string_view host);

// The IPv4 address an IPv6 address carries and routes to: IPv4-mapped (::ffff:0:0/96),
// IPv4-translated (::ffff:0:0:0/96), IPv4-compatible (::/96), NAT64 (64:ff9b::/96),
// 6to4 (2002::/16) and Teredo's client (2001::/32).
std::optional<IpAddress> embedded_ipv4(const IpAddress& address);

struct IpRange {
  IpAddress network;
  int prefix_length = 0;
  bool contains(const IpAddress& address) const;
};

// "127.0.0.0/8", "::1/128", or a bare address (a range of one). Only plain dotted quads
// and IPv6: an operator's range should read one way only.
Result<IpRange> parse_ip_range(std::string_view text);

}  // namespace parley
