// A response as handlers build it, and the constructors for the API's shapes: JSON bodies
// and the one error shape {"error":{"code","message"}}.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace boost::json {
class value;
}

namespace parley {

class ResponseStream;

struct Response {
  int status = 200;
  // A constant (every content type Parley sends is one); no allocation per response.
  const char* content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // A body sent while it is produced (http/response_stream.h); `body` is then unused.
  std::shared_ptr<ResponseStream> stream;
};

// A body as it is, of a constant content type.
Response body_response(int status, const char* content_type, std::string body);
Response json_response(int status, const boost::json::value& body);
// The error shape with an explicit HTTP status and code, e.g. (431, "header_too_large").
Response error_response(int status, std::string_view code, std::string_view message);
// The error shape for an expected failure: the one place codes map to statuses.
Response error_response(const Error& error);
int http_status_for(ErrorCode code);

}  // namespace parley
