#include "tests/support/mailbox.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

namespace parley::testing {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The value of header `name` (case-insensitive) in `head`, unfolded, or "".
std::string header_value(std::string_view head, std::string_view name) {
  size_t pos = 0;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string_view::npos) end = head.size();
    std::string_view line = head.substr(pos, end - pos);
    pos = end + 2;
    if (line.size() <= name.size() || line[name.size()] != ':') continue;
    bool same = std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) ==
             std::tolower(static_cast<unsigned char>(b));
    });
    if (!same) continue;
    std::string value(line.substr(name.size() + 1));
    // Folded continuation lines start with white space.
    while (pos < head.size() && (head[pos] == ' ' || head[pos] == '\t')) {
      size_t next = head.find("\r\n", pos);
      if (next == std::string_view::npos) next = head.size();
      value += head.substr(pos, next - pos);
      pos = next + 2;
    }
    value.erase(0, value.find_first_not_of(" \t"));
    return value;
  }
  return {};
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string decode_quoted_printable(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      out += text[i];
      continue;
    }
    if (text.substr(i + 1, 2) == "\r\n") {
      i += 2;
    } else if (text.substr(i + 1, 1) == "\n") {
      i += 1;
    } else if (i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 && hex_digit(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
      i += 2;
    } else {
      out += '=';
    }
  }
  return out;
}

std::vector<Eml> read_mailbox(const std::filesystem::path& data_dir) {
  std::vector<std::filesystem::path> paths;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir / "mail", ec)) {
    if (entry.path().extension() == ".eml") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<Eml> mails;
  for (const auto& path : paths) {
    std::string raw = read_file(path);
    size_t split = raw.find("\r\n\r\n");
    std::string_view head(raw.data(), split == std::string::npos ? raw.size() : split);
    std::string body = split == std::string::npos ? std::string() : raw.substr(split + 4);
    if (header_value(head, "Content-Transfer-Encoding") == "quoted-printable") {
      body = decode_quoted_printable(body);
    }
    mails.push_back({path, header_value(head, "To"), header_value(head, "Subject"), body});
  }
  return mails;
}

std::vector<Eml> wait_for_mail(const std::filesystem::path& data_dir, std::string_view to,
                               size_t count) {
  using namespace std::chrono_literals;
  std::vector<Eml> found;
  // Not a clock in the product: the mailer's thread is real, and this only bounds a wait.
  for (int attempt = 0; attempt < 1000; ++attempt) {
    found.clear();
    for (auto& mail : read_mailbox(data_dir)) {
      if (mail.to == to) found.push_back(std::move(mail));
    }
    if (found.size() >= count) return found;
    std::this_thread::sleep_for(10ms);
  }
  return found;
}

std::string token_in(std::string_view body) {
  auto at = body.find("token=");
  if (at == std::string_view::npos) return {};
  size_t start = at + 6;
  size_t end = start;
  while (end < body.size() && (std::isalnum(static_cast<unsigned char>(body[end])) ||
                               body[end] == '-' || body[end] == '_')) {
    ++end;
  }
  return std::string(body.substr(start, end - start));
}

}  // namespace parley::testing
