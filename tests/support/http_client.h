// A deliberately plain HTTP/1.1 client over a raw socket, so that tests can send exactly
// the bytes they mean: malformed requests, huge headers, half a request, pipelined ones.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace parley::testing {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-case
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

class HttpConnection {
 public:
  explicit HttpConnection(int port);
  ~HttpConnection();
  bool connected() const { return fd_ >= 0; }

  // Sends bytes as they are; false when the peer has closed.
  bool send_raw(const std::string& bytes);
  // Reads one response (Content-Length or chunked bodies); nothing when the connection
  // closed first.
  std::optional<HttpResponse> read_response();
  // A streamed response piece by piece: its status and headers, then each chunk as the
  // server sends it ("" for the last one); nothing when the connection closed first.
  std::optional<HttpResponse> read_head();
  std::optional<std::string> read_chunk();
  // True when the server has closed the connection (read returns 0 or reset).
  bool closed_by_peer();

  std::optional<HttpResponse> request(const std::string& method, const std::string& path,
                                      const std::string& body = {},
                                      const std::map<std::string, std::string>& headers = {});

 private:
  bool fill();
  int fd_ = -1;
  std::string buffer_;
};

// One request on a fresh connection.
std::optional<HttpResponse> http_request(int port, const std::string& method,
                                         const std::string& path, const std::string& body = {},
                                         const std::map<std::string, std::string>& headers = {});

}  // namespace parley::testing
