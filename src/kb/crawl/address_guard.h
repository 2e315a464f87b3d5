// The SSRF guard: decides which addresses an outbound fetch of a knowledge source may reach.
// The fetcher calls resolve_public before every request (and every redirect hop).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "kb/crawl/ip_address.h"

namespace parley {

enum class AddressKind {
  public_address,
  unspecified,
  loopback,
  private_network,
  shared_nat,  // carrier-grade NAT, 100.64.0.0/10
  link_local,
  cloud_metadata,
  documentation,
  benchmarking,
  reserved,
  multicast,
  broadcast,
};

// "a private address", "a loopback address"...: the words used in refusals.
const char* address_kind_description(AddressKind kind);

// What the address is; an IPv6 address that embeds an IPv4 one (mapped, compatible,
// NAT64, 6to4, Teredo) is what its IPv4 address is.
AddressKind classify_address(const IpAddress& address);

// CIDR ranges that are fetched even though classify_address refuses them (the config's
// crawl.allow_private; tests allow "127.0.0.0/8" to crawl a site on loopback).
using AllowList = std::vector<IpRange>;

Result<AllowList> parse_allow_list(const std::vector<std::string>& ranges);

// Ok when the address may be fetched; else forbidden, "refused: 10.0.0.1 is a private
// address".
Status check_address(const IpAddress& address, const AllowList& allow_list);

// Resolves `host` (a name or any literal spelling) and refuses it if ANY of its addresses
// is refused, or if it is a cloud metadata name. The caller must then connect only to the
// addresses returned. Errors: forbidden (refused), invalid_argument (no such host),
// unavailable (DNS failed for now).
Result<std::vector<IpAddress>> resolve_public(std::string_view host, uint16_t port,
                                              const AllowList& allow_list);

}  // namespace parley
