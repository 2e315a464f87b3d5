// Request counters, latency histograms and connection gauges, rendered in the Prometheus
// text format for GET /metrics. Sharded by thread so that counting costs no contention.
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace parley {

class Metrics {
 public:
  static constexpr std::array<double, 12> kLatencyBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 1, 5};

  // `route` is the route pattern ("/api/v1/bots/{bot_id}"), never the raw path. Both views
  // must outlive Metrics (the Router's strings, or literals): counting allocates nothing.
  void record_request(std::string_view method, std::string_view route, int status, double seconds);
  void connection_opened() { ++open_connections_; }
  void connection_closed() { --open_connections_; }
  void connection_refused() { ++refused_connections_; }
  int64_t open_connections() const { return open_connections_.load(); }

  // Extra sections (store statistics, answer fallbacks...) appended by their owners.
  void add_source(std::function<void(std::string&)> render) {
    sources_.push_back(std::move(render));
  }

  std::string render() const;

 private:
  struct Series {
    uint64_t count = 0;
    double sum = 0;
    std::array<uint64_t, kLatencyBuckets.size()> buckets{};
    std::map<int, uint64_t> by_status;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::map<std::pair<std::string_view, std::string_view>, Series> series;  // method, route
  };
  static constexpr size_t kShards = 16;

  std::array<Shard, kShards> shards_;
  std::atomic<int64_t> open_connections_{0};
  std::atomic<uint64_t> refused_connections_{0};
  std::vector<std::function<void(std::string&)>> sources_;
};

}  // namespace parley
