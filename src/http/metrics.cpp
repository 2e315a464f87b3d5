#include "http/metrics.h"

#include <cstdio>
#include <functional>
#include <thread>

namespace parley {
namespace {

size_t shard_index() {
  thread_local size_t index = std::hash<std::thread::id>{}(std::this_thread::get_id());
  return index;
}

std::string format_double(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", value);
  return buf;
}

std::string labels(std::string_view method, std::string_view route) {
  return "method=\"" + std::string(method) + "\",route=\"" + std::string(route) + "\"";
}

}  // namespace

void Metrics::record_request(std::string_view method, std::string_view route, int status,
                             double seconds) {
  Shard& shard = shards_[shard_index() % kShards];
  std::lock_guard lock(shard.mutex);
  Series& series = shard.series[{method, route}];
  ++series.count;
  series.sum += seconds;
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) ++series.buckets[i];
  }
  ++series.by_status[status];
}

std::string Metrics::render() const {
  std::map<std::pair<std::string_view, std::string_view>, Series> merged;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    for (const auto& [key, series] : shard.series) {
      Series& total = merged[key];
      total.count += series.count;
      total.sum += series.sum;
      for (size_t i = 0; i < series.buckets.size(); ++i) total.buckets[i] += series.buckets[i];
      for (const auto& [status, n] : series.by_status) total.by_status[status] += n;
    }
  }

  std::string out;
  out += "# HELP parley_http_requests_total HTTP requests by route and status.\n";
  out += "# TYPE parley_http_requests_total counter\n";
  for (const auto& [key, series] : merged) {
    for (const auto& [status, n] : series.by_status) {
      out += "parley_http_requests_total{" + labels(key.first, key.second) + ",status=\"" +
             std::to_string(status) + "\"} " + std::to_string(n) + "\n";
    }
  }
  out +=
      "# HELP parley_http_request_duration_seconds Time from request read to response written.\n";
  out += "# TYPE parley_http_request_duration_seconds histogram\n";
  for (const auto& [key, series] : merged) {
    std::string l = labels(key.first, key.second);
    for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
      out += "parley_http_request_duration_seconds_bucket{" + l + ",le=\"" +
             format_double(kLatencyBuckets[i]) + "\"} " + std::to_string(series.buckets[i]) + "\n";
    }
    out += "parley_http_request_duration_seconds_bucket{" + l + ",le=\"+Inf\"} " +
           std::to_string(series.count) + "\n";
    out +=
        "parley_http_request_duration_seconds_sum{" + l + "} " + format_double(series.sum) + "\n";
    out += "parley_http_request_duration_seconds_count{" + l + "} " + std::to_string(series.count) +
           "\n";
  }
  out += "# HELP parley_http_open_connections Connections open now.\n";
  out += "# TYPE parley_http_open_connections gauge\n";
  out += "parley_http_open_connections " + std::to_string(open_connections_.load()) + "\n";
  out += "# HELP parley_http_refused_connections_total Connections refused at the limit.\n";
  out += "# TYPE parley_http_refused_connections_total counter\n";
  out +=
      "parley_http_refused_connections_total " + std::to_string(refused_connections_.load()) + "\n";
  for (const auto& source : sources_) source(out);
  return out;
}

}  // namespace parley
