// RFC 5322 / MIME formatting of outgoing mail: what mail clients and servers will parse.
#include "mail/message.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/base64.h"

namespace parley {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t at; (at = text.find("\r\n", start)) != std::string::npos; start = at + 2) {
    lines.push_back(text.substr(start, at - start));
  }
  return lines;
}

// Decodes a header made of =?UTF-8?B?...?= words separated by folding whitespace.
std::string decode_words(const std::string& header) {
  std::string out;
  size_t at = 0;
  while ((at = header.find("=?UTF-8?B?", at)) != std::string::npos) {
    const size_t end = header.find("?=", at + 10);
    auto bytes = base64_decode(header.substr(at + 10, end - at - 10));
    EXPECT_TRUE(bytes.ok());
    // Each word must hold whole characters: it may not end inside a UTF-8 sequence.
    std::string word(bytes->begin(), bytes->end());
    EXPECT_NE(static_cast<unsigned char>(word.front()) & 0xC0, 0x80) << "starts mid-character";
    out += word;
    at = end + 2;
  }
  return out;
}

TEST(Message, AsciiHeadersStayReadableAndOthersAreEncodedWordsOfWholeCharacters) {
  EXPECT_EQ(encode_header_text("Verify your email"), "Verify your email");
  const std::string subject =
      "Réinitialisez votre mot de passe ✓ — 中文 — 𝄞 " + std::string(60, 'x');
  const std::string encoded = encode_header_text(subject);
  EXPECT_EQ(encoded.rfind("=?UTF-8?B?", 0), 0u);
  EXPECT_EQ(decode_words(encoded), subject);
  for (const std::string& line : lines_of(encoded + "\r\n")) {
    EXPECT_LE(line.size() + std::string("Subject: ").size(), 78u) << line;
  }
}

TEST(Message, ParsesTheFromSetting) {
  auto plain = parse_mailbox("no-reply@example.com");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->display_name, "");
  EXPECT_EQ(plain->address, "no-reply@example.com");
  auto named = parse_mailbox(" Parley Café <hello@example.com> ");
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->display_name, "Parley Café");
  EXPECT_EQ(named->address, "hello@example.com");
  auto quoted = parse_mailbox("\"Support, \\\"Parley\\\"\" <s@example.com>");
  ASSERT_TRUE(quoted.ok());
  EXPECT_EQ(quoted->display_name, "Support, \"Parley\"");
  for (const char* bad : {"", "nobody", "a@b@c", "Name <>", "Name <a b@c>", "@example.com", "x@",
                          "Name\r\nBcc: x@y.z <a@b.c>"}) {
    EXPECT_FALSE(parse_mailbox(bad).ok()) << bad;
  }
}

TEST(Message, DatesAreRfc5322InUtc) {
  EXPECT_EQ(rfc5322_date(1'700'000'000'000), "Tue, 14 Nov 2023 22:13:20 +0000");
  EXPECT_EQ(rfc5322_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
}

TEST(Message, QuotedPrintableKeepsLinesShortAndEncodesWhatItMust) {
  EXPECT_EQ(quoted_printable("a=b\n"), "a=3Db\r\n");
  EXPECT_EQ(quoted_printable("é"), "=C3=A9\r\n");
  EXPECT_EQ(quoted_printable("trailing \nx"), "trailing=20\r\nx\r\n");
  const std::string long_line(200, 'y');
  const std::string encoded = quoted_printable(long_line + "é");
  std::string joined;
  for (const std::string& line : lines_of(encoded)) {
    EXPECT_LE(line.size(), 76u);
    joined += line.back() == '=' ? line.substr(0, line.size() - 1) : line;
  }
  EXPECT_EQ(joined, long_line + "=C3=A9");
}

TEST(Message, BuildsAPlainTextMimeMessageWithCrlfLines) {
  MessageParts parts{{"Parley", "no-reply@example.com"},
                     "ada@example.com",
                     "Verify your email",
                     "Hello,\nOpen https://x.example/v?token=abc\n",
                     "mail_01ABC@example.com",
                     1'700'000'000'000};
  const std::string message = build_message(parts);
  EXPECT_EQ(message.find("\r\n\r\n"), message.find("\r\n\r\nHello,"));
  EXPECT_THAT(message, HasSubstr("Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"));
  EXPECT_THAT(message, HasSubstr("From: Parley <no-reply@example.com>\r\n"));
  EXPECT_THAT(message, HasSubstr("To: ada@example.com\r\n"));
  EXPECT_THAT(message, HasSubstr("Subject: Verify your email\r\n"));
  EXPECT_THAT(message, HasSubstr("Message-ID: <mail_01ABC@example.com>\r\n"));
  EXPECT_THAT(message, HasSubstr("MIME-Version: 1.0\r\n"));
  EXPECT_THAT(message, HasSubstr("Content-Type: text/plain; charset=utf-8\r\n"));
  EXPECT_THAT(message, HasSubstr("Content-Transfer-Encoding: 7bit\r\n"));
  EXPECT_THAT(message, HasSubstr("Open https://x.example/v?token=abc\r\n"));
  for (size_t i = 0; i < message.size(); ++i) {
    if (message[i] == '\n') EXPECT_EQ(message[i - 1], '\r') << "bare LF at " << i;
  }

  parts.body = "Grüße\r\n";
  parts.from.display_name = "Support, Parley";
  const std::string accented = build_message(parts);
  EXPECT_THAT(accented, HasSubstr("Content-Transfer-Encoding: quoted-printable\r\n"));
  EXPECT_THAT(accented, HasSubstr("Gr=C3=BC=C3=9Fe\r\n"));
  EXPECT_THAT(accented, HasSubstr("From: \"Support, Parley\" <no-reply@example.com>\r\n"));
  EXPECT_THAT(accented, Not(HasSubstr("Grüße")));

  parts.allow_8bit = true;  // an .eml file
  const std::string eight_bit = build_message(parts);
  EXPECT_THAT(eight_bit, HasSubstr("Content-Transfer-Encoding: 8bit\r\n"));
  EXPECT_THAT(eight_bit, HasSubstr("\r\n\r\nGrüße\r\n"));
  parts.body = std::string(1200, 'z') + "ü";
  EXPECT_THAT(build_message(parts), HasSubstr("Content-Transfer-Encoding: quoted-printable\r\n"))
      << "lines over 998 bytes are never sent as they are";
}

}  // namespace
}  // namespace parley
