#include "http/route_call.h"

#include <boost/json.hpp>

namespace parley {
namespace {

bool method_has_body(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

std::optional<Response> call_guarded(const Route& route, Request& request, Log& log,
                                     const std::function<std::optional<Response>()>& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    log.error("http.handler_failed", {{"request_id", std::string_view(request.request_id)},
                                      {"route", std::string_view(route.pattern)}});
    return error_response(500, "internal",
                          "something went wrong on our side; request id " + request.request_id);
  }
}

}  // namespace

Response call_route(const Route& route, Request& request, const Authenticator& authenticator,
                    Log& log) {
  const RouteOptions& options = route.options;
  if (options.access.kind != AuthKind::none) {
    if (!authenticator) {
      return error_response(401, "unauthenticated", "this route needs credentials");
    }
    if (auto denial =
            call_guarded(route, request, log, [&] { return authenticator(route, request); })) {
      return std::move(*denial);
    }
  }
  if (options.body == BodyKind::json && method_has_body(request.method)) {
    std::string_view type = request.header("content-type");
    if (type.substr(0, type.find(';')) != "application/json") {
      return error_response(415, "unsupported_media_type",
                            "send the body as JSON with Content-Type: application/json");
    }
    boost::json::error_code json_ec;
    auto value = boost::json::parse(request.body, json_ec);
    if (json_ec) {
      return error_response(400, "invalid_json",
                            "the body is not valid JSON: " + json_ec.message());
    }
    request.json = std::make_shared<const boost::json::value>(std::move(value));
  }
  auto response =
      call_guarded(route, request, log, [&] { return std::optional(route.handler(request)); });
  return std::move(*response);
}

}  // namespace parley
