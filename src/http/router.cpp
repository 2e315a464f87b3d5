#include "http/router.h"

#include <array>
#include <cassert>

namespace parley {
namespace {

// A path's segments, without allocating: routing runs for every request.
constexpr size_t kMaxSegments = 16;
struct PathParts {
  std::array<std::string_view, kMaxSegments> parts;
  size_t size = 0;
  bool too_deep = false;
  std::string_view operator[](size_t i) const { return parts[i]; }
};

PathParts split_path(std::string_view path) {
  PathParts out;
  size_t start = 1;  // paths begin with '/'
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (out.size == kMaxSegments) {
      out.too_deep = true;  // deeper than any route: matches nothing
      return out;
    }
    out.parts[out.size++] = path.substr(start, end - start);
    start = end + 1;
  }
  return out;
}

bool is_param(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Matches one route's segments against a path's; fills params on success.
bool match_segments(const Route& route, const PathParts& parts,
                    std::vector<std::pair<std::string, std::string>>& params) {
  if (parts.too_deep || route.segments.size() != parts.size) return false;
  params.clear();
  for (size_t i = 0; i < parts.size; ++i) {
    const std::string& segment = route.segments[i];
    if (is_param(segment)) {
      if (parts[i].empty()) return false;
      params.emplace_back(segment.substr(1, segment.size() - 2), std::string(parts[i]));
    } else if (segment != parts[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

void Router::add(std::string method, std::string pattern, RouteOptions options, Handler handler) {
  assert(!pattern.empty() && pattern.front() == '/');
  assert(options.access.kind != AuthKind::member || !options.access.min_role.empty());
  assert(options.access.kind != AuthKind::api_key || !options.access.key_scope.empty());
  Route route{std::move(method), std::move(pattern), std::move(options), std::move(handler), {}};
  PathParts parts = split_path(route.pattern);
  assert(!parts.too_deep);
  for (size_t i = 0; i < parts.size; ++i) route.segments.emplace_back(parts[i]);
  routes_.push_back(std::move(route));
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match result;
  if (path.empty() || path.front() != '/') return result;
  auto parts = split_path(path);
  std::vector<std::pair<std::string, std::string>> params;
  int best_literals = -1;
  for (const auto& route : routes_) {
    if (!match_segments(route, parts, params)) continue;
    if (route.method == method || (method == "HEAD" && route.method == "GET")) {
      // "/bots/search" beats "/bots/{bot_id}": more literal segments, more specific.
      int literals = static_cast<int>(route.segments.size() - params.size());
      if (literals > best_literals) {
        best_literals = literals;
        result.route = &route;
        result.params = params;
      }
    } else if (result.allow.find(route.method) == std::string::npos) {
      if (!result.allow.empty()) result.allow += ", ";
      result.allow += route.method;
    }
  }
  if (result.route) result.allow.clear();
  return result;
}

}  // namespace parley
