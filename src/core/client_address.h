// The client's address behind reverse proxies. The connection's peer is the client, unless
// the peer is one of the configured trusted proxies (server.trusted_proxies): then the
// X-Forwarded-For chain is read from its right end, each hop a trusted proxy passing the
// request on, and the first address that is not a trusted proxy is the client's. From any
// other peer the header is ignored: anyone can send one. What the address is used for:
// per-address limits (new widget visitors, sign-in lockouts) and the pseudonymous address
// hashes of the audit log.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace parley {

class TrustedProxies {
 public:
  TrustedProxies() = default;  // none: the peer is always the client
  // "10.0.0.1, 192.168.0.0/16, ::1, fd00::/8": addresses or CIDR ranges, IPv4 or IPv6,
  // separated by commas or spaces; empty for none.
  static Result<TrustedProxies> parse(std::string_view list);

  bool empty() const { return ranges_.empty(); }
  // The client's address for a connection from `peer` carrying `forwarded_for` (the
  // X-Forwarded-For header's value, empty when absent).
  std::string client_address(std::string_view peer, std::string_view forwarded_for) const;

 private:
  struct Range {
    std::array<uint8_t, 16> bytes{};  // IPv4 as IPv4-mapped IPv6
    int prefix = 0;
  };
  bool trusts(const std::array<uint8_t, 16>& address) const;

  std::vector<Range> ranges_;
};

}  // namespace parley
