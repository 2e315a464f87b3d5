#include "kb/crawl/address_guard.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>

namespace parley {
namespace {

// Names that reach a cloud provider's instance metadata service without looking like an
// address; refused by name because an allow-list of private ranges must not open them.
constexpr std::string_view kMetadataNames[] = {
    "metadata.google.internal",
    "metadata.goog",
    "metadata",
    "instance-data",
    "instance-data.ec2.internal",
    "metadata.azure.internal",
    "metadata.platformequinix.com",
};

// The cloud metadata services' own addresses, named as such in refusals.
constexpr uint32_t kMetadataV4[] = {
    0xA9FEA9FE,  // 169.254.169.254: AWS, GCP, Azure, OpenStack...
    0xA9FEAA02,  // 169.254.170.2: AWS ECS task metadata
    0x646464C8,  // 100.100.100.200: Alibaba Cloud
};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

uint32_t v4_value(const IpAddress& a) {
  return (uint32_t{a.bytes[0]} << 24) | (uint32_t{a.bytes[1]} << 16) | (uint32_t{a.bytes[2]} << 8) |
         uint32_t{a.bytes[3]};
}

bool in_v4(uint32_t value, uint32_t network, int prefix) {
  const uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  return (value & mask) == (network & mask);
}

AddressKind classify_v4(uint32_t v) {
  for (uint32_t metadata : kMetadataV4) {
    if (v == metadata) return AddressKind::cloud_metadata;
  }
  if (v == 0xFFFFFFFF) return AddressKind::broadcast;
  struct Range {
    uint32_t network;
    int prefix;
    AddressKind kind;
  };
  static constexpr Range kRanges[] = {
      {0x00000000, 8, AddressKind::unspecified},
      {0x0A000000, 8, AddressKind::private_network},
      {0x64400000, 10, AddressKind::shared_nat},
      {0x7F000000, 8, AddressKind::loopback},
      {0xA9FE0000, 16, AddressKind::link_local},
      {0xAC100000, 12, AddressKind::private_network},
      {0xC0000000, 24, AddressKind::reserved},
      {0xC0000200, 24, AddressKind::documentation},
      {0xC0A80000, 16, AddressKind::private_network},
      {0xC6120000, 15, AddressKind::benchmarking},
      {0xC6336400, 24, AddressKind::documentation},
      {0xCB007100, 24, AddressKind::documentation},
      {0xE0000000, 4, AddressKind::multicast},
      {0xF0000000, 4, AddressKind::reserved},
  };
  for (const auto& range : kRanges) {
    if (in_v4(v, range.network, range.prefix)) return range.kind;
  }
  return AddressKind::public_address;
}

AddressKind classify_v6(const IpAddress& a) {
  const auto& b = a.bytes;
  const bool all_zero = std::all_of(b.begin(), b.end(), [](uint8_t x) { return !x; });
  if (all_zero) return AddressKind::unspecified;
  if (std::all_of(b.begin(), b.end() - 1, [](uint8_t x) { return !x; }) && b[15] == 1) {
    return AddressKind::loopback;
  }
  // fd00:ec2::254, AWS's IPv6 metadata address (also inside fc00::/7 below).
  static constexpr std::array<uint8_t, 16> kAwsMetadata = {
      0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
  if (b == kAwsMetadata) return AddressKind::cloud_metadata;
  if (auto v4 = embedded_ipv4(a)) return classify_v4(v4_value(*v4));
  if ((b[0] & 0xfe) == 0xfc) return AddressKind::private_network;                  // fc00::/7
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return AddressKind::link_local;       // fe80::/10
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return AddressKind::private_network;  // fec0::/10
  if (b[0] == 0xff) return AddressKind::multicast;
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) {
    return AddressKind::documentation;  // 2001:db8::/32
  }
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4] == 0 && b[5] == 1) {
    return AddressKind::reserved;  // 64:ff9b:1::/48, local-use NAT64: embedding varies
  }
  if (b[0] == 0x01 && std::all_of(b.begin() + 1, b.begin() + 8, [](uint8_t x) { return !x; })) {
    return AddressKind::reserved;  // 100::/64, discard-only
  }
  if (b[0] == 0) return AddressKind::reserved;  // rest of ::/8: unassigned, never a website
  return AddressKind::public_address;
}

Error refused(const IpAddress& address, AddressKind kind) {
  std::string message = "refused: " + address.to_string() + " is " + address_kind_description(kind);
  if (address.v6) {
    if (auto v4 = embedded_ipv4(address)) {
      message += " (it carries the IPv4 address " + v4->to_string() + ")";
    }
  }
  return make_error(ErrorCode::forbidden, message);
}

