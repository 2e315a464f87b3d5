#include "kb/crawl/url_norm.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "kb/crawl/ip_address.h"

namespace parley {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_percent_encoded(std::string& out, unsigned char byte) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '%';
  out += kHex[byte >> 4];
  out += kHex[byte & 15];
}

// RFC 3986 6.2.2.2: escapes in upper case, escaped unreserved characters decoded. Escaped
// reserved characters ("%2F", "%26") stay escaped: decoding them would change the URL.
std::string normalize_escapes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%' || i + 2 >= text.size() || hex_value(text[i + 1]) < 0 ||
        hex_value(text[i + 2]) < 0) {
      out += text[i];
      continue;
    }
    const auto c = static_cast<unsigned char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      append_percent_encoded(out, c);
    }
    i += 2;
  }
  return out;
}

namespace {

constexpr auto npos = std::string_view::npos;

// Query parameters that only say where a visitor came from; dropping them makes one page
// out of the many links a marketing campaign spreads.
bool is_tracking_parameter(std::string_view key) {
  static constexpr std::string_view kNames[] = {
      "gclid",  "dclid",  "gbraid", "wbraid", "fbclid", "msclkid", "yclid",   "igshid",
      "mc_cid", "mc_eid", "_ga",    "_gl",    "_hsenc", "_hsmi",   "mkt_tok",
  };
  std::string lowered(key);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lowered.rfind("utm_", 0) == 0) return true;
  return std::find(std::begin(kNames), std::end(kNames), lowered) != std::end(kNames);
}

// Links in real pages are often not strict RFC 3986 (spaces, non-ASCII, "|", a bare "%");
// browsers percent-encode such bytes, and so do we before parsing.
std::string escape_loose_characters(std::string_view raw) {
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.front())))
    raw.remove_prefix(1);
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.back()))) raw.remove_suffix(1);
  const size_t scheme_end = raw.find("://");
  const size_t authority_end =
      scheme_end == std::string_view::npos ? 0 : raw.find_first_of("/?#", scheme_end + 3);
  bool in_fragment = false;
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c == '\t' || c == '\n' || c == '\r') continue;  // browsers drop these
    const bool in_authority = i < authority_end;
    bool escape = c <= 0x20 || c >= 0x7f || std::string_view("\"<>\\^`{|}").find(c) != npos;
    if (c == '%')
      escape = i + 2 >= raw.size() || hex_value(raw[i + 1]) < 0 || hex_value(raw[i + 2]) < 0;
    if ((c == '[' || c == ']') && !in_authority) escape = true;
    if (c == '#') {
      escape = in_fragment;
      in_fragment = true;
    }
    if (escape) {
      append_percent_encoded(out, c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

Error invalid(std::string_view url, std::string_view why) {
  return make_error(ErrorCode::invalid_argument,
                    "\"" + std::string(url.substr(0, 200)) + "\" " + std::string(why));
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// RFC 3986 5.2.4 for an absolute path: "." and ".." segments resolved, never above "/".
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> segments;
  std::vector<std::string_view> out;
  size_t start = 1;  // path starts with '/'
  while (true) {
    const size_t slash = path.find('/', start);
    segments.push_back(path.substr(start, slash == npos ? npos : slash - start));
    if (slash == npos) break;
    start = slash + 1;
  }
  for (size_t i = 0; i < segments.size(); ++i) {
    const bool last = i + 1 == segments.size();
    if (segments[i] == "." || segments[i] == "..") {
      if (segments[i] == ".." && !out.empty()) out.pop_back();
      if (last) out.push_back("");  // "/a/b/.." is the directory "/a/"
      continue;
    }
    out.push_back(segments[i]);
  }
  std::string result;
  for (auto segment : out) {
    result += '/';
    result += segment;
  }
  return result.empty() ? "/" : result;
}

Result<std::string> canonical_host(std::string_view raw, std::string_view url) {
  if (raw.empty()) return invalid(url, "has no host");
  if (raw.front() == '[') {
    auto literal = parse_ip_literal(raw);
    if (!literal || !literal->has_value() || !(*literal)->v6) {
      return invalid(url, "has a host that is not a valid address");
    }
    return "[" + (*literal)->to_string() + "]";
  }
  std::string host = lower(raw);
  if (host.size() > 1 && host.back() == '.') host.pop_back();
  auto literal = parse_ip_literal(host);
  if (!literal) return invalid(url, "has a host that is not a valid address");
  if (literal->has_value()) return (*literal)->to_string();
  if (host.find('%') != npos) {
    return invalid(url, "has an international host name; write it in its xn-- form");
  }
  const bool valid_chars = std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
  });
  if (!valid_chars || host.size() > 253 || host.front() == '.' || host.find("..") != npos) {
    return invalid(url, "has an invalid host name");
  }
  return host;
}

