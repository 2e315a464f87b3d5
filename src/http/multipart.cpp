#include "http/multipart.h"

#include <algorithm>
#include <cctype>

namespace parley {
namespace {

constexpr size_t kMaxParts = 100;

Error malformed(std::string what) {
  return make_error(ErrorCode::invalid_argument, "malformed multipart body: " + std::move(what));
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The value of `name=` among `;`-separated parameters, unquoted; empty when absent. A quoted
// value may hold ';' and backslash escapes.
std::string parameter(std::string_view header_value, std::string_view name) {
  size_t at = header_value.find(';');
  while (at != std::string_view::npos && at < header_value.size()) {
    ++at;
    size_t eq = header_value.find('=', at);
    if (eq == std::string_view::npos) return {};
    std::string key = lower(trim(header_value.substr(at, eq - at)));
    std::string value;
    at = eq + 1;
    while (at < header_value.size() && header_value[at] == ' ') ++at;
    if (at < header_value.size() && header_value[at] == '"') {
      for (++at; at < header_value.size() && header_value[at] != '"'; ++at) {
        if (header_value[at] == '\\' && at + 1 < header_value.size()) ++at;
        value += header_value[at];
      }
      at = header_value.find(';', at);
    } else {
      size_t end = header_value.find(';', at);
      value = std::string(trim(header_value.substr(at, end - at)));
      at = end;
    }
    if (key == name) return value;
  }
  return {};
}

}  // namespace

Result<std::vector<MultipartPart>> parse_multipart(std::string_view content_type,
                                                   std::string_view body) {
  if (lower(trim(content_type.substr(0, content_type.find(';')))) != "multipart/form-data") {
    return make_error(ErrorCode::unsupported_media,
                      "send the file as multipart/form-data, or JSON with Content-Type: "
                      "application/json");
  }
  std::string boundary = parameter(content_type, "boundary");
  if (boundary.empty() || boundary.size() > 200) {
    return malformed("the Content-Type has no boundary");
  }
  const std::string delimiter = "--" + boundary;
  size_t at = body.find(delimiter);
  if (at == std::string_view::npos) return malformed("the boundary never appears");

  std::vector<MultipartPart> parts;
  while (true) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") return parts;  // the closing delimiter
    if (body.substr(at, 2) != "\r\n") return malformed("a boundary line does not end in CRLF");
    at += 2;
    size_t headers_end = body.find("\r\n\r\n", at);
    if (headers_end == std::string_view::npos) return malformed("a part has no end of headers");
    MultipartPart part;
    std::string_view headers = body.substr(at, headers_end - at);
    while (!headers.empty()) {
      size_t eol = headers.find("\r\n");
      std::string_view line = headers.substr(0, eol);
      headers = eol == std::string_view::npos ? std::string_view{} : headers.substr(eol + 2);
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) return malformed("a part header has no ':'");
      std::string name = lower(trim(line.substr(0, colon)));
      std::string_view value = trim(line.substr(colon + 1));
      if (name == "content-disposition") {
        part.name = parameter(value, "name");
        part.filename = parameter(value, "filename");
      } else if (name == "content-type") {
        part.content_type = std::string(value);
      }
    }
    size_t data_start = headers_end + 4;
    size_t next = body.find("\r\n" + delimiter, data_start);
    if (next == std::string_view::npos) return malformed("a part is not closed by the boundary");
    part.data = body.substr(data_start, next - data_start);
    parts.push_back(std::move(part));
    if (parts.size() > kMaxParts) return malformed("more than 100 parts");
    at = next + 2;
  }
}

}  // namespace parley
