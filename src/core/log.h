// Structured logging: one JSON object per line on stderr, written by a background thread so
// a request never waits for the terminal. Log ids, counts and codes; never emails, IPs,
// names or message text.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <variant>

namespace parley {

enum class LogLevel { debug, info, warn, error };
LogLevel parse_log_level(std::string_view name);  // unknown names mean info

// A field value: text (ids, codes), a number or a flag. Text is copied out before write()
// returns, so temporaries are fine.
struct LogValue {
  LogValue(std::string_view text) : value(text) {}
  LogValue(const char* text) : value(std::string_view(text)) {}
  LogValue(const std::string& text) : value(std::string_view(text)) {}
  LogValue(int number) : value(int64_t{number}) {}
  LogValue(int64_t number) : value(number) {}
  LogValue(uint64_t number) : value(static_cast<int64_t>(number)) {}
  LogValue(double number) : value(number) {}
  LogValue(bool flag) : value(flag) {}
  std::variant<std::string_view, int64_t, double, bool> value;
};
using LogFields = std::initializer_list<std::pair<std::string_view, LogValue>>;

class Log {
 public:
  explicit Log(LogLevel min_level, std::FILE* out = stderr);
  ~Log();  // flushes everything written so far
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  void write(LogLevel level, std::string_view event, LogFields fields = {});
  void debug(std::string_view event, LogFields fields = {}) {
    write(LogLevel::debug, event, fields);
  }
  void info(std::string_view event, LogFields fields = {}) { write(LogLevel::info, event, fields); }
  void warn(std::string_view event, LogFields fields = {}) { write(LogLevel::warn, event, fields); }
  void error(std::string_view event, LogFields fields = {}) {
    write(LogLevel::error, event, fields);
  }
  bool enabled(LogLevel level) const { return level >= min_level_; }
  void flush();

 private:
  void run();

  LogLevel min_level_;
  std::FILE* out_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable flushed_;
  std::string pending_;
  uint64_t written_seq_ = 0;
  uint64_t flushed_seq_ = 0;
  bool stopping_ = false;
  bool urgent_ = false;
  bool flush_wanted_ = false;
  static constexpr size_t kBatchBytes = 64 * 1024;
  static constexpr int kBatchMillis = 10;
  std::thread writer_;
};

// Appends `text` to `out` as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view text);

}  // namespace parley
