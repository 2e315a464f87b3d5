#include "http/route_call.h"

#include <boost/json.hpp>

namespace parley {
namespace {

bool method_has_body(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

// What an exception in the authenticator or the handler becomes: a 500 naming the request
// id; the log line says where, never what the request held.
Response internal_error(const Route& route, const Request& request, Log& log) {
  log.error("http.handler_failed", {{"request_id", std::string_view(request.request_id)},
                                    {"route", std::string_view(route.pattern)}});
  return error_response(500, "internal",
                        "something went wrong on our side; request id " + request.request_id);
}

}  // namespace

Response shaped_for(const RouteOptions& options, Response error) {
  return options.shape_errors ? options.shape_errors(std::move(error)) : error;
}

Response call_route(const Route& route, Request& request, const Authenticator& authenticator,
                    Log& log) {
  const RouteOptions& options = route.options;
  if (options.access.kind != AuthKind::none) {
    std::optional<Response> denial;
    try {
      denial = authenticator
                   ? authenticator(route, request)
                   : error_response(401, "unauthenticated", "this route needs credentials");
    } catch (const std::exception&) {
      denial = internal_error(route, request, log);
    }
    if (denial) return shaped_for(options, std::move(*denial));
  }
  if (options.body == BodyKind::json && method_has_body(request.method)) {
    std::string_view type = request.header("content-type");
    if (type.substr(0, type.find(';')) != "application/json") {
      return shaped_for(options, error_response(415, "unsupported_media_type",
                                                "send the body as JSON with Content-Type: "
                                                "application/json"));
    }
    boost::json::error_code json_ec;
    auto value = boost::json::parse(request.body, json_ec);
    if (json_ec) {
      return shaped_for(
          options,
          error_response(400, "invalid_json", "the body is not valid JSON: " + json_ec.message()));
    }
    request.json = std::make_shared<const boost::json::value>(std::move(value));
  }
  try {
    return route.handler(request);
  } catch (const std::exception&) {
    return shaped_for(options, internal_error(route, request, log));
  }
}

}  // namespace parley
