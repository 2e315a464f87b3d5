// Splits a Server-Sent Events stream into events as its bytes arrive, however the network
// cuts them: lines may end in LF, CRLF or CR (even split across reads), comments (":")
// and other fields are skipped, data lines of one event are joined with "\n". Used by the
// chat client to read streamed completions.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace parley {

class SseParser {
 public:
  // Called with each event's data; false stops the parser (nothing more is delivered).
  using EventFn = std::function<bool(std::string_view data)>;

  explicit SseParser(EventFn on_event) : on_event_(std::move(on_event)) {}

  // Feeds the next bytes; false once an event callback has asked to stop.
  bool feed(std::string_view bytes);
  // The stream ended: an event still missing its blank line is delivered (servers that
  // close right after the last data line are common).
  bool finish();

  size_t buffered() const { return line_.size() + data_.size(); }

 private:
  bool end_line();
  bool dispatch();

  EventFn on_event_;
  std::string line_;  // the current line, without its end
  std::string data_;  // the current event's data lines
  bool has_data_ = false;
  bool after_cr_ = false;  // the last byte was a CR: an LF right after it ends nothing
  bool stopped_ = false;
};

}  // namespace parley
