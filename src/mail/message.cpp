#include "mail/message.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>

#include "core/base64.h"

namespace parley {
namespace {

// Encoded-words hold at most 39 bytes of text: 52 base64 characters, 64 with the
// delimiters, so "Subject: " and one word stay under the 78 columns RFC 5322 asks for.
constexpr size_t kEncodedWordBytes = 39;
constexpr size_t kMaxPlainHeaderBytes = 900;  // RFC 5322's hard limit is 998 per line
constexpr size_t kMaxPlainBodyLine = 998;
constexpr size_t kQpLineLimit = 76;

std::string_view trim(std::string_view text) {
  const auto space = [](char ch) { return ch == ' ' || ch == '\t'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

bool is_printable_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char ch) { return ch >= ' ' && ch <= '~'; });
}

// RFC 5322 atext, plus the spaces between words of a phrase.
bool is_plain_phrase(std::string_view text) {
  static constexpr std::string_view kSpecials = "()<>[]:;@\\,.\"";
  return is_printable_ascii(text) && std::none_of(text.begin(), text.end(), [](char ch) {
           return kSpecials.find(ch) != std::string_view::npos;
         });
}

bool is_address(std::string_view address) {
  const size_t at = address.find('@');
  return at != 0 && at != std::string_view::npos && at + 1 < address.size() &&
         address.find('@', at + 1) == std::string_view::npos &&
         std::none_of(address.begin(), address.end(), [](unsigned char ch) {
           return ch <= ' ' || ch == 0x7f || ch == '<' || ch == '>' || ch == '"';
         });
}

// Lines without their breaks; \r\n, \r and \n all end a line; a final break adds no line.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\r') continue;
    lines.push_back(text.substr(start, i - start));
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

std::string encoded_word(std::string_view bytes) {
  return "=?UTF-8?B?" + base64_encode(std::vector<uint8_t>(bytes.begin(), bytes.end())) + "?=";
}

std::string format_mailbox(const Mailbox& mailbox) {
  const std::string_view name = mailbox.display_name;
  if (name.empty()) return mailbox.address;
  std::string phrase;
  if (is_plain_phrase(name)) {
    phrase = name;
  } else if (is_printable_ascii(name)) {
    phrase = "\"";
    for (char ch : name) {
      if (ch == '"' || ch == '\\') phrase += '\\';
      phrase += ch;
    }
    phrase += '"';
  } else {
    phrase = encode_header_text(name);
  }
  return phrase + " <" + mailbox.address + ">";
}

}  // namespace

Result<Mailbox> parse_mailbox(std::string_view text) {
  text = trim(text);
  Mailbox mailbox;
  const size_t open = text.rfind('<');
  if (open == std::string_view::npos) {
    mailbox.address = text;
  } else if (!text.empty() && text.back() == '>') {
    std::string_view name = trim(text.substr(0, open));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
      for (size_t i = 0; i < name.size(); ++i) {
        if (name[i] == '\\' && i + 1 < name.size()) ++i;
        mailbox.display_name += name[i];
      }
    } else {
      mailbox.display_name = name;
    }
    mailbox.address = text.substr(open + 1, text.size() - open - 2);
  }
  const bool control = std::any_of(mailbox.display_name.begin(), mailbox.display_name.end(),
                                   [](unsigned char ch) { return ch < ' ' || ch == 0x7f; });
  if (control || !is_address(mailbox.address)) {
    return make_error(ErrorCode::invalid_argument,
                      "expected an address like no-reply@example.com or "
                      "\"Name <no-reply@example.com>\"");
  }
  return mailbox;
}

std::string encode_header_text(std::string_view text) {
  if (is_printable_ascii(text) && text.size() <= kMaxPlainHeaderBytes) return std::string(text);
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    // Cut only before the first byte of a character: an encoded-word holds whole ones.
    size_t end = std::min(start + kEncodedWordBytes, text.size());
    while (end < text.size() && end > start + 1 &&
           (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    if (!out.empty()) out += "\r\n ";
    out += encoded_word(text.substr(start, end - start));
    start = end;
  }
  return out;
}

std::string rfc5322_date(int64_t ms_since_epoch) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = static_cast<std::time_t>(ms_since_epoch / 1000);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char out[64];
  std::snprintf(out, sizeof out, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return out;
}

std::string quoted_printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (std::string_view line : split_lines(text)) {
    size_t column = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      const auto ch = static_cast<unsigned char>(line[i]);
      const bool last = i + 1 == line.size();
      const bool literal =
          (ch >= 33 && ch <= 126 && ch != '=') || ((ch == ' ' || ch == '\t') && !last);
      const std::string token = literal ? std::string(1, static_cast<char>(ch))
                                        : std::string{'=', kHex[ch >> 4], kHex[ch & 15]};
      // A soft break ("=") must fit on the line too.
      if (column + token.size() > kQpLineLimit - 1) {
        out += "=\r\n";
        column = 0;
      }
      out += token;
      column += token.size();
    }
    out += "\r\n";
  }
  return out;
}

std::string build_message(const MessageParts& parts) {
  const std::vector<std::string_view> lines = split_lines(parts.body);
  const bool plain = std::all_of(parts.body.begin(), parts.body.end(), [](char ch) {
    return (ch >= ' ' && ch <= '~') || ch == '\r' || ch == '\n' || ch == '\t';
  });
  const bool short_lines = std::all_of(lines.begin(), lines.end(), [](std::string_view line) {
    return line.size() <= kMaxPlainBodyLine;
  });
  const char* encoding = !short_lines       ? "quoted-printable"
                         : plain            ? "7bit"
                         : parts.allow_8bit ? "8bit"
                                            : "quoted-printable";
  const bool as_is = std::string_view(encoding) != "quoted-printable";

  std::string out;
  out += "Date: " + rfc5322_date(parts.date_ms) + "\r\n";
  out += "From: " + format_mailbox(parts.from) + "\r\n";
  out += "To: " + parts.to + "\r\n";
  out += "Subject: " + encode_header_text(parts.subject) + "\r\n";
  out += "Message-ID: <" + parts.message_id + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += std::string("Content-Transfer-Encoding: ") + encoding + "\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  out += "\r\n";
  if (as_is) {
    for (std::string_view line : lines) {
      out += line;
      out += "\r\n";
    }
  } else {
    out += quoted_printable(parts.body);
  }
  return out;
}

}  // namespace parley
