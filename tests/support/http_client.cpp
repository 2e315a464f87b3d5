#include "tests/support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>

namespace parley::testing {

HttpConnection::HttpConnection(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  // A safety net so a broken server fails a test instead of hanging it; no assertion
  // depends on this time.
  timeval timeout{60, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

HttpConnection::~HttpConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool HttpConnection::send_raw(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

bool HttpConnection::fill() {
  char buf[16384];
  ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) return false;
  buffer_.append(buf, static_cast<size_t>(n));
  return true;
}

std::optional<HttpResponse> HttpConnection::read_head() {
  size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return std::nullopt;
  }
  HttpResponse response;
  std::string head = buffer_.substr(0, header_end);
  buffer_.erase(0, header_end + 4);
  size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  auto space = status_line.find(' ');
  if (space == std::string::npos) return std::nullopt;
  response.status = std::atoi(status_line.c_str() + space + 1);
  size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string::npos) end = head.size();
    std::string line = head.substr(pos, end - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      response.headers[name] = value;
    }
    pos = end + 2;
  }
  return response;
}

std::optional<std::string> HttpConnection::read_chunk() {
  size_t line_end;
  while ((line_end = buffer_.find("\r\n")) == std::string::npos) {
    if (!fill()) return std::nullopt;
  }
  size_t size = std::strtoul(buffer_.c_str(), nullptr, 16);
  size_t needed = line_end + 2 + size + 2;
  while (buffer_.size() < needed) {
    if (!fill()) return std::nullopt;
  }
  std::string data = buffer_.substr(line_end + 2, size);
  buffer_.erase(0, needed);
  return data;
}

std::optional<HttpResponse> HttpConnection::read_response() {
  auto response = read_head();
  if (!response) return std::nullopt;
  if (response->header("transfer-encoding") == "chunked") {
    while (true) {
      auto chunk = read_chunk();
      if (!chunk) return std::nullopt;
      if (chunk->empty()) return response;
      response->body += *chunk;
    }
  }
  size_t length = std::strtoul(response->header("content-length").c_str(), nullptr, 10);
  while (buffer_.size() < length) {
    if (!fill()) return std::nullopt;
  }
  response->body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return response;
}

bool HttpConnection::closed_by_peer() {
  if (!buffer_.empty()) return false;
  char byte;
  ssize_t n = ::recv(fd_, &byte, 1, 0);
  if (n > 0) {
    buffer_.push_back(byte);
    return false;
  }
  return true;
}

std::optional<HttpResponse> HttpConnection::request(
    const std::string& method, const std::string& path, const std::string& body,
    const std::map<std::string, std::string>& headers) {
  std::string raw = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [name, value] : headers) raw += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    raw += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  raw += "\r\n" + body;
  if (!send_raw(raw)) return std::nullopt;
  return read_response();
}

std::optional<HttpResponse> http_request(int port, const std::string& method,
                                         const std::string& path, const std::string& body,
                                         const std::map<std::string, std::string>& headers) {
  HttpConnection connection(port);
  if (!connection.connected()) return std::nullopt;
  return connection.request(method, path, body, headers);
}

}  // namespace parley::testing
