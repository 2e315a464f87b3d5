#include "kb/crawl/fetcher.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <vector>

#include "kb/crawl/url_norm.h"

#ifndef PARLEY_VERSION
#define PARLEY_VERSION "dev"
#endif

namespace parley {
namespace {

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistFree>;

void append(Slist& list, const std::string& item) {
  curl_slist* grown = curl_slist_append(list.get(), item.c_str());
  if (grown == nullptr) throw std::bad_alloc();
  (void)list.release();
  list.reset(grown);
}

// State the callbacks of one transfer share with fetch_one.
struct Transfer {
  std::string body;
  int64_t max_body_bytes = 0;
  bool too_large = false;
  const std::vector<IpAddress>* approved = nullptr;
  std::string refused_address;  // set when curl tried to connect anywhere else
  const std::atomic<bool>* cancel = nullptr;
};

size_t write_body(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (static_cast<int64_t>(transfer->body.size() + n) > transfer->max_body_bytes) {
    transfer->too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  transfer->body.append(data, n);
  return n;
}

// The last word on where curl connects: whatever curl resolved or was told, a socket is
// opened only to an address resolve_public approved for this hop.
curl_socket_t open_checked_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* transfer = static_cast<Transfer*>(user);
  IpAddress target;
  if (address->family == AF_INET) {
    std::memcpy(target.bytes.data(), &reinterpret_cast<sockaddr_in*>(&address->addr)->sin_addr, 4);
  } else if (address->family == AF_INET6) {
    target.v6 = true;
    std::memcpy(target.bytes.data(), &reinterpret_cast<sockaddr_in6*>(&address->addr)->sin6_addr,
                16);
  } else {
    transfer->refused_address = "a non-IP address";
    return CURL_SOCKET_BAD;
  }
  const auto& approved = *transfer->approved;
  if (std::find(approved.begin(), approved.end(), target) == approved.end()) {
    transfer->refused_address = target.to_string();
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

int check_cancel(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* transfer = static_cast<Transfer*>(user);
  return transfer->cancel != nullptr && transfer->cancel->load() ? 1 : 0;
}

std::string header_value(CURL* curl, const char* name) {
  curl_header* header = nullptr;
  if (curl_easy_header(curl, name, 0, CURLH_HEADER, -1, &header) == CURLHE_OK) {
    return header->value;
  }
  return {};
}

// "10 MB", "1.5 MB", "512 KB", "100 bytes"
std::string size_text(int64_t bytes) {
  char text[32];
  if (bytes >= 1024 * 1024) {
    std::snprintf(text, sizeof text, "%.3g MB", static_cast<double>(bytes) / (1024 * 1024));
  } else if (bytes >= 1024) {
    std::snprintf(text, sizeof text, "%.3g KB", static_cast<double>(bytes) / 1024);
  } else {
    std::snprintf(text, sizeof text, "%lld bytes", static_cast<long long>(bytes));
  }
  return text;
}

std::string seconds_text(int ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g s", ms / 1000.0);
  return text;
}

bool is_tls_error(CURLcode code) {
  switch (code) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
      return true;
    default:
      return false;
  }
}

bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

std::string default_user_agent() {
  return std::string("ParleyBot/") + PARLEY_VERSION + " (+https://parley.example/bot)";
}

Fetcher::Fetcher(FetchOptions options) : options_(std::move(options)) {
  init_curl_once();
  curl_ = curl_easy_init();
  if (curl_ == nullptr) throw std::bad_alloc();
}

Fetcher::~Fetcher() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

Result<FetchResult> Fetcher::fetch(std::string_view url, const Validators& validators,
                                   const std::atomic<bool>* cancel) {
  auto canonical = canonicalize_url(url);
  if (!canonical) return canonical.error();
  std::string current = *canonical;
  std::string previous;
  for (int hop = 0;; ++hop) {
    std::string redirect_to;
    auto result = fetch_one(current, validators, cancel, redirect_to);
    if (!result && hop > 0) {
      return make_error(result.error().code,
                        previous + " redirects to " + current + ": " + result.error().message);
    }
    if (!result || redirect_to.empty()) return result;
    if (hop >= options_.max_redirects) {
      return make_error(ErrorCode::invalid_argument, "too many redirects (more than " +
                                                         std::to_string(options_.max_redirects) +
                                                         ") starting at " + *canonical);
    }
    auto next = canonicalize_url(redirect_to);
    if (!next) {
      return make_error(next.error().code, current + " redirects to a URL that is not fetched: " +
                                               next.error().message);
    }
    if (options_.follow_redirect && !options_.follow_redirect(*next)) {
      result->redirect_url = *next;
      return result;
    }
    previous = std::move(current);
    current = *next;
  }
}

Result<FetchResult> Fetcher::fetch_one(const std::string& url, const Validators& validators,
                                       const std::atomic<bool>* cancel, std::string& redirect_to) {
  auto parts = split_url(url);
  if (!parts) return parts.error();
  auto approved = resolve_public(parts->host, parts->port, options_.allow_list);
  if (!approved) return approved.error();
  if (cancel != nullptr && cancel->load()) {
    return make_error(ErrorCode::unavailable, "the fetch was cancelled");
  }

  CURL* c = static_cast<CURL*>(curl_);
  curl_easy_reset(c);  // keeps live connections, drops every option of the last fetch
  Transfer transfer;
  transfer.max_body_bytes = options_.max_body_bytes;
  transfer.approved = &*approved;
  transfer.cancel = cancel;

  // Pin the name to the checked addresses so curl does not resolve it again (a DNS answer
  // that changes between our check and curl's lookup would otherwise get through).
  Slist resolve;
  auto literal = parse_ip_literal(parts->host);
  if (literal && !literal->has_value()) {
    std::string entry = parts->host + ":" + std::to_string(parts->port) + ":";
    for (size_t i = 0; i < approved->size(); ++i) {
      const IpAddress& address = (*approved)[i];
      if (i > 0) entry += ",";
      entry += address.v6 ? "[" + address.to_string() + "]" : address.to_string();
    }
    append(resolve, entry);
  }
  Slist headers;
  append(headers, "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
  if (!validators.etag.empty()) append(headers, "If-None-Match: " + validators.etag);
  if (!validators.last_modified.empty()) {
    append(headers, "If-Modified-Since: " + validators.last_modified);
  }
  char error_text[CURL_ERROR_SIZE] = {};

  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // each hop is checked here instead
  // A proxy from the environment would connect on our behalf, past every check above.
  curl_easy_setopt(c, CURLOPT_PROXY, "");
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(c, CURLOPT_RESOLVE, resolve.get());
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_checked_socket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(c, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // what curl can decode
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_body_bytes));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, check_cancel);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &transfer);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_text);

