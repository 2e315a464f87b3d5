#include "cli/mail.h"

#include <cstdio>
#include <ctime>
#include <string>
#include <system_error>

#include "cli/runtime.h"
#include "mail/eml_writer.h"
#include "store/outbox_repo.h"

namespace parley {
namespace {

std::string iso_time(int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

std::string in_quotes(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

std::string describe(const MailListing& mail, const Config& config) {
  std::string line = iso_time(mail.created_at) + "  " + mail.id + "  " + mail.kind + "  " +
                     mail.status + "  attempts=" + std::to_string(mail.attempts);
  if (mail.readable) {
    line += "  to=" + mail.to + "  subject=" + in_quotes(mail.subject);
  } else {
    line += "  to=(erased)  subject=(erased)";
  }
  if (mail.status == "queued") line += "  next=" + iso_time(mail.next_attempt_at);
  if (mail.sent_at) line += "  sent=" + iso_time(*mail.sent_at);
  if (!mail.last_error.empty()) line += "  error=" + in_quotes(mail.last_error);
  const auto file = eml_path(config.storage.data_dir, mail.created_at, mail.id);
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) line += "  file=" + file.string();
  return line;
}

}  // namespace

int run_mail_list(const Config& config) {
  auto runtime = open_runtime(config, DataDirUse::shared);
  if (!runtime) {
    std::fprintf(stderr, "parley: %s\n", runtime.error().message.c_str());
    // The data directory's lock (conflict) or the keyring's (unavailable): a server runs.
    const ErrorCode code = runtime.error().code;
    if (code == ErrorCode::conflict || code == ErrorCode::unavailable) {
      std::fprintf(stderr,
                   "parley: if the server is running: `mail list` opens the keyring, which the "
                   "server holds; stop it, or read the .eml files in %s\n",
                   eml_directory(config.storage.data_dir).c_str());
    }
    return 1;
  }
  Runtime& rt = **runtime;
  std::vector<MailListing> mails;
  auto status = rt.store->db().read([&](Tx& tx) -> Status {
    auto rows = list_mails(tx, *rt.keyring);
    if (!rows) return rows.error();
    mails = std::move(*rows);
    return ok_status();
  });
  if (!status) {
    std::fprintf(stderr, "parley: %s\n", status.error().message.c_str());
    return 1;
  }
  for (const MailListing& mail : mails) std::printf("%s\n", describe(mail, config).c_str());
  if (mails.empty()) std::printf("The outbox is empty.\n");
  return 0;
}

}  // namespace parley
