// Canonical URLs for crawling, so that one page has one identity however it was linked,
// and the same-site rule. Used by the fetcher (every request and redirect) and the crawler.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace parley {

// An absolute http(s) URL in canonical form: scheme and host lower-case, IPv4 hosts in
// dotted form whatever their spelling, IPv6 hosts compressed, default port dropped, empty
// path "/", dot segments resolved, percent-escapes normalised, fragment dropped, tracking
// parameters (utm_*, gclid, fbclid, ...) dropped, an empty query dropped.
// The remaining query parameters keep their order: a few sites give order meaning, and
// pages reached through reordered parameters are caught as duplicates by content.
// Errors (invalid_argument): not a URL, not http(s), user name or password in the URL.
Result<std::string> canonicalize_url(std::string_view url);

// Percent-escapes (RFC 3986): the value of a hex digit (-1 for another character); "%XX" of
// a byte, in upper case; escapes brought to their normal form (upper case, unreserved
// characters decoded, reserved ones left escaped). Shared with robots.txt patterns.
int hex_value(char c);
void append_percent_encoded(std::string& out, unsigned char byte);
std::string normalize_escapes(std::string_view text);

// A canonical URL taken apart for the fetcher and robots.txt.
struct UrlParts {
  std::string scheme;  // "http" or "https"
  std::string host;    // lower-case name, dotted IPv4, or IPv6 without brackets
  uint16_t port = 0;   // the effective port (80/443 when the URL has none)
  std::string origin;  // "https://example.com" or "http://127.0.0.1:8080"
  std::string target;  // path and query: "/a/b?x=1"
};

// Canonicalizes first, so any URL canonicalize_url accepts can be split.
Result<UrlParts> split_url(std::string_view url);

// The site a URL belongs to: its host without one leading "www.", plus the port when it is
// not 80 or 443. http and https of one host are one site.
std::string site_of(const UrlParts& parts);

// True when both URLs canonicalize and belong to the same site.
bool same_site(std::string_view a, std::string_view b);

}  // namespace parley
