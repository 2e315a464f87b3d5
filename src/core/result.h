// Result<T>: the value of an operation that can fail in an expected way (bad input, not
// found, forbidden, conflict...). The error carries a code the HTTP layer maps to a status
// in one place, and a message a user can act on.
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace parley {

enum class ErrorCode {
  invalid_argument,   // 400: the caller sent something wrong
  unauthenticated,    // 401
  forbidden,          // 403
  not_found,          // 404
  conflict,           // 409
  payload_too_large,  // 413
  unsupported_media,  // 415
  rate_limited,       // 429
  unavailable,        // 503: try again later
  internal,           // 500: a bug or a fault we cannot name better
};

// The stable string form used in API error bodies, e.g. "not_found".
const char* error_code_name(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;
  int64_t retry_after_seconds = 0;  // rate_limited/unavailable: when to try again, if known
};

inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(Error error) : state_(std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

// Result<void>: success carries nothing.
struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() { return Ok{}; }

}  // namespace parley
