#include "tests/support/openai_fake.h"

#include <boost/json.hpp>

namespace parley::test {

LoopbackResponse json_answer(int status, std::string body, int retry_after_seconds) {
  LoopbackResponse out;
  out.status = status;
  out.headers.emplace_back("Content-Type", "application/json");
  if (retry_after_seconds >= 0) {
    out.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  }
  out.body = std::move(body);
  return out;
}

std::string error_body(const std::string& message) {
  namespace json = boost::json;
  return json::serialize(json::object{{"error", json::object{{"message", message}}}});
}

}  // namespace parley::test
