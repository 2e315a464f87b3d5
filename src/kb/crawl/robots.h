// robots.txt (RFC 9309, with Google's conventions): which paths of a site the crawler may
// fetch, how long to wait between requests, and the sitemaps it names. The crawler fetches
// it once per origin through the guarded fetcher and asks it before every page.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace parley {

// The product token sites address us by in robots.txt ("User-agent: ParleyBot").
inline constexpr std::string_view kRobotsAgentToken = "ParleyBot";

class RobotsRules {
 public:
  static RobotsRules allow_all();
  static RobotsRules disallow_all();

  // The group(s) naming `agent_token` (case-insensitive) apply, merged; else the "*"
  // group(s); else everything is allowed. Reads at most the first 500 KiB, as Google does.
  static RobotsRules parse(std::string_view text, std::string_view agent_token);

  // `target` is a URL's path and query ("/a/b?x=1"). The longest matching pattern decides
  // ("*" matches any run of characters, a final "$" anchors the end); on a tie Allow wins.
  // "/robots.txt" itself is always allowed.
  bool allowed(std::string_view target) const;

  int crawl_delay_ms() const { return crawl_delay_ms_; }  // 0 when none; at most 60 s
  const std::vector<std::string>& sitemaps() const { return sitemaps_; }

 private:
  struct Rule {
    bool allow = false;
    std::string pattern;
  };
  std::vector<Rule> rules_;
  bool disallow_all_ = false;
  int crawl_delay_ms_ = 0;
  std::vector<std::string> sitemaps_;
};

// The rules to use given how fetching /robots.txt went (after redirects). Google's
// convention, which RFC 9309 also allows: 2xx is parsed; 4xx (the file does not exist, or
// is not for us to read) allows everything; 5xx and 429 mean the site is in trouble and
// disallow everything, as does a fetch that failed altogether (`fetched` false), so a
// crawler never hammers a struggling site or reads one whose rules it could not learn.
RobotsRules robots_from_response(bool fetched, int status, std::string_view body,
                                 std::string_view agent_token);

}  // namespace parley
