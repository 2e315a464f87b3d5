#include "kb/crawl/ip_address.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <vector>

namespace parley {
namespace {

// One part of a WHATWG IPv4 host: "0x" hex, leading-zero octal, else decimal.
std::optional<uint64_t> parse_ipv4_number(std::string_view part) {
  if (part.empty()) return std::nullopt;
  int radix = 10;
  if (part.size() >= 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X')) {
    radix = 16;
    part.remove_prefix(2);
  } else if (part.size() >= 2 && part[0] == '0') {
    radix = 8;
    part.remove_prefix(1);
  }
  uint64_t value = 0;
  for (char c : part) {
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    if (digit < 0 || digit >= radix) return std::nullopt;
    value = value * radix + digit;
    if (value > 0xFFFFFFFFull) return std::nullopt;  // too large for any part
  }
  return value;
}

// WHATWG "ends in a number": the last label is all digits, or 0x followed by hex digits.
bool ends_in_number(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  const auto dot = host.rfind('.');
  std::string_view last = dot == std::string_view::npos ? host : host.substr(dot + 1);
  if (last.empty()) return false;
  if (std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return true;
  }
  if (last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X')) {
    return std::all_of(last.begin() + 2, last.end(),
                       [](unsigned char c) { return std::isxdigit(c) != 0; });
  }
  return false;
}

std::optional<IpAddress> parse_ipv4(std::string_view host) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t dot = host.find('.', start);
    parts.push_back(host.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts.size() > 1 && parts.back().empty()) parts.pop_back();  // one trailing dot
  if (parts.size() > 4) return std::nullopt;
  std::vector<uint64_t> numbers;
  for (auto part : parts) {
    auto number = parse_ipv4_number(part);
    if (!number) return std::nullopt;
    numbers.push_back(*number);
  }
  for (size_t i = 0; i + 1 < numbers.size(); ++i) {
    if (numbers[i] > 255) return std::nullopt;
  }
  const int last_bytes = 5 - static_cast<int>(numbers.size());
  if (numbers.back() >= (uint64_t{1} << (8 * last_bytes))) return std::nullopt;
  uint64_t value = numbers.back();
  for (size_t i = 0; i + 1 < numbers.size(); ++i) value += numbers[i] << (8 * (3 - i));
  return IpAddress::v4(static_cast<uint32_t>(value));
}

}  // namespace

std::optional<IpAddress> embedded_ipv4(const IpAddress& a) {
  const auto& b = a.bytes;
  auto from = [&](int offset, bool inverted) {
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) value = (value << 8) | b[offset + i];
    return IpAddress::v4(inverted ? ~value : value);
  };
  auto zeros = [&](int from_byte, int to_byte) {
    return std::all_of(b.begin() + from_byte, b.begin() + to_byte, [](uint8_t x) { return !x; });
  };
  if (zeros(0, 10) && b[10] == 0xff && b[11] == 0xff) return from(12, false);  // ::ffff:v4
  if (zeros(0, 8) && b[8] == 0xff && b[9] == 0xff && zeros(10, 12)) {
    return from(12, false);  // ::ffff:0:v4, "IPv4-translated"
  }
  if (zeros(0, 12)) return from(12, false);  // ::v4, "IPv4-compatible"
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && zeros(4, 12)) {
    return from(12, false);  // NAT64 64:ff9b::/96
  }
  if (b[0] == 0x20 && b[1] == 0x02) return from(2, false);  // 6to4 2002:v4::/48
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {
    return from(12, true);  // Teredo 2001::/32: the client address, bits inverted
  }
  return std::nullopt;
}

IpAddress IpAddress::v4(uint32_t host_order) {
  IpAddress a;
  a.bytes[0] = static_cast<uint8_t>(host_order >> 24);
  a.bytes[1] = static_cast<uint8_t>(host_order >> 16);
  a.bytes[2] = static_cast<uint8_t>(host_order >> 8);
  a.bytes[3] = static_cast<uint8_t>(host_order);
  return a;
}

std::string IpAddress::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), text, sizeof text);
  return text;
}

Result<std::optional<IpAddress>> parse_ip_literal(std::string_view host) {
  std::string_view inner = host;
  if (!inner.empty() && inner.front() == '[') {
    if (inner.back() != ']') {
      return make_error(ErrorCode::invalid_argument,
                        "the host " + std::string(host) + " is not a valid address");
    }
    inner = inner.substr(1, inner.size() - 2);
  }
  if (inner.find(':') != std::string_view::npos) {
    if (inner.find('%') != std::string_view::npos) {
      return make_error(ErrorCode::forbidden,
                        "refused: " + std::string(host) + " names a network interface (a zone id)");
    }
    IpAddress address;
    address.v6 = true;
    if (inet_pton(AF_INET6, std::string(inner).c_str(), address.bytes.data()) != 1) {
      return make_error(ErrorCode::invalid_argument,
                        "the host " + std::string(host) + " is not a valid IPv6 address");
    }
    return std::optional<IpAddress>(address);
  }
  if (inner.size() != host.size()) {
    return make_error(ErrorCode::invalid_argument,
                      "the host " + std::string(host) + " is not a valid IPv6 address");
  }
  if (!ends_in_number(inner)) return std::optional<IpAddress>();
  auto address = parse_ipv4(inner);
  if (!address) {
    return make_error(ErrorCode::invalid_argument,
                      "the host " + std::string(host) + " is not a valid IPv4 address");
  }
  return std::optional<IpAddress>(*address);
}

bool IpRange::contains(const IpAddress& address) const {
  if (address.v6 != network.v6) return false;
  int bits = prefix_length;
  for (size_t i = 0; i < address.bytes.size() && bits > 0; ++i, bits -= 8) {
    const uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((address.bytes[i] & mask) != (network.bytes[i] & mask)) return false;
  }
  return true;
}

Result<IpRange> parse_ip_range(std::string_view text) {
  const auto slash = text.find('/');
  const std::string_view address_text = text.substr(0, slash);
  auto bad = [&] {
    return make_error(ErrorCode::invalid_argument,
                      "\"" + std::string(text) +
                          "\" is not an address range; write it like 127.0.0.0/8 or ::1/128");
  };
  // Only plain dotted quads and IPv6 here: an operator's range should read unambiguously.
  IpRange range;
  if (address_text.find(':') != std::string_view::npos) {
    range.network.v6 = true;
    if (inet_pton(AF_INET6, std::string(address_text).c_str(), range.network.bytes.data()) != 1) {
      return bad();
    }
  } else if (inet_pton(AF_INET, std::string(address_text).c_str(), range.network.bytes.data()) !=
             1) {
    return bad();
  }
  const int max_prefix = range.network.v6 ? 128 : 32;
  range.prefix_length = max_prefix;
  if (slash != std::string_view::npos) {
    const std::string_view prefix = text.substr(slash + 1);
    if (prefix.empty() || prefix.size() > 3 ||
        !std::all_of(prefix.begin(), prefix.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return bad();
    }
    range.prefix_length = std::stoi(std::string(prefix));
    if (range.prefix_length > max_prefix) return bad();
  }
  return range;
}

}  // namespace parley
