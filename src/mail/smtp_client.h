// Sends one message over SMTP with libcurl: smtp:// (STARTTLS when the server offers it)
// or smtps:// (TLS from the start); certificates are verified. Called by the Mailer.
#pragma once

#include <atomic>
#include <string>
#include <string_view>

#include "core/result.h"

namespace parley {

struct SmtpSettings {
  std::string url;   // smtp://host:port[/ehlo-domain] or smtps://...
  std::string user;  // empty: no AUTH
  std::string password;
  int timeout_ms = 15000;  // the whole delivery, connection included
};

// Delivers `message` (RFC 5322, CRLF) from `from_address` to `to_address`. Fails
// (unavailable) with a message that names the failure but never the addresses or the
// message; stops early, and fails, once `cancel` becomes true.
Status smtp_send(const SmtpSettings& settings, std::string_view from_address,
                 std::string_view to_address, std::string_view message,
                 const std::atomic<bool>& cancel);

}  // namespace parley
