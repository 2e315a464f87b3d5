// Fetches one URL for a knowledge source over HTTP(S) with libcurl, behind the SSRF guard:
// every hop is resolved and checked first and curl may connect only to the checked
// addresses; redirects are followed by hand, each re-checked. Used by the crawler.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "kb/crawl/address_guard.h"

namespace parley {

// "ParleyBot/<version> (+https://parley.example/bot)"
std::string default_user_agent();

struct FetchOptions {
  std::string user_agent = default_user_agent();
  int connect_timeout_ms = 10'000;
  int timeout_ms = 30'000;                      // one request, from connecting to the last byte
  int64_t max_body_bytes = 10ll * 1024 * 1024;  // after decompression
  int max_redirects = 5;
  AllowList allow_list;  // private ranges that may be fetched anyway (tests, intranets)
  // When set and false for a redirect's target, the redirect is not followed: the 3xx is
  // the result, with redirect_url set (the crawler stays on its site this way).
  std::function<bool(std::string_view url)> follow_redirect;
};

// What a previous fetch of the URL returned, for a conditional request.
struct Validators {
  std::string etag;
  std::string last_modified;
};

struct FetchResult {
  int status = 0;
  std::string final_url;  // canonical URL of the last hop
  std::string content_type;
  std::string etag;
  std::string last_modified;
  std::string body;
  bool not_modified = false;  // 304: the validators still hold; body empty
  std::string redirect_url;   // a redirect not followed (see FetchOptions::follow_redirect)
};

// Not thread-safe: one Fetcher per thread. It keeps one curl handle, so connections to a
// site are reused between fetches.
class Fetcher {
 public:
  explicit Fetcher(FetchOptions options);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Any HTTP status is a result (the caller decides what a 404 means); errors are for
  // what kept us from getting one: invalid_argument (bad URL, too many redirects, no such
  // host), forbidden (refused address or scheme), payload_too_large, unavailable (DNS,
  // connection, timeout, TLS, cancelled).
  Result<FetchResult> fetch(std::string_view url, const Validators& validators = {},
                            const std::atomic<bool>* cancel = nullptr);

 private:
  Result<FetchResult> fetch_one(const std::string& url, const Validators& validators,
                                const std::atomic<bool>* cancel, std::string& redirect_to);

  FetchOptions options_;
  void* curl_ = nullptr;  // CURL*, kept out of this header
};

}  // namespace parley
