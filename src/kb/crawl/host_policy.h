// Politeness for one crawl: robots.txt fetched once per origin (other workers wait for it)
// and a minimum delay between requests to a site, shared by all of the crawl's workers.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

#include "kb/crawl/fetcher.h"
#include "kb/crawl/robots.h"

namespace parley {

struct RobotsEntry {
  RobotsRules rules;
  std::string problem;  // why everything is disallowed when robots.txt could not be read
};

class HostPolicy {
 public:
  explicit HostPolicy(int per_host_delay_ms) : per_host_delay_ms_(per_host_delay_ms) {}

  // The rules for `origin` ("https://example.com"), fetched with `fetcher` on first use.
  // The reference stays valid for the HostPolicy's life.
  const RobotsEntry& robots(const std::string& origin, const std::string& site, Fetcher& fetcher,
                            const std::atomic<bool>& cancel);

  // Blocks until the site's next request slot, at least max(per-host delay, crawl_delay_ms)
  // after the previous one, and takes it. Returns early when `cancel` is set.
  void wait_turn(const std::string& site, int crawl_delay_ms, const std::atomic<bool>& cancel);

 private:
  RobotsEntry fetch_robots(const std::string& origin, const std::string& site, Fetcher& fetcher,
                           const std::atomic<bool>& cancel);

  struct Slot {
    bool loading = false;
    bool ready = false;
    RobotsEntry entry;
  };
  const int per_host_delay_ms_;
  std::mutex mutex_;
  std::condition_variable robots_ready_;
  std::map<std::string, Slot> robots_;
  std::map<std::string, std::chrono::steady_clock::time_point> next_request_;
};

}  // namespace parley
