// A response body written while the connection is open: streamed answers (Server-Sent
// Events of a model's tokens) and live event streams (the agents' inbox). A producer on
// any thread writes chunks; the server sends them as they come (chunked encoding) and
// tells the producer when the client has gone. Handlers build one with streamed_response.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "http/response.h"

namespace parley {

class ResponseStream {
 public:
  // Runs on the server's worker pool once the handler has returned; the body ends when it
  // returns (or earlier, by finish()).
  using Producer = std::function<void(ResponseStream&)>;

  ResponseStream(Producer producer, int keepalive_ms, std::string keepalive_chunk)
      : producer_(std::move(producer)),
        keepalive_ms_(keepalive_ms),
        keepalive_chunk_(std::move(keepalive_chunk)) {}

  // --- the producer's side, any thread ---
  // Queues a chunk; false once the client has gone (or stopped reading): stop producing.
  bool write(std::string_view chunk);
  // The body is complete.
  void finish();
  // Before the first write: answer this instead (an error with its status). After it the
  // status is sent; the producer reports the error in the body's own terms.
  void fail(Response response);
  bool started() const;
  // Nobody reads any more (the client left, or the server is draining).
  bool gone() const;

  // --- the server's side ---
  struct Taken {
    std::string bytes;
    bool finished = false;
    std::optional<Response> replacement;
  };
  // Called (from the writing thread) after every write, finish or fail.
  void on_ready(std::function<void()> wake);
  Taken take();
  void mark_gone();
  Producer take_producer() { return std::move(producer_); }
  // While nothing comes for this long, the server sends keepalive_chunk (0: never), so that
  // a client that has left is noticed and proxies keep the connection.
  int keepalive_ms() const { return keepalive_ms_; }
  const std::string& keepalive_chunk() const { return keepalive_chunk_; }

 private:
  void wake();

  // A client this far behind is treated as gone.
  static constexpr size_t kMaxPendingBytes = 4 << 20;

  Producer producer_;
  const int keepalive_ms_;
  const std::string keepalive_chunk_;
  mutable std::mutex mutex_;
  std::string pending_;
  bool started_ = false;
  bool finished_ = false;
  bool gone_ = false;
  std::optional<Response> replacement_;
  std::function<void()> wake_;
};

// A 200 response whose body `producer` writes (may be null: something else holds the
// stream and writes to it, like the inbox's event hub).
Response streamed_response(const char* content_type, ResponseStream::Producer producer,
                           int keepalive_ms = 0, std::string keepalive_chunk = {});

}  // namespace parley
