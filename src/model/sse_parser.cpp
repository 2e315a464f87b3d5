#include "model/sse_parser.h"

namespace parley {

bool SseParser::feed(std::string_view bytes) {
  for (char ch : bytes) {
    if (stopped_) return false;
    if (ch == '\n' && after_cr_) {
      after_cr_ = false;
      continue;
    }
    after_cr_ = ch == '\r';
    if (ch == '\r' || ch == '\n') {
      if (!end_line()) return false;
    } else {
      line_ += ch;
    }
  }
  return !stopped_;
}

bool SseParser::finish() {
  if (stopped_) return false;
  if (!line_.empty() && !end_line()) return false;
  return dispatch();
}

bool SseParser::end_line() {
  if (line_.empty()) return dispatch();  // a blank line ends the event
  if (line_.front() != ':') {            // a comment, e.g. a keepalive
    const size_t colon = line_.find(':');
    std::string_view field(line_);
    std::string_view value;
    if (colon != std::string::npos) {
      field = field.substr(0, colon);
      value = std::string_view(line_).substr(colon + 1);
      if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    }
    if (field == "data") {
      if (has_data_) data_ += '\n';
      data_.append(value);
      has_data_ = true;
    }
  }
  line_.clear();
  return true;
}

bool SseParser::dispatch() {
  if (!has_data_) return true;  // blank lines alone are keepalives
  has_data_ = false;
  const bool more = on_event_(data_);
  data_.clear();
  if (!more) stopped_ = true;
  return more;
}

}  // namespace parley
