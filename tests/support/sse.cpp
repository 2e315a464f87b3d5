#include "tests/support/sse.h"

#include <algorithm>

namespace parley::testing {

std::vector<SseEvent> parse_sse(const std::string& body) {
  std::vector<SseEvent> events;
  SseEvent current;
  bool has_data = false;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string::npos) break;  // an unfinished line
    std::string line = body.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    pos = end + 1;
    if (line.empty()) {
      if (has_data) {
        if (current.event.empty()) current.event = "message";
        events.push_back(std::move(current));
      }
      current = {};
      has_data = false;
    } else if (line[0] == ':') {
      continue;
    } else if (line.rfind("event:", 0) == 0) {
      current.event = line.substr(line.find_first_not_of(' ', 6));
    } else if (line.rfind("data:", 0) == 0) {
      std::string data = line.substr(5);
      if (!data.empty() && data[0] == ' ') data.erase(0, 1);
      if (has_data) current.data += '\n';
      current.data += data;
      has_data = true;
    }
  }
  return events;
}

bool read_events_until(HttpConnection& connection, std::string& body, const std::string& event,
                       size_t count) {
  while (true) {
    auto events = parse_sse(body);
    if (static_cast<size_t>(std::count_if(events.begin(), events.end(), [&](const SseEvent& e) {
          return e.event == event;
        })) >= count) {
      return true;
    }
    auto chunk = connection.read_chunk();
    if (!chunk || chunk->empty()) return false;
    body += *chunk;
  }
}

}  // namespace parley::testing
