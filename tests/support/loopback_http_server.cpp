#include "tests/support/loopback_http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

namespace parley::test {
namespace {

constexpr size_t kMaxHeadBytes = 64 * 1024;
constexpr size_t kMaxBodyBytes = 8 * 1024 * 1024;

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 410:
      return "Gone";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;  // the client went away: nothing more to tell it
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// The request line and headers of `head` (which ends with the blank line's CRLF).
LoopbackRequest parse_head(const std::string& head) {
  LoopbackRequest request;
  const size_t line_end = head.find("\r\n");
  const std::string line = head.substr(0, line_end);
  const size_t first_space = line.find(' ');
  const size_t second_space = line.find(' ', first_space + 1);
  request.method = line.substr(0, first_space);
  request.path = line.substr(first_space + 1, second_space - first_space - 1);
  size_t start = line_end + 2;
  while (start < head.size()) {
    const size_t end = head.find("\r\n", start);
    if (end == std::string::npos || end == start) break;
    const std::string header = head.substr(start, end - start);
    const size_t colon = header.find(':');
    if (colon != std::string::npos) {
      size_t value_start = colon + 1;
      while (value_start < header.size() && header[value_start] == ' ') ++value_start;
      request.headers[lower(header.substr(0, colon))] = header.substr(value_start);
    }
    start = end + 2;
  }
  return request;
}

// The head and a body of Content-Length bytes; nothing when the client went away first or
// sent more than the limits.
std::optional<LoopbackRequest> read_request(int fd) {
  std::string data;
  char buffer[16384];
  size_t head_end;
  while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
    if (data.size() >= kMaxHeadBytes) return std::nullopt;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return std::nullopt;
    data.append(buffer, static_cast<size_t>(n));
  }
  LoopbackRequest request = parse_head(data.substr(0, head_end + 2));
  size_t length = 0;
  const std::string declared = request.header("content-length");
  if (!declared.empty()) {
    auto [end, error] = std::from_chars(declared.data(), declared.data() + declared.size(), length);
    if (error != std::errc() || length > kMaxBodyBytes) return std::nullopt;
  }
  const size_t body_start = head_end + 4;
  while (data.size() < body_start + length) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return std::nullopt;
    data.append(buffer, static_cast<size_t>(n));
  }
  request.body = data.substr(body_start, length);
  return request;
}

std::string render_head(int status, const HeaderList& headers) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) + "\r\n";
  out += "Connection: close\r\n";
  for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
  return out;
}

std::string render(const LoopbackResponse& response, bool head_only) {
  std::string out = render_head(response.status, response.headers);
  const bool has_body = response.status != 304 && response.status != 204;
  if (has_body && response.send_length) {
    out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  }
  out += "\r\n";
  if (has_body && !head_only) out += response.body;
  return out;
}

}  // namespace

std::string LoopbackRequest::header(const std::string& lower_case_name) const {
  auto it = headers.find(lower_case_name);
  return it == headers.end() ? std::string() : it->second;
}

bool LoopbackExchange::send_head(int status, const HeaderList& headers) {
  return send_all(fd_, render_head(status, headers) + "\r\n");
}

bool LoopbackExchange::send(std::string_view bytes) { return send_all(fd_, bytes); }

bool LoopbackExchange::pause(std::chrono::milliseconds delay) {
  std::unique_lock lock(server_.mutex_);
  return !server_.stopped_.wait_for(lock, delay, [&] { return server_.stopping_; });
}

void LoopbackExchange::hang() {
  std::unique_lock lock(server_.mutex_);
  server_.stopped_.wait(lock, [&] { return server_.stopping_; });
}

LoopbackHttpServer::LoopbackHttpServer(LoopbackHandler handler) : handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("loopback server: socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("loopback server: cannot listen on 127.0.0.1");
  }
  socklen_t length = sizeof address;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  if (::pipe2(wake_pipe_, O_CLOEXEC) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("loopback server: pipe() failed");
  }
  acceptor_ = std::thread([this] { accept_loop(); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    // Wakes connections blocked in recv or send; hanging and pausing ones wait on stopped_.
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  stopped_.notify_all();
  const char byte = 0;
  (void)!::write(wake_pipe_[1], &byte, 1);
  acceptor_.join();
  for (auto& connection : connections_) connection.join();
  ::close(listen_fd_);
  ::close(wake_pipe_[0]);
  ::close(wake_pipe_[1]);
}

std::string LoopbackHttpServer::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

void LoopbackHttpServer::accept_loop() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents != 0) return;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard lock(mutex_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    open_fds_.push_back(fd);
    connections_.emplace_back([this, fd] { serve(fd); });
  }
}

void LoopbackHttpServer::serve(int fd) {
  if (auto request = read_request(fd)) {
    LoopbackExchange exchange(*this, fd);
    if (auto response = handler_(*request, exchange)) {
      send_all(fd, render(*response, request->method == "HEAD"));
    }
  }
  std::lock_guard lock(mutex_);
  open_fds_.erase(std::find(open_fds_.begin(), open_fds_.end(), fd));
  ::close(fd);
}

}  // namespace parley::test
