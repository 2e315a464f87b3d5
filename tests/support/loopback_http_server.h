// A real HTTP/1.1 server on 127.0.0.1 for the fakes of what lies outside the machine (a
// website, an embeddings or chat endpoint): POSIX sockets, a thread per connection, one
// request per connection (Connection: close). A handler turns each request into a response,
// or answers late, in parts (streaming) or never (hanging) through the exchange.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace parley::test {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct LoopbackRequest {
  std::string method;
  std::string path;                            // as requested, with the query
  std::map<std::string, std::string> headers;  // names lower-case
  std::string body;                            // Content-Length bytes
  std::string header(const std::string& lower_case_name) const;
};

struct LoopbackResponse {
  int status = 200;
  HeaderList headers;       // sent in this order, after Connection: close
  std::string body;         // left out for HEAD requests and for 204 and 304
  bool send_length = true;  // false: no Content-Length, the body ends when the socket closes
};

class LoopbackHttpServer;

// One request's connection, for handlers that do more than return a response.
class LoopbackExchange {
 public:
  // Streaming: sends the head (no Content-Length: the body ends when the connection
  // closes), then the body in parts, e.g. server-sent events with pauses between them.
  // False when the client went away.
  bool send_head(int status, const HeaderList& headers);
  bool send(std::string_view bytes);
  // Waits `delay`, or less when the server stops; false when it is stopping.
  bool pause(std::chrono::milliseconds delay);
  // Waits until the server stops, answering nothing (a hung server).
  void hang();

 private:
  friend class LoopbackHttpServer;
  LoopbackExchange(LoopbackHttpServer& server, int fd) : server_(server), fd_(fd) {}
  LoopbackHttpServer& server_;
  int fd_;
};

// The response to send, or nullopt when the handler has answered through the exchange
// (or hung) and the connection is only to be closed.
using LoopbackHandler =
    std::function<std::optional<LoopbackResponse>(const LoopbackRequest&, LoopbackExchange&)>;

class LoopbackHttpServer {
 public:
  explicit LoopbackHttpServer(LoopbackHandler handler);  // listens on 127.0.0.1, a free port
  // Wakes hanging and pausing handlers, closes the connections and joins their threads.
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:<port>" + path
  std::string url(std::string_view path = "/") const;

 private:
  friend class LoopbackExchange;
  void accept_loop();
  void serve(int fd);

  LoopbackHandler handler_;
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  int port_ = 0;
  std::mutex mutex_;
  std::condition_variable stopped_;
  bool stopping_ = false;
  std::vector<int> open_fds_;
  std::vector<std::thread> connections_;
  std::thread acceptor_;
};

}  // namespace parley::test
