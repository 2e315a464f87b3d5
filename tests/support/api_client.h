// Speaks to the API the way the dashboard in a browser does: Host with the port, the
// session cookie the server set, and on changes the page's Origin and the CSRF token.
// A client may come from another loopback address (127.0.0.2, ...), so that tests can
// tell per-address limits from per-account ones. Raw edge cases use http_client.h.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "tests/support/http_client.h"

namespace parley::testing {

// What a signed-in browser holds: the cookie ("name=value") and the CSRF token the page
// read from the login response.
struct WebSession {
  std::string cookie;
  std::string csrf_token;
};

// "name=value" of the response's Set-Cookie header (attributes dropped), or "".
std::string cookie_pair(const HttpResponse& response);

class ApiClient {
 public:
  explicit ApiClient(int port, std::string source_ip = "127.0.0.1")
      : port_(port), source_ip_(std::move(source_ip)) {}

  // "http://127.0.0.1:PORT": the Origin a page served by this server sends.
  std::string origin() const;

  // One request on a fresh connection from source_ip, Host 127.0.0.1:PORT, Content-Type
  // application/json when there is a body. `headers` are added as they are.
  std::optional<HttpResponse> send(const std::string& method, const std::string& path,
                                   const std::string& body = {},
                                   const std::map<std::string, std::string>& headers = {}) const;

  // As `session`'s browser: its cookie always; Origin and X-CSRF-Token on every method but
  // GET and HEAD, as the dashboard sends them.
  std::optional<HttpResponse> as(const WebSession& session, const std::string& method,
                                 const std::string& path, const std::string& body = {}) const;

 private:
  int port_;
  std::string source_ip_;
};

}  // namespace parley::testing
