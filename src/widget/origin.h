// Web origins as the widget compares them: the page's `Origin` header against a bot's
// allowed_origins. Both sides are brought to one spelling first (scheme and host in lower
// case, the scheme's default port dropped), then must be equal: no wildcards, no suffixes,
// so "https://shop.example.com" does not admit "https://evil-shop.example.com". Called by
// the widget service.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley {

// "HTTPS://Shop.Example.com:443" -> "https://shop.example.com". Nothing for what is not an
// http(s) origin: a path, user info, a bad port, "null" (sandboxed frames, file: pages).
std::optional<std::string> canonical_origin(std::string_view origin);

// Whether `origin` (a request's header) is one of `allowed`; never for an empty list.
bool origin_allowed(std::string_view origin, const std::vector<std::string>& allowed);

}  // namespace parley
