#include "kb/extract/extract_worker.h"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <charconv>
#include <new>

#include "kb/extract/document_json.h"

namespace parley {
namespace json = boost::json;
namespace {

// The input arrives from a memfd the server filled; this only stops a runaway stdin.
constexpr int64_t kMaxInputBytes = 4ll * 1024 * 1024 * 1024;

constexpr std::string_view kHint = "--hint=";
constexpr std::string_view kBaseUrl = "--base-url=";
constexpr std::string_view kMaxUncompressed = "--max-uncompressed-bytes=";
constexpr std::string_view kMaxEntries = "--max-zip-entries=";

// Written with no allocation, since the allocator has just failed.
constexpr std::string_view kOutOfMemoryReply = R"({"ok":false,"code":"out_of_memory"})";

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string error_reply(std::string_view code, std::string_view message) {
  return json::serialize(json::object{{"ok", false}, {"code", code}, {"message", message}});
}

std::string error_reply(const Error& error) {
  return error_reply(error_code_name(error.code), error.message);
}

Result<std::string> read_all(int fd) {
  std::string data;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    if (st.st_size > kMaxInputBytes) {
      return make_error(ErrorCode::payload_too_large, "the file is too large to read");
    }
    data.reserve(static_cast<size_t>(st.st_size));  // may throw bad_alloc: the memory limit
  }
  char buffer[64 * 1024];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(ErrorCode::internal, "the file could not be read from stdin");
    if (n == 0) return data;
    if (static_cast<int64_t>(data.size()) + n > kMaxInputBytes) {
      return make_error(ErrorCode::payload_too_large, "the file is too large to read");
    }
    data.append(buffer, static_cast<size_t>(n));
  }
}

Result<int64_t> parse_count(std::string_view arg, std::string_view value) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc{} || end != value.data() + value.size() || n < 0) {
    return make_error(ErrorCode::invalid_argument,
                      "extract-worker: " + std::string(arg) + " needs a whole number");
  }
  return n;
}

std::string extract(const std::vector<std::string>& args, int in_fd) {
  auto parsed = parse_extract_worker_args(args);
  if (!parsed) return error_reply(parsed.error());
  auto input = read_all(in_fd);
  if (!input) return error_reply(input.error());
  auto doc = extract_document(*input, parsed->filename_hint, parsed->options);
  if (!doc) return error_reply(doc.error());
  return json::serialize(json::object{{"ok", true}, {"document", document_to_json_object(*doc)}});
}

}  // namespace

std::vector<std::string> extract_worker_args(std::string_view filename_hint,
                                             const ExtractOptions& options) {
  // The hint only tells a file's kind by its extension; control characters in a name are
  // dropped rather than carried into a command line.
  std::string hint;
  for (char c : filename_hint.substr(0, 255)) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) hint += c;
  }
  std::string base_url;
  for (char c : options.base_url) {
    if (static_cast<unsigned char>(c) > 0x20 && c != 0x7f) base_url += c;
  }
  return {std::string(kHint) + hint, std::string(kBaseUrl) + base_url,
          std::string(kMaxUncompressed) + std::to_string(options.max_uncompressed_bytes),
          std::string(kMaxEntries) + std::to_string(options.max_zip_entries)};
}

Result<ExtractWorkerArgs> parse_extract_worker_args(const std::vector<std::string>& args) {
  ExtractWorkerArgs out;
  for (const std::string& arg : args) {
    std::string_view view = arg;
    if (view.starts_with(kHint)) {
      out.filename_hint = view.substr(kHint.size());
    } else if (view.starts_with(kBaseUrl)) {
      out.options.base_url = view.substr(kBaseUrl.size());
    } else if (view.starts_with(kMaxUncompressed)) {
      auto n = parse_count(kMaxUncompressed, view.substr(kMaxUncompressed.size()));
      if (!n) return n.error();
      out.options.max_uncompressed_bytes = *n;
    } else if (view.starts_with(kMaxEntries)) {
      auto n = parse_count(kMaxEntries, view.substr(kMaxEntries.size()));
      if (!n) return n.error();
      out.options.max_zip_entries = *n;
    } else {
      return make_error(ErrorCode::invalid_argument,
                        "extract-worker: unknown argument \"" + arg +
                            "\" (takes --hint=, --base-url=, --max-uncompressed-bytes=, "
                            "--max-zip-entries=; the file on stdin)");
    }
  }
  return out;
}

int run_extract_worker(const std::vector<std::string>& args, int in_fd, int out_fd) {
  std::string reply;
  try {
    try {
      reply = extract(args, in_fd);
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      // A reader's bug more than the file's fault; the detail helps whoever reports it.
      reply =
          error_reply("invalid_argument", std::string("the file could not be read: ") + e.what());
    } catch (...) {
      reply = error_reply("invalid_argument", "the file could not be read");
    }
  } catch (...) {  // out of memory, perhaps again while building an error reply
    return write_all(out_fd, kOutOfMemoryReply) ? 0 : 1;
  }
  return write_all(out_fd, reply) ? 0 : 1;
}

}  // namespace parley