  const CURLcode code = curl_easy_perform(c);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);  // error_text goes out of scope
  if (code != CURLE_OK) {
    if (!transfer.refused_address.empty()) {
      return make_error(ErrorCode::forbidden, "refused: connecting to " + transfer.refused_address +
                                                  ", which was not checked, for " + url);
    }
    if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED) {
      return make_error(
          ErrorCode::payload_too_large,
          "the page is larger than " + size_text(options_.max_body_bytes) + ": " + url);
    }
    if (code == CURLE_ABORTED_BY_CALLBACK) {
      return make_error(ErrorCode::unavailable, "the fetch was cancelled");
    }
    if (code == CURLE_OPERATION_TIMEDOUT) {
      return make_error(
          ErrorCode::unavailable,
          "the site did not answer in time (" + seconds_text(options_.timeout_ms) + "): " + url);
    }
    if (is_tls_error(code)) {
      return make_error(ErrorCode::unavailable,
                        "TLS error with " + parts->host + ": " +
                            (error_text[0] ? error_text : curl_easy_strerror(code)));
    }
    if (code == CURLE_COULDNT_CONNECT) {
      return make_error(ErrorCode::unavailable, "could not connect to " + parts->host + " port " +
                                                    std::to_string(parts->port));
    }
    return make_error(
        ErrorCode::unavailable,
        "fetching " + url + " failed: " + (error_text[0] ? error_text : curl_easy_strerror(code)));
  }

  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  FetchResult result;
  result.status = static_cast<int>(status);
  result.final_url = url;
  if (is_redirect(status)) {
    char* location = nullptr;
    curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location);  // resolved against url
    if (location != nullptr) redirect_to = location;
  }
  char* content_type = nullptr;
  curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &content_type);
  if (content_type != nullptr) result.content_type = content_type;
  result.etag = header_value(c, "ETag");
  result.last_modified = header_value(c, "Last-Modified");
  result.not_modified = status == 304;
  result.body = std::move(transfer.body);
  return result;
}

}  // namespace parley
