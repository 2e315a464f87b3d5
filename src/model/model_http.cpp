#include "model/model_http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace parley {
namespace {

void init_curl_once() {
  // curl_global_init is not safe to race with other threads' first curl calls.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Whole answers (post_json) larger than this are refused rather than held in memory.
constexpr size_t kMaxResponseBytes = 64 * 1024 * 1024;

// One attempt's view of the answer, filled by libcurl's callbacks.
struct Exchange {
  const PostHooks* hooks = nullptr;
  long status = 0;  // of the last status line seen (a 100 Continue is followed by another)
  std::optional<int64_t> retry_after_seconds;
  std::optional<Error> aborted;  // a hook's error: ends the call as is
};

bool success(long status) { return status >= 200 && status < 300; }
bool retryable(long status) { return status == 429 || status >= 500; }

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const size_t n = size * count;
  if (!success(exchange->status) || !exchange->hooks->on_body) return n;  // error bodies: unread
  Status status = exchange->hooks->on_body(std::string_view(data, n));
  if (status.ok()) return n;
  exchange->aborted = status.error();
  return 0;  // aborts the transfer
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* exchange = static_cast<Exchange*>(user);
  if (!exchange->hooks->on_tick || exchange->aborted) return 0;
  Status status = exchange->hooks->on_tick();
  if (status.ok()) return 0;
  exchange->aborted = status.error();
  return 1;  // aborts the transfer
}

// The number that `value` starts with (after spaces), capped at a day: a status code, or
// Retry-After in seconds (an HTTP date reads as absent, so the backoff applies).
std::optional<int64_t> leading_number(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  int64_t seconds = 0;
  bool digits = false;
  while (!value.empty() && std::isdigit(static_cast<unsigned char>(value.front()))) {
    seconds = std::min<int64_t>(seconds * 10 + (value.front() - '0'), 86400);
    value.remove_prefix(1);
    digits = true;
  }
  return digits ? std::optional<int64_t>(seconds) : std::nullopt;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const size_t n = size * count;
  const std::string_view line(data, n);
  std::string lower(line);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.rfind("http/", 0) == 0) {  // a new answer
    exchange->retry_after_seconds.reset();
    const size_t space = line.find(' ');
    exchange->status =
        space == std::string_view::npos ? 0 : leading_number(line.substr(space + 1)).value_or(0);
  }
  if (lower.rfind("retry-after:", 0) == 0) {
    exchange->retry_after_seconds = leading_number(line.substr(line.find(':') + 1));
  }
  return n;
}

std::string join_url(const std::string& base, std::string_view path) {
  std::string url = base;
  while (!url.empty() && url.back() == '/') url.pop_back();
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return url + "/" + std::string(path);
}

using CurlPtr = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;

// Idle libcurl handles, kept with their open connections: the next call to the same
// endpoint reuses one (no TCP or TLS handshake when the endpoint keeps connections
// alive). Each call takes a handle of its own; at most kIdleHandles are kept.
class HandlePool {
 public:
  CurlPtr take() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        CurlPtr handle = std::move(idle_.back());
        idle_.pop_back();
        return handle;
      }
    }
    return CurlPtr(curl_easy_init(), curl_easy_cleanup);
  }
  void give_back(CurlPtr handle) {
    if (!handle) return;
    std::lock_guard lock(mutex_);
    if (idle_.size() < kIdleHandles) idle_.push_back(std::move(handle));
  }

 private:
  static constexpr size_t kIdleHandles = 32;
  std::mutex mutex_;
  std::vector<CurlPtr> idle_;
};

HandlePool& handle_pool() {
  static HandlePool* pool = new HandlePool;  // never destroyed: calls may outlive statics
  return *pool;
}

using HeadersPtr = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

HeadersPtr request_headers(const ModelEndpoint& endpoint, const char* accept) {
  curl_slist* raw = curl_slist_append(nullptr, "Content-Type: application/json");
  raw = curl_slist_append(raw, (std::string("Accept: ") + accept).c_str());
  if (!endpoint.api_key.empty()) {
    raw = curl_slist_append(raw, ("Authorization: Bearer " + endpoint.api_key).c_str());
  }
  return HeadersPtr(raw, curl_slist_free_all);
}

void prepare(CURL* c, const std::string& url, curl_slist* headers, const std::string& body,
             const HttpPolicy& policy, Exchange& exchange) {
  curl_easy_reset(c);
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(policy.connect_timeout_ms));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(policy.timeout_ms));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &exchange);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &exchange);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &exchange);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // the key goes to the configured host only
}

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
  std::string body;
  PostHooks hooks;
  hooks.on_attempt = [&](int) { body.clear(); };
  hooks.on_body = [&](std::string_view piece) -> Status {
    if (body.size() + piece.size() > kMaxResponseBytes) {
      return make_error(ErrorCode::unavailable, "model endpoint: the answer is too large");
    }
    body.append(piece);
    return ok_status();
  };
  Status status = post(path, json_body, hooks);
  if (!status) return status.error();
  return body;
}

Status ModelHttp::post(std::string_view path, const std::string& json_body,
                       const PostHooks& hooks) const {
  init_curl_once();
  const std::string url = join_url(endpoint_.base_url, path);
  CurlPtr curl = handle_pool().take();
  if (!curl) return make_error(ErrorCode::internal, "model endpoint: cannot start libcurl");
  struct GiveBack {
    CurlPtr& handle;
    ~GiveBack() { handle_pool().give_back(std::move(handle)); }
  } give_back{curl};
  HeadersPtr headers = request_headers(endpoint_, hooks.accept);
  const int attempts = std::max(1, policy_.max_attempts);
  std::string last_failure;
  int made = 0;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (hooks.on_attempt) hooks.on_attempt(attempt);
    Exchange exchange;
    exchange.hooks = &hooks;
    prepare(curl.get(), url, headers.get(), json_body, policy_, exchange);
    const CURLcode code = curl_easy_perform(curl.get());
    ++made;
    if (exchange.aborted) return *exchange.aborted;
    long status = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
    if (code == CURLE_OK && success(status)) {
      Status complete = hooks.on_complete ? hooks.on_complete() : ok_status();
      if (complete) return complete;
      last_failure = complete.error().message;
    } else if (code == CURLE_OK && !retryable(status)) {
      // A wrong key, model or URL does not get better by asking again.
      return make_error(ErrorCode::invalid_argument,
                        "model endpoint answered HTTP " + std::to_string(status) +
                            (status == 401 || status == 403 ? " (check the API key)" : ""));
    } else {
      last_failure = code == CURLE_OK ? "HTTP " + std::to_string(status)
                                      : std::string(curl_easy_strerror(code));
    }
    if (attempt + 1 >= attempts || (hooks.may_retry && !hooks.may_retry())) break;
    sleep_(retry_delay(policy_, attempt, exchange.retry_after_seconds));
  }
  return make_error(ErrorCode::unavailable, "model endpoint failed after " + std::to_string(made) +
                                                " attempt" + (made == 1 ? "" : "s") + ": " +
                                                last_failure);
}

}  // namespace parley
