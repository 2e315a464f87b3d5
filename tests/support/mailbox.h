// The mail a server without SMTP writes as .eml files under <data>/mail: what integration
// tests open to follow verification and reset links, as a user would open their inbox.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace parley::testing {

struct Eml {
  std::filesystem::path path;
  std::string to;       // the To header as written
  std::string subject;  // the Subject header as written (ASCII subjects are not encoded)
  std::string body;     // decoded when the mail is quoted-printable
};

// Every .eml under data_dir/mail, oldest first (file names start with the queue time).
std::vector<Eml> read_mailbox(const std::filesystem::path& data_dir);

// The mails to `to`, once at least `count` of them are there. The mailer delivers on a
// background thread, so this polls (briefly, up to a generous bound); it returns what is
// there when the bound passes, and the test's assertion on the count reports the failure.
std::vector<Eml> wait_for_mail(const std::filesystem::path& data_dir, std::string_view to,
                               size_t count = 1);

// Quoted-printable to bytes: soft line breaks ("=\r\n") removed, "=XX" decoded.
std::string decode_quoted_printable(std::string_view text);

// The token after the first "token=" in a mail body (URL-safe base64), or "".
std::string token_in(std::string_view body);

}  // namespace parley::testing
