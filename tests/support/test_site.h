// A small real website on 127.0.0.1 for crawler and fetcher tests: HTTP/1.1 on a
// LoopbackHttpServer, pages from a table the test changes while the site runs, conditional
// requests answered 304, redirects, and a record of every request (to assert what was fetched).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/support/loopback_http_server.h"

namespace parley::test {

struct SiteResponse {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::string etag;           // sent as ETag; a request whose If-None-Match names it gets 304
  std::string last_modified;  // sent as Last-Modified; If-Modified-Since equal to it gets 304
  std::vector<std::pair<std::string, std::string>> headers;  // more headers, e.g. Location
  bool send_length = true;  // false: no Content-Length, the body ends when the socket closes
  bool hang = false;        // read the request, then never answer (until the site stops)
};

// A plain answer: no validators, no extra headers.
SiteResponse response(int status, std::string content_type, std::string body);

struct SiteRequest {
  std::string method;
  std::string path;                            // as requested, with the query
  std::map<std::string, std::string> headers;  // names lower-case
  int status = 0;                              // what the site answered
};

class TestSite {
 public:
  TestSite();  // listens on 127.0.0.1, a free port
  ~TestSite();
  TestSite(const TestSite&) = delete;
  TestSite& operator=(const TestSite&) = delete;

  int port() const { return server_.port(); }
  // "http://127.0.0.1:<port>" + path
  std::string url(std::string_view path = "/") const { return server_.url(path); }

  // Serves `response` at `path` (exact, query included; a path without a query also
  // answers requests that add one). Unknown paths answer 404.
  void set(const std::string& path, SiteResponse response);
  // 200 text/html with an ETag derived from the body, so a changed page has a new ETag.
  void set_page(const std::string& path, std::string html);
  void set_redirect(const std::string& path, const std::string& location, int status = 301);
  void remove(const std::string& path);

  std::vector<SiteRequest> requests() const;
  // How many requests asked for `path`; with `status`, how many of them got that answer.
  int count(const std::string& path) const;
  int count(const std::string& path, int status) const;
  void clear_requests();

 private:
  std::optional<LoopbackResponse> handle(const LoopbackRequest& request,
                                         LoopbackExchange& exchange);

  mutable std::mutex mutex_;
  std::map<std::string, SiteResponse> pages_;
  std::vector<SiteRequest> requests_;
  LoopbackHttpServer server_;  // last: stopped before the pages its handler reads go
};

// A minimal HTML page: a title, paragraphs of `text`, and a link to each of `links`.
std::string html_page(std::string_view title, std::string_view text,
                      const std::vector<std::string>& links = {}, std::string_view head_extra = {});

}  // namespace parley::test
