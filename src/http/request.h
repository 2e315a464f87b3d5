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

// Who is calling, once the server's authenticator has checked the credentials and the
// route's Access. Empty for public routes.
struct Principal {
  std::string user_id;  // a signed-in account holder; empty for API keys
  std::string session_id;
  std::string csrf_token;    // the session's, for the dashboard to echo back
  std::string api_key_id;    // an API key; empty for sessions
  std::string workspace_id;  // the route's workspace, when it has one
  std::string role;          // the user's role in that workspace
  std::string scopes;        // the key's scopes, space-separated
  bool is_operator = false;
  // Who the audit log names as the actor.
  const std::string& actor_id() const { return user_id.empty() ? api_key_id : user_id; }
};

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
  Principal principal;

  // The first header with this lower-case name, or empty.
  std::string_view header(std::string_view name) const;
  // A path parameter declared in the route pattern, e.g. "bot_id" for "/bots/{bot_id}".
  std::string_view param(std::string_view name) const;
  // A query parameter, percent-decoded; empty when absent.
  std::string query_param(std::string_view name) const;
};

}  // namespace parley
