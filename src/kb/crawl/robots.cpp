#include "kb/crawl/robots.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "kb/crawl/url_norm.h"

namespace parley {
namespace {

constexpr size_t kMaxRobotsBytes = 500 * 1024;
constexpr int kMaxCrawlDelayMs = 60'000;  // a larger delay would stall a crawl for hours

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

// Patterns are written by hand; URL targets come canonical (upper-case escapes, unreserved
// characters decoded). Bring a pattern to the same form so "/%7euser" matches "/~user".
std::string normalize_pattern(std::string_view pattern) {
  std::string escaped;
  for (unsigned char c : pattern) {
    if (c >= 0x80 || c <= 0x20) {
      append_percent_encoded(escaped, c);
    } else {
      escaped += static_cast<char>(c);
    }
  }
  return normalize_escapes(escaped);
}

// Whole-string match where '*' matches any run; a pattern not ending in '$' matches any
// target it is a prefix of. Linear backtracking on the last '*', as in glob matchers.
bool pattern_matches(std::string_view pattern, std::string_view target) {
  const bool anchored = !pattern.empty() && pattern.back() == '$';
  if (anchored) pattern.remove_suffix(1);
  size_t p = 0;
  size_t t = 0;
  size_t star = std::string_view::npos;
  size_t star_t = 0;
  while (t < target.size()) {
    if (p == pattern.size() && !anchored) return true;
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_t = t;
    } else if (p < pattern.size() && pattern[p] == target[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// The product token of a User-agent value: "ParleyBot/1.2" names "parleybot".
std::string agent_token_of(std::string_view value) {
  size_t end = 0;
  while (end < value.size() && (std::isalnum(static_cast<unsigned char>(value[end])) ||
                                value[end] == '-' || value[end] == '_' || value[end] == '*')) {
    ++end;
  }
  return lower(value.substr(0, end));
}

struct Group {
  std::vector<std::string> agents;
  std::vector<std::pair<bool, std::string>> rules;  // allow?, pattern
  int crawl_delay_ms = -1;
};

}  // namespace

RobotsRules RobotsRules::allow_all() { return RobotsRules(); }

RobotsRules RobotsRules::disallow_all() {
  RobotsRules rules;
  rules.disallow_all_ = true;
  return rules;
}

RobotsRules RobotsRules::parse(std::string_view text, std::string_view agent_token) {
  if (text.size() > kMaxRobotsBytes) text = text.substr(0, kMaxRobotsBytes);
  RobotsRules result;
  std::vector<Group> groups;
  bool last_was_agent = false;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find_first_of("\r\n", start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    line = line.substr(0, line.find('#'));
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string key = lower(trim(line.substr(0, colon)));
    const std::string_view value = trim(line.substr(colon + 1));
    if (key == "user-agent") {
      if (!last_was_agent || groups.empty()) groups.emplace_back();
      groups.back().agents.push_back(agent_token_of(value));
      last_was_agent = true;
      continue;
    }
    if (key == "sitemap") {  // not part of any group
      if (!value.empty()) result.sitemaps_.emplace_back(value);
      continue;
    }
    last_was_agent = false;
    if (groups.empty()) continue;  // rules before any User-agent line belong to no one
    if ((key == "allow" || key == "disallow") && !value.empty()) {
      groups.back().rules.emplace_back(key == "allow", normalize_pattern(value));
    } else if (key == "crawl-delay") {
      const double seconds = std::strtod(std::string(value).c_str(), nullptr);
      if (std::isfinite(seconds) && seconds > 0) {
        groups.back().crawl_delay_ms =
            static_cast<int>(std::min<double>(seconds * 1000, kMaxCrawlDelayMs));
      }
    }
  }
  const std::string ours = lower(agent_token);
  auto names = [&](const Group& group, const std::string& token) {
    return std::find(group.agents.begin(), group.agents.end(), token) != group.agents.end();
  };
  const bool any_ours = std::any_of(groups.begin(), groups.end(),
                                    [&](const Group& group) { return names(group, ours); });
  const std::string chosen = any_ours ? ours : "*";
  for (const auto& group : groups) {
    if (!names(group, chosen)) continue;
    for (const auto& [allow, pattern] : group.rules) result.rules_.push_back({allow, pattern});
    result.crawl_delay_ms_ = std::max(result.crawl_delay_ms_, group.crawl_delay_ms);
  }
  return result;
}

bool RobotsRules::allowed(std::string_view target) const {
  if (target == "/robots.txt") return true;
  if (disallow_all_) return false;
  int best_length = -1;
  bool best_allow = true;
  for (const auto& rule : rules_) {
    if (!pattern_matches(rule.pattern, target)) continue;
    const int length = static_cast<int>(rule.pattern.size());
    if (length > best_length || (length == best_length && rule.allow)) {
      best_length = length;
      best_allow = rule.allow;
    }
  }
  return best_allow;
}

RobotsRules robots_from_response(bool fetched, int status, std::string_view body,
                                 std::string_view agent_token) {
  if (!fetched || status >= 500 || status == 429) return RobotsRules::disallow_all();
  if (status >= 200 && status < 300) return RobotsRules::parse(body, agent_token);
  return RobotsRules::allow_all();
}

}  // namespace parley
