#include "http/wire.h"

#include <boost/beast/http/status.hpp>
#include <cctype>
#include <cstdio>

namespace parley {

void write_response(const Response& response, const Request& request, bool keep_alive,
                    std::string& out) {
  namespace http = boost::beast::http;
  out.clear();
  out += "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += http::obsolete_reason(static_cast<http::status>(response.status));
  out += "\r\nContent-Type: ";
  out += response.content_type;
  for (const auto& [name, value] : response.headers) {
    out += "\r\n";
    out += name;
    out += ": ";
    out += value;
  }
  if (!request.request_id.empty()) {
    out += "\r\nX-Request-Id: ";
    out += request.request_id;
  }
  out += keep_alive ? "\r\nConnection: keep-alive" : "\r\nConnection: close";
  if (response.stream) {
    out += "\r\nTransfer-Encoding: chunked\r\n\r\n";
    return;
  }
  out += "\r\nContent-Length: ";
  out += std::to_string(response.body.size());
  out += "\r\n\r\n";
  if (request.method != "HEAD") out += response.body;
}

void append_chunk(std::string& out, std::string_view bytes) {
  char size[20];
  int n = std::snprintf(size, sizeof size, "%zx\r\n", bytes.size());
  out.append(size, static_cast<size_t>(n));
  out += bytes;
  out += "\r\n";
}

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char ch : id) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.') {
      return false;
    }
  }
  return true;
}

}  // namespace parley