// The raw port text to the port kept in the canonical URL: 0 for none (the default).
Result<int> canonical_port(std::string_view raw, bool https, std::string_view url) {
  if (raw.empty()) return 0;
  if (raw.size() > 5 ||
      !std::all_of(raw.begin(), raw.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return invalid(url, "has an invalid port");
  }
  const int number = std::stoi(std::string(raw));
  if (number < 1 || number > 65535) return invalid(url, "has an invalid port");
  return number == (https ? 443 : 80) ? 0 : number;
}

std::string without_tracking_parameters(std::string_view query) {
  std::string kept;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == npos) end = query.size();
    const std::string_view piece = query.substr(start, end - start);
    const std::string_view key = piece.substr(0, piece.find('='));
    if (!piece.empty() && !is_tracking_parameter(key)) {
      if (!kept.empty()) kept += '&';
      kept += piece;
    }
    start = end + 1;
  }
  return kept;
}

}  // namespace

// By hand rather than with Boost.URL: Boost 1.81 reads "http://127.0.0.1.example.com/" as
// host 127.0.0.1 (and "1.2.3.4.5" as 1.2.3.4), and its normalize() decodes "%2F" and keeps
// "/../" at the root. For absolute http(s) URLs the grammar is small enough to own.
Result<std::string> canonicalize_url(std::string_view url) {
  const std::string escaped = escape_loose_characters(url);
  const std::string_view text = escaped;
  const size_t colon = text.find(':');
  const auto scheme_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
  };
  if (colon == npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(text[0])) ||
      !std::all_of(text.begin(), text.begin() + colon, scheme_char)) {
    return invalid(url, "is not a valid absolute URL");
  }
  const std::string scheme = lower(text.substr(0, colon));
  if (scheme != "http" && scheme != "https") return invalid(url, "is not an http or https URL");
  if (text.substr(colon + 1, 2) != "//") return invalid(url, "has no host");
  const size_t authority_start = colon + 3;
  const size_t authority_end = std::min(text.find_first_of("/?#", authority_start), text.size());
  const std::string_view authority = text.substr(authority_start, authority_end - authority_start);
  // Credentials in a crawled URL would be sent to the site and stored with the page.
  if (authority.find('@') != npos) return invalid(url, "contains a user name or password");

  size_t port_colon = npos;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == npos) return invalid(url, "has a host that is not a valid address");
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return invalid(url, "has an invalid host");
      port_colon = close + 1;
    }
  } else {
    port_colon = authority.find(':');
  }
  auto host = canonical_host(authority.substr(0, port_colon), url);
  if (!host) return host.error();
  auto port =
      canonical_port(port_colon == npos ? std::string_view() : authority.substr(port_colon + 1),
                     scheme == "https", url);
  if (!port) return port.error();

  std::string_view rest = text.substr(authority_end);
  rest = rest.substr(0, rest.find('#'));
  const size_t question = rest.find('?');
  const std::string_view raw_path = rest.substr(0, question);
  const std::string path =
      raw_path.empty() ? "/" : remove_dot_segments(normalize_escapes(raw_path));
  const std::string query =
      question == npos ? ""
                       : without_tracking_parameters(normalize_escapes(rest.substr(question + 1)));

  std::string out = scheme + "://" + *host;
  if (*port != 0) out += ":" + std::to_string(*port);
  out += path;
  if (!query.empty()) out += "?" + query;
  return out;
}

Result<UrlParts> split_url(std::string_view url) {
  auto canonical = canonicalize_url(url);
  if (!canonical) return canonical.error();
  const std::string_view text = *canonical;
  UrlParts parts;
  const size_t colon = text.find(':');
  parts.scheme = text.substr(0, colon);
  const size_t authority_end = text.find('/', colon + 3);
  parts.origin = text.substr(0, authority_end);
  parts.target = text.substr(authority_end);
  const std::string_view authority = text.substr(colon + 3, authority_end - colon - 3);
  const size_t port_colon =
      authority.front() == '[' ? authority.find(':', authority.find(']')) : authority.find(':');
  std::string_view host = authority.substr(0, port_colon);
  if (host.front() == '[') host = host.substr(1, host.size() - 2);
  parts.host = host;
  parts.port =
      port_colon == npos
          ? (parts.scheme == "https" ? 443 : 80)
          : static_cast<uint16_t>(std::stoi(std::string(authority.substr(port_colon + 1))));
  return parts;
}

std::string site_of(const UrlParts& parts) {
  std::string site = parts.host;
  if (site.rfind("www.", 0) == 0) site.erase(0, 4);
  if (parts.port != 80 && parts.port != 443) site += ":" + std::to_string(parts.port);
  return site;
}

bool same_site(std::string_view a, std::string_view b) {
  auto parts_a = split_url(a);
  auto parts_b = split_url(b);
  return parts_a && parts_b && site_of(*parts_a) == site_of(*parts_b);
}

}  // namespace parley
