// Server-Sent Events as a test reads them: the events of a whole body, or of a live
// response read chunk by chunk until enough have come.
#pragma once

#include <string>
#include <vector>

#include "tests/support/http_client.h"

namespace parley::testing {

struct SseEvent {
  std::string event;  // "message" when the event names none
  std::string data;   // data lines joined by '\n'
};

// The complete events of `body` (a trailing partial event is left out); comments skipped.
std::vector<SseEvent> parse_sse(const std::string& body);

// Reads a streamed response's chunks into `body` until it holds `count` events named
// `event` (or the stream ends); returns whether it got them.
bool read_events_until(HttpConnection& connection, std::string& body, const std::string& event,
                       size_t count);

}  // namespace parley::testing
