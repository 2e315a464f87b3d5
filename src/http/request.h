// A request as handlers see it: plain strings, no Beast types, so that src/api and the
// services build without the heavy networking headers.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace boost::json {
class value;
}

namespace parley {

struct Request {
  std::string method;                                        // "GET", "POST"...
  std::string path;                                          // decoded path, no query
  std::string query;                                         // raw query string, without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string request_id;
  std::string remote_ip;  // for rate limits only: never log or store it raw
  std::vector<std::pair<std::string, std::string>> path_params;
  // The parsed body of a route declared BodyKind::json; the server has already answered
  // 415 for another content type and 400 for invalid JSON.
  std::shared_ptr<const boost::json::value> json;

  // The first header with this lower-case name, or empty.
  std::string_view header(std::string_view name) const;
  // A path parameter declared in the route pattern, e.g. "bot_id" for "/bots/{bot_id}".
  std::string_view param(std::string_view name) const;
  // A query parameter, percent-decoded; empty when absent.
  std::string query_param(std::string_view name) const;
};

}  // namespace parley
