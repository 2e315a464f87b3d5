// What the fakes of OpenAI-compatible endpoints (TestEmbeddingsServer, TestLlmServer) share:
// JSON answers in OpenAI's error shape, and a switch that makes the next requests fail.
#pragma once

#include <string>

#include "tests/support/loopback_http_server.h"

namespace parley::test {

// A JSON answer; a Retry-After header when retry_after_seconds >= 0.
LoopbackResponse json_answer(int status, std::string body, int retry_after_seconds = -1);

// {"error":{"message":...}}
std::string error_body(const std::string& message);

// The next `requests` requests fail with `status` (and Retry-After when >= 0). Used under
// the fake's own lock.
class FailureSwitch {
 public:
  void fail_next(int requests, int status, int retry_after_seconds) {
    remaining_ = requests;
    status_ = status;
    retry_after_seconds_ = retry_after_seconds;
  }
  // True (and `failure` set) when this request is one of those to fail.
  bool take(LoopbackResponse& failure) {
    if (remaining_ <= 0) return false;
    --remaining_;
    failure = json_answer(status_, error_body("failing as told"), retry_after_seconds_);
    return true;
  }

 private:
  int remaining_ = 0;
  int status_ = 500;
  int retry_after_seconds_ = -1;
};

}  // namespace parley::test
