#include "model/model_http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <thread>

namespace parley {
namespace {

void init_curl_once() {
  // curl_global_init is not safe to race with other threads' first curl calls.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Bodies of error answers are kept short: they are read for nothing but a hint.
constexpr size_t kMaxResponseBytes = 64 * 1024 * 1024;

struct Exchange {
  std::string body;
  std::optional<int64_t> retry_after_seconds;
  bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const size_t n = size * count;
  if (exchange->body.size() + n > kMaxResponseBytes) {
    exchange->too_large = true;
    return 0;  // aborts the transfer
  }
  exchange->body.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const size_t n = size * count;
  std::string line(data, n);
  std::string lower = line;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.rfind("http/", 0) == 0) exchange->retry_after_seconds.reset();  // a new answer
  if (lower.rfind("retry-after:", 0) == 0) {
    // Seconds only; an HTTP date is treated as absent (the backoff applies).
    size_t at = line.find(':') + 1;
    while (at < line.size() && line[at] == ' ') ++at;
    int64_t seconds = 0;
    bool digits = false;
    while (at < line.size() && std::isdigit(static_cast<unsigned char>(line[at]))) {
      seconds = std::min<int64_t>(seconds * 10 + (line[at++] - '0'), 86400);
      digits = true;
    }
    if (digits) exchange->retry_after_seconds = seconds;
  }
  return n;
}

std::string join_url(const std::string& base, std::string_view path) {
  std::string url = base;
  while (!url.empty() && url.back() == '/') url.pop_back();
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return url + "/" + std::string(path);
}

bool retryable(long status) { return status == 429 || status >= 500; }

}  // namespace

SleepFn real_sleep() {
  return [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); };
}

std::chrono::milliseconds retry_delay(const HttpPolicy& policy, int attempt,
                                      std::optional<int64_t> retry_after_seconds) {
  int64_t ms = static_cast<int64_t>(policy.retry_base_ms) << std::min(attempt, 20);
  if (retry_after_seconds) ms = *retry_after_seconds * 1000;
  return std::chrono::milliseconds(std::clamp<int64_t>(ms, 0, policy.retry_cap_ms));
}

Result<std::string> ModelHttp::post_json(std::string_view path,
                                         const std::string& json_body) const {
  init_curl_once();
  const std::string url = join_url(endpoint_.base_url, path);
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return make_error(ErrorCode::internal, "model endpoint: cannot start libcurl");
  curl_slist* raw_headers = curl_slist_append(nullptr, "Content-Type: application/json");
  raw_headers = curl_slist_append(raw_headers, "Accept: application/json");
  if (!endpoint_.api_key.empty()) {
    raw_headers =
        curl_slist_append(raw_headers, ("Authorization: Bearer " + endpoint_.api_key).c_str());
  }
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(raw_headers,
                                                                      curl_slist_free_all);
  const int attempts = std::max(1, policy_.max_attempts);
  std::string last_failure;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    Exchange exchange;
    CURL* c = curl.get();
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, json_body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json_body.size()));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(policy_.connect_timeout_ms));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(policy_.timeout_ms));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &exchange);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &exchange);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // the key goes to the configured host only
    const CURLcode code = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (code == CURLE_OK && status >= 200 && status < 300) return std::move(exchange.body);
    if (code == CURLE_OK && !retryable(status)) {
      // A wrong key, model or URL does not get better by asking again.
      return make_error(ErrorCode::invalid_argument,
                        "model endpoint answered HTTP " + std::to_string(status) +
                            (status == 401 || status == 403 ? " (check the API key)" : ""));
    }
    last_failure = code == CURLE_OK     ? "HTTP " + std::to_string(status)
                   : exchange.too_large ? std::string("an oversized answer")
                                        : std::string(curl_easy_strerror(code));
    if (attempt + 1 < attempts) sleep_(retry_delay(policy_, attempt, exchange.retry_after_seconds));
  }
  return make_error(ErrorCode::unavailable, "model endpoint failed after " +
                                                std::to_string(attempts) + " attempt" +
                                                (attempts == 1 ? "" : "s") + ": " + last_failure);
}

}  // namespace parley
