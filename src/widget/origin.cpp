#include "widget/origin.h"

#include <algorithm>
#include <cctype>

namespace parley {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return out;
}

bool host_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' ||
         ch == '_';
}

bool valid_host(std::string_view host) {
  if (host.empty()) return false;
  if (host.front() == '[') {  // an IPv6 literal
    return host.size() > 2 && host.back() == ']' &&
           std::all_of(host.begin() + 1, host.end() - 1, [](char ch) {
             return ch == ':' || ch == '.' || (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
           });
  }
  return std::all_of(host.begin(), host.end(), host_char);
}

// "" for no port; nothing for a bad one.
std::optional<std::string> port_of(std::string_view port) {
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    return std::nullopt;
  }
  int number = std::stoi(std::string(port));
  if (number < 1 || number > 65535) return std::nullopt;
  return std::to_string(number);
}

}  // namespace

std::optional<std::string> canonical_origin(std::string_view origin) {
  std::string text = lower(origin);
  std::string scheme;
  if (text.rfind("http://", 0) == 0) {
    scheme = "http";
  } else if (text.rfind("https://", 0) == 0) {
    scheme = "https";
  } else {
    return std::nullopt;
  }
  std::string_view authority = std::string_view(text).substr(scheme.size() + 3);
  // The port follows the last ':' outside an IPv6 literal's brackets.
  size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) != std::string_view::npos) {
    colon = std::string_view::npos;
  }
  std::string_view host = authority.substr(0, colon);
  if (!valid_host(host)) return std::nullopt;
  std::string out = scheme + "://" + std::string(host);
  if (colon == std::string_view::npos) return out;
  auto port = port_of(authority.substr(colon + 1));
  if (!port) return std::nullopt;
  const bool default_port =
      (scheme == "http" && *port == "80") || (scheme == "https" && *port == "443");
  if (!default_port) out += ":" + *port;
  return out;
}

bool origin_allowed(std::string_view origin, const std::vector<std::string>& allowed) {
  auto canonical = canonical_origin(origin);
  if (!canonical) return false;
  return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& entry) {
    return canonical_origin(entry) == canonical;
  });
}

}  // namespace parley