bool allowed_by(const AllowList& allow_list, const IpAddress& address) {
  auto covered = [&](const IpAddress& a) {
    return std::any_of(allow_list.begin(), allow_list.end(),
                       [&](const IpRange& range) { return range.contains(a); });
  };
  if (covered(address)) return true;
  if (address.v6) {
    if (auto v4 = embedded_ipv4(address)) return covered(*v4);
  }
  return false;
}

struct AddrInfoFree {
  void operator()(addrinfo* info) const { freeaddrinfo(info); }
};

}  // namespace

const char* address_kind_description(AddressKind kind) {
  switch (kind) {
    case AddressKind::public_address:
      return "a public address";
    case AddressKind::unspecified:
      return "an unspecified (\"this host\") address";
    case AddressKind::loopback:
      return "a loopback address";
    case AddressKind::private_network:
      return "a private address";
    case AddressKind::shared_nat:
      return "a carrier-grade NAT address";
    case AddressKind::link_local:
      return "a link-local address";
    case AddressKind::cloud_metadata:
      return "a cloud metadata address";
    case AddressKind::documentation:
      return "a documentation address";
    case AddressKind::benchmarking:
      return "a benchmarking address";
    case AddressKind::reserved:
      return "a reserved address";
    case AddressKind::multicast:
      return "a multicast address";
    case AddressKind::broadcast:
      return "the broadcast address";
  }
  return "an unknown kind of address";
}

AddressKind classify_address(const IpAddress& address) {
  return address.v6 ? classify_v6(address) : classify_v4(v4_value(address));
}

Result<AllowList> parse_allow_list(const std::vector<std::string>& ranges) {
  AllowList list;
  for (const auto& text : ranges) {
    auto range = parse_ip_range(text);
    if (!range) return range.error();
    list.push_back(*range);
  }
  return list;
}

Status check_address(const IpAddress& address, const AllowList& allow_list) {
  const AddressKind kind = classify_address(address);
  if (kind == AddressKind::public_address || allowed_by(allow_list, address)) return ok_status();
  return refused(address, kind);
}

Result<std::vector<IpAddress>> resolve_public(std::string_view host, uint16_t port,
                                              const AllowList& allow_list) {
  std::string name = lower(host);
  if (name.size() > 1 && name.back() == '.') name.pop_back();
  if (name.empty()) return make_error(ErrorCode::invalid_argument, "the URL has no host");
  for (auto metadata : kMetadataNames) {
    if (name == metadata) {
      return make_error(ErrorCode::forbidden, "refused: " + name + " is a cloud metadata service");
    }
  }
  auto literal = parse_ip_literal(name);
  if (!literal) return literal.error();
  std::vector<IpAddress> addresses;
  if (literal->has_value()) {
    addresses.push_back(**literal);
  } else {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const int rc = getaddrinfo(name.c_str(), std::to_string(port).c_str(), &hints, &found);
    std::unique_ptr<addrinfo, AddrInfoFree> owned(found);
    if (rc == EAI_NONAME || rc == EAI_NODATA) {
      return make_error(ErrorCode::invalid_argument,
                        "the host " + name + " was not found (no DNS record)");
    }
    if (rc != 0) {
      return make_error(ErrorCode::unavailable,
                        "the DNS lookup of " + name + " failed: " + gai_strerror(rc));
    }
    for (addrinfo* it = found; it != nullptr; it = it->ai_next) {
      IpAddress address;
      if (it->ai_family == AF_INET) {
        std::memcpy(address.bytes.data(), &reinterpret_cast<sockaddr_in*>(it->ai_addr)->sin_addr,
                    4);
      } else if (it->ai_family == AF_INET6) {
        address.v6 = true;
        std::memcpy(address.bytes.data(), &reinterpret_cast<sockaddr_in6*>(it->ai_addr)->sin6_addr,
                    16);
      } else {
        continue;
      }
      if (std::find(addresses.begin(), addresses.end(), address) == addresses.end()) {
        addresses.push_back(address);
      }
    }
    if (addresses.empty()) {
      return make_error(ErrorCode::invalid_argument, "the host " + name + " has no address");
    }
  }
  // Any refused address refuses the host: a name that answers with one public and one
  // private address would otherwise let a retry or a second connection reach the private one.
  for (const auto& address : addresses) {
    if (auto status = check_address(address, allow_list); !status) {
      Error error = status.error();
      if (!literal->has_value()) error.message += " (the address of " + name + ")";
      return error;
    }
  }
  return addresses;
}

}  // namespace parley
