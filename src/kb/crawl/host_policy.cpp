#include "kb/crawl/host_policy.h"

#include <algorithm>
#include <thread>

namespace parley {

RobotsEntry HostPolicy::fetch_robots(const std::string& origin, const std::string& site,
                                     Fetcher& fetcher, const std::atomic<bool>& cancel) {
  wait_turn(site, 0, cancel);
  RobotsEntry entry;
  auto fetched = fetcher.fetch(origin + "/robots.txt", {}, &cancel);
  if (fetched) {
    entry.rules = robots_from_response(true, fetched->status, fetched->body, kRobotsAgentToken);
    if (fetched->status >= 500 || fetched->status == 429) {
      entry.problem = "robots.txt answered " + std::to_string(fetched->status) +
                      ", so the site is not crawled now";
    }
  } else {
    entry.rules = robots_from_response(false, 0, "", kRobotsAgentToken);
    entry.problem = "robots.txt could not be read (" + fetched.error().message +
                    "), so the site is not crawled";
  }
  return entry;
}

const RobotsEntry& HostPolicy::robots(const std::string& origin, const std::string& site,
                                      Fetcher& fetcher, const std::atomic<bool>& cancel) {
  std::unique_lock lock(mutex_);
  Slot& slot = robots_[origin];  // std::map: the reference survives later insertions
  robots_ready_.wait(lock, [&] { return !slot.loading; });
  if (slot.ready) return slot.entry;
  slot.loading = true;
  lock.unlock();

  RobotsEntry entry;
  try {
    entry = fetch_robots(origin, site, fetcher, cancel);
  } catch (...) {
    // Never leave other workers waiting for a robots.txt that will not come.
    lock.lock();
    slot.entry.rules = RobotsRules::disallow_all();
    slot.entry.problem = "robots.txt could not be read";
    slot.ready = true;
    slot.loading = false;
    robots_ready_.notify_all();
    throw;
  }

  lock.lock();
  slot.entry = std::move(entry);
  slot.ready = true;
  slot.loading = false;
  robots_ready_.notify_all();
  return slot.entry;
}

void HostPolicy::wait_turn(const std::string& site, int crawl_delay_ms,
                           const std::atomic<bool>& cancel) {
  using Clock = std::chrono::steady_clock;
  const auto delay = std::chrono::milliseconds(std::max(per_host_delay_ms_, crawl_delay_ms));
  Clock::time_point turn;
  {
    std::lock_guard lock(mutex_);
    auto& next = next_request_[site];
    turn = std::max(Clock::now(), next);
    next = turn + delay;
  }
  // Politeness is real time the site sees, so this sleeps; in slices, to notice a cancel.
  while (!cancel.load()) {
    const auto now = Clock::now();
    if (now >= turn) return;
    std::this_thread::sleep_for(
        std::min<Clock::duration>(turn - now, std::chrono::milliseconds(100)));
  }
}

}  // namespace parley
