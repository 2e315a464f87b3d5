// Turns an outbox mail into an RFC 5322 message (headers, MIME, body encoding), the same
// bytes whether they go to an SMTP server or into an .eml file. Called by the Mailer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace parley {

// "Display Name <local@domain>" or "local@domain".
struct Mailbox {
  std::string display_name;  // may be empty or non-ASCII
  std::string address;
};

// Parses mail.from (config.cpp checks the same shape at load).
Result<Mailbox> parse_mailbox(std::string_view text);

// A header's text as is when it is printable ASCII, else as RFC 2047 encoded-words
// (=?UTF-8?B?...?=), each of whole characters, folded onto continuation lines.
std::string encode_header_text(std::string_view text);

// "Tue, 14 Nov 2023 22:13:20 +0000".
std::string rfc5322_date(int64_t ms_since_epoch);

// Quoted-printable (RFC 2045): CRLF line breaks, soft breaks before 76 columns.
std::string quoted_printable(std::string_view text);

struct MessageParts {
  Mailbox from;
  std::string to;
  std::string subject;
  std::string body;        // UTF-8 text; any line-break convention
  std::string message_id;  // without the angle brackets
  int64_t date_ms = 0;
  // An .eml file can hold 8bit text; SMTP through libcurl cannot announce BODY=8BITMIME.
  bool allow_8bit = false;
};

// The whole message, CRLF line breaks. The body is 7bit when it is ASCII in short lines,
// 8bit when allowed and in short lines, else quoted-printable: links stay readable
// wherever the transport allows.
std::string build_message(const MessageParts& parts);

}  // namespace parley
