#include "core/log.h"

#include <cassert>
#include <charconv>
#include <chrono>
#include <cstring>
#include <ctime>

namespace parley {

LogLevel parse_log_level(std::string_view name) {
  if (name == "debug") return LogLevel::debug;
  if (name == "warn") return LogLevel::warn;
  if (name == "error") return LogLevel::error;
  return LogLevel::info;
}

namespace {

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::error:
      return "error";
  }
  return "info";
}

void append_timestamp(std::string& out) {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  // The date and time to the second change once a second: format them then.
  thread_local int64_t cached_second = -1;
  thread_local char prefix[32];
  thread_local size_t prefix_size = 0;
  const int64_t second = ms / 1000;
  if (second != cached_second) {
    std::time_t seconds = second;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    prefix_size = static_cast<size_t>(
        std::snprintf(prefix, sizeof prefix, "%04d-%02d-%02dT%02d:%02d:%02d.", utc.tm_year + 1900,
                      utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec));
    cached_second = second;
  }
  out.append(prefix, prefix_size);
  const int milli = static_cast<int>(ms % 1000);
  out += static_cast<char>('0' + milli / 100);
  out += static_cast<char>('0' + milli / 10 % 10);
  out += static_cast<char>('0' + milli % 10);
  out += 'Z';
}

void append_value(std::string& out, const LogValue& field) {
  const auto& value = field.value;
  if (auto* s = std::get_if<std::string_view>(&value)) {
    append_json_string(out, *s);
  } else if (auto* i = std::get_if<int64_t>(&value)) {
    char buf[24];
    out.append(buf, std::to_chars(buf, buf + sizeof buf, *i).ptr);
  } else if (auto* d = std::get_if<double>(&value)) {
    char buf[64];
    auto end = std::to_chars(buf, buf + sizeof buf, *d, std::chars_format::fixed, 3).ptr;
    out.append(buf, end);
  } else {
    out += std::get<bool>(value) ? "true" : "false";
  }
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  size_t run = 0;  // start of the current run of characters that need no escaping
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char ch = static_cast<unsigned char>(text[i]);
    if (ch >= 0x20 && ch != '"' && ch != '\\') continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", ch);
        out += buf;
      }
    }
  }
  out.append(text.data() + run, text.size() - run);
  out += '"';
}

Log::Log(LogLevel min_level, std::FILE* out)
    : min_level_(min_level), out_(out), writer_([this] { run(); }) {}

Log::~Log() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
}

void Log::write(LogLevel level, std::string_view event, LogFields fields) {
  if (!enabled(level)) return;
  thread_local std::string line;
  line.clear();
  line += "{\"ts\":\"";
  append_timestamp(line);
  line += "\",\"level\":\"";
  line += level_name(level);
  // Event names and keys are constants in the code ("http.request", "request_id"): written
  // as they are; only values are escaped.
  assert(event.find_first_of("\"\\") == std::string_view::npos);
  line += "\",\"event\":\"";
  line += event;
  line += '"';
  for (const auto& [key, value] : fields) {
    assert(key.find_first_of("\"\\") == std::string_view::npos);
    line += ",\"";
    line += key;
    line += "\":";
    append_value(line, value);
  }
  line += "}\n";
  bool wake;
  {
    std::lock_guard lock(mutex_);
    // Wake the writer for the first line of a batch, a full batch, or a warning; otherwise
    // it collects lines for up to kBatchMillis and writes them with one write(2).
    wake =
        pending_.empty() || pending_.size() + line.size() >= kBatchBytes || level >= LogLevel::warn;
    pending_ += line;
    ++written_seq_;
    if (level >= LogLevel::warn) urgent_ = true;
  }
  if (wake) wake_.notify_one();
}

void Log::flush() {
  std::unique_lock lock(mutex_);
  uint64_t target = written_seq_;
  flush_wanted_ = true;
  wake_.notify_one();
  flushed_.wait(lock, [&] { return flushed_seq_ >= target; });
}

void Log::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    // Let a batch fill: a busy server writes a few hundred lines per write(2), not one.
    wake_.wait_for(lock, std::chrono::milliseconds(kBatchMillis), [&] {
      return stopping_ || urgent_ || flush_wanted_ || pending_.size() >= kBatchBytes;
    });
    std::string batch;
    batch.swap(pending_);
    urgent_ = false;
    flush_wanted_ = false;
    uint64_t seq = written_seq_;
    lock.unlock();
    if (!batch.empty()) {
      std::fwrite(batch.data(), 1, batch.size(), out_);
      std::fflush(out_);
    }
    lock.lock();
    flushed_seq_ = seq;
    flushed_.notify_all();
    if (stopping_ && pending_.empty()) return;
  }
}

}  // namespace parley
