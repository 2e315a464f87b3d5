#include "tests/support/api_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>

namespace parley::testing {
namespace {

// A connected socket from source_ip to 127.0.0.1:port, or -1.
int connect_from(const std::string& source_ip, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in local{};
  local.sin_family = AF_INET;
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(static_cast<uint16_t>(port));
  remote.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::inet_pton(AF_INET, source_ip.c_str(), &local.sin_addr) != 1 ||
      ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
    ::close(fd);
    return -1;
  }
  // A safety net so a broken server fails a test instead of hanging it.
  timeval timeout{60, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return fd;
}

bool send_all(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// The Content-Length of a response head, 0 when there is none.
size_t content_length(const std::string& head) {
  std::string lower;
  for (char ch : head) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  auto at = lower.find("\r\ncontent-length:");
  return at == std::string::npos ? 0 : std::strtoul(head.c_str() + at + 17, nullptr, 10);
}

// One response with a Content-Length body.
std::optional<HttpResponse> read_one(int fd) {
  std::string raw;
  char buf[16384];
  size_t head_end = std::string::npos;
  while (head_end == std::string::npos ||
         raw.size() < head_end + 4 + content_length(raw.substr(0, head_end))) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<size_t>(n));
    head_end = raw.find("\r\n\r\n");
  }
  if (head_end == std::string::npos) return std::nullopt;
  HttpResponse response;
  size_t space = raw.find(' ');
  if (space == std::string::npos || space > head_end) return std::nullopt;
  response.status = std::atoi(raw.c_str() + space + 1);
  size_t pos = raw.find("\r\n") + 2;
  while (pos < head_end) {
    size_t end = raw.find("\r\n", pos);
    std::string line = raw.substr(pos, end - pos);
    pos = end + 2;
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    response.headers[name] = value;
  }
  size_t length = std::strtoul(response.header("content-length").c_str(), nullptr, 10);
  response.body = raw.substr(head_end + 4, length);
  return response;
}

}  // namespace

std::string cookie_pair(const HttpResponse& response) {
  std::string cookie = response.header("set-cookie");
  return cookie.substr(0, cookie.find(';'));
}

std::string ApiClient::origin() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::optional<HttpResponse> ApiClient::send(
    const std::string& method, const std::string& path, const std::string& body,
    const std::map<std::string, std::string>& headers) const {
  int fd = connect_from(source_ip_, port_);
  if (fd < 0) return std::nullopt;
  std::string raw = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
                    "\r\nConnection: close\r\n";
  if (!body.empty()) raw += "Content-Type: application/json\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    raw += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  for (const auto& [name, value] : headers) raw += name + ": " + value + "\r\n";
  raw += "\r\n" + body;
  std::optional<HttpResponse> response;
  if (send_all(fd, raw)) response = read_one(fd);
  ::close(fd);
  return response;
}

std::optional<HttpResponse> ApiClient::as(const WebSession& session, const std::string& method,
                                          const std::string& path, const std::string& body) const {
  std::map<std::string, std::string> headers{{"Cookie", session.cookie}};
  if (method != "GET" && method != "HEAD") {
    headers["Origin"] = origin();
    headers["X-CSRF-Token"] = session.csrf_token;
  }
  return send(method, path, body, headers);
}

}  // namespace parley::testing
