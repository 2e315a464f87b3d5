#include "tests/support/test_site.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <functional>
#include <stdexcept>

namespace parley::test {
namespace {

constexpr size_t kMaxRequestBytes = 64 * 1024;

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
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
    case 404:
      return "Not Found";
    case 410:
      return "Gone";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

void send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return;  // the client went away: nothing more to tell it
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

// Reads up to the end of the request head; false when the client closed first.
bool read_head(int fd, std::string& head) {
  char buffer[4096];
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < kMaxRequestBytes) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    head.append(buffer, static_cast<size_t>(n));
  }
  return head.find("\r\n\r\n") != std::string::npos;
}

SiteRequest parse_head(const std::string& head) {
  SiteRequest request;
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
      std::string name = header.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      size_t value_start = colon + 1;
      while (value_start < header.size() && header[value_start] == ' ') ++value_start;
      request.headers[name] = header.substr(value_start);
    }
    start = end + 2;
  }
  return request;
}

std::string header_of(const SiteRequest& request, const std::string& name) {
  auto it = request.headers.find(name);
  return it == request.headers.end() ? std::string() : it->second;
}

// If-None-Match may list several tags, or be weak ("W/").
bool etag_matches(const std::string& if_none_match, const std::string& etag) {
  if (etag.empty() || if_none_match.empty()) return false;
  if (if_none_match == "*") return true;
  size_t start = 0;
  while (start < if_none_match.size()) {
    size_t end = if_none_match.find(',', start);
    if (end == std::string::npos) end = if_none_match.size();
    std::string tag = if_none_match.substr(start, end - start);
    tag.erase(0, tag.find_first_not_of(' '));
    tag.erase(tag.find_last_not_of(' ') + 1);
    if (tag.rfind("W/", 0) == 0) tag.erase(0, 2);
    if (tag == etag) return true;
    start = end + 1;
  }
  return false;
}

std::string render(const SiteResponse& response, bool head_only) {
  std::string out =
      "HTTP/1.1 " + std::to_string(response.status) + " " + reason_phrase(response.status) + "\r\n";
  out += "Connection: close\r\n";
  if (!response.content_type.empty() && response.status != 304) {
    out += "Content-Type: " + response.content_type + "\r\n";
  }
  if (!response.etag.empty()) out += "ETag: " + response.etag + "\r\n";
  if (!response.last_modified.empty()) out += "Last-Modified: " + response.last_modified + "\r\n";
  for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
  const bool has_body = response.status != 304 && response.status != 204;
  if (has_body && response.send_length) {
    out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  }
  out += "\r\n";
  if (has_body && !head_only) out += response.body;
  return out;
}

std::string escape_html(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '<') {
      out += "&lt;";
    } else if (c == '&') {
      out += "&amp;";
    } else if (c == '"') {
      out += "&quot;";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

SiteResponse response(int status, std::string content_type, std::string body) {
  SiteResponse out;
  out.status = status;
  out.content_type = std::move(content_type);
  out.body = std::move(body);
  return out;
}

TestSite::TestSite() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("test site: socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("test site: cannot listen on 127.0.0.1");
  }
  socklen_t length = sizeof address;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  if (::pipe2(wake_pipe_, O_CLOEXEC) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("test site: pipe() failed");
  }
  acceptor_ = std::thread([this] { accept_loop(); });
}

TestSite::~TestSite() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    // Wakes connections blocked in recv; hanging ones wait on stopped_.
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

std::string TestSite::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

void TestSite::set(const std::string& path, SiteResponse response) {
  std::lock_guard lock(mutex_);
  pages_[path] = std::move(response);
}

void TestSite::set_page(const std::string& path, std::string html) {
  SiteResponse response;
  response.etag = "\"" + std::to_string(std::hash<std::string>{}(html)) + "\"";
  response.body = std::move(html);
  set(path, std::move(response));
}

void TestSite::set_redirect(const std::string& path, const std::string& location, int status) {
  SiteResponse response;
  response.status = status;
  response.content_type = "text/plain";
  response.headers.emplace_back("Location", location);
  set(path, std::move(response));
}

void TestSite::remove(const std::string& path) {
  std::lock_guard lock(mutex_);
  pages_.erase(path);
}

std::vector<SiteRequest> TestSite::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

int TestSite::count(const std::string& path) const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(std::count_if(requests_.begin(), requests_.end(),
                                        [&](const SiteRequest& r) { return r.path == path; }));
}

int TestSite::count(const std::string& path, int status) const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(
      std::count_if(requests_.begin(), requests_.end(),
                    [&](const SiteRequest& r) { return r.path == path && r.status == status; }));
}

void TestSite::clear_requests() {
  std::lock_guard lock(mutex_);
  requests_.clear();
}

void TestSite::accept_loop() {
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

void TestSite::serve(int fd) {
  std::string head;
  if (read_head(fd, head)) {
    SiteRequest request = parse_head(head);
    SiteResponse response;
    {
      std::unique_lock lock(mutex_);
      auto it = pages_.find(request.path);
      if (it == pages_.end()) it = pages_.find(request.path.substr(0, request.path.find('?')));
      if (it != pages_.end()) {
        response = it->second;
      } else {
        response.status = 404;
        response.content_type = "text/plain";
        response.body = "not found";
      }
      const bool not_modified =
          response.status == 200 &&
          (etag_matches(header_of(request, "if-none-match"), response.etag) ||
           (!response.last_modified.empty() &&
            header_of(request, "if-modified-since") == response.last_modified));
      if (not_modified) response.status = 304;
      request.status = response.hang ? 0 : response.status;
      requests_.push_back(request);
      if (response.hang) stopped_.wait(lock, [&] { return stopping_; });
    }
    if (!response.hang) send_all(fd, render(response, request.method == "HEAD"));
  }
  std::lock_guard lock(mutex_);
  open_fds_.erase(std::find(open_fds_.begin(), open_fds_.end(), fd));
  ::close(fd);
}

std::string html_page(std::string_view title, std::string_view text,
                      const std::vector<std::string>& links, std::string_view head_extra) {
  std::string html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
                     escape_html(title) + "</title>" + std::string(head_extra) +
                     "</head>\n<body><main><h1>" + escape_html(title) + "</h1>\n<p>" +
                     escape_html(text) + "</p>\n";
  if (!links.empty()) {
    html += "<ul>\n";
    for (const auto& link : links) {
      html += "<li><a href=\"" + escape_html(link) + "\">" + escape_html(link) + "</a></li>\n";
    }
    html += "</ul>\n";
  }
  html += "</main></body></html>\n";
  return html;
}

}  // namespace parley::test
