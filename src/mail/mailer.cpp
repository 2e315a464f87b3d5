#include "mail/mailer.h"

#include <algorithm>
#include <chrono>
#include <system_error>

#include "mail/eml_writer.h"
#include "mail/smtp_client.h"

namespace parley {
namespace {

constexpr int kBatch = 8;
constexpr int64_t kPollMs = 60 * 1000;

// The domain of the From address names Message-IDs: <mail_...@example.com>.
std::string message_domain(const Result<Mailbox>& from) {
  if (!from) return "localhost";
  const std::string& address = from->address;
  return address.substr(address.find('@') + 1);
}

// The mail was erased (its owner's data) while it was being delivered: nothing to record.
bool vanished(const Status& marked, const DueMail& mail) {
  return !marked && marked.error().code == ErrorCode::not_found;
}

}  // namespace

Mailer::Mailer(Store& store, Keyring& keyring, const Clock& clock, const MailConfig& config,
               std::filesystem::path data_dir, Log& log)
    : store_(store),
      keyring_(keyring),
      clock_(clock),
      config_(config),
      data_dir_(std::move(data_dir)),
      log_(log),
      from_(parse_mailbox(config.from)),
      policy_{config.max_attempts, config.retry_base_ms} {}

Mailer::~Mailer() { stop(); }

void Mailer::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { run(); });
}

void Mailer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cancel_ = true;
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Mailer::notify() {
  {
    std::lock_guard lock(mutex_);
    notified_ = true;
  }
  wake_.notify_all();
}

Status Mailer::deliver_due_now() {
  std::lock_guard deliver_lock(deliver_mutex_);
  if (auto purged = purge_finished(); !purged) return purged;
  // A claim lasts long enough to try the whole batch, each attempt to its timeout.
  const int64_t lease_ms = int64_t{kBatch} * config_.timeout_ms + kPollMs;
  while (!cancel_) {
    std::vector<DueMail> batch;
    auto claimed = store_.db().write([&](Tx& tx) -> Status {
      auto due = claim_due_mails(tx, keyring_, clock_, kBatch, lease_ms);
      if (!due) return due.error();
      batch = std::move(*due);
      return ok_status();
    });
    if (!claimed) return claimed;
    if (batch.empty()) break;
    bool stopped = false;
    if (auto delivered = deliver_batch(batch, stopped); !delivered) return delivered;
    if (stopped) break;
  }
  return ok_status();
}

Status Mailer::deliver_batch(std::vector<DueMail>& batch, bool& stopped) {
  for (const DueMail& mail : batch) {
    Status delivered =
        cancel_ ? Status(make_error(ErrorCode::unavailable, "stopping")) : attempt(mail);
    if (!delivered && cancel_) {
      // Shutting down: give this mail and the rest of the batch back, uncounted.
      stopped = true;
      return store_.db().write([&](Tx& tx) -> Status {
        for (auto it = std::find_if(batch.begin(), batch.end(),
                                    [&](const DueMail& m) { return m.id == mail.id; });
             it != batch.end(); ++it) {
          if (auto released = release_mail_claim(tx, it->id, clock_); !released) return released;
        }
        return ok_status();
      });
    }
    if (auto recorded = record(mail, delivered); !recorded) return recorded;
  }
  return ok_status();
}

Status Mailer::attempt(const DueMail& mail) {
  if (!mail.readable) {
    return make_error(ErrorCode::not_found, "cannot open the mail: its owner's key is gone");
  }
  if (!from_) return make_error(ErrorCode::invalid_argument, "mail.from: " + from_.error().message);
  const bool to_file = config_.smtp_url.empty();
  MessageParts parts{
      *from_,          mail.to, mail.subject, mail.body, mail.id + "@" + message_domain(from_),
      mail.created_at, to_file};
  const std::string message = build_message(parts);
  if (to_file) {
    return write_eml(eml_path(data_dir_, mail.created_at, mail.id), message);
  }
  SmtpSettings settings{config_.smtp_url, config_.smtp_user, config_.smtp_password,
                        config_.timeout_ms};
  return smtp_send(settings, from_->address, mail.to, message, cancel_);
}

Status Mailer::record(const DueMail& mail, const Status& delivered) {
  const std::string_view via = config_.smtp_url.empty() ? "eml" : "smtp";
  if (delivered) {
    auto marked =
        store_.db().write([&](Tx& tx) -> Status { return mark_mail_sent(tx, mail.id, clock_); });
    if (marked) {
      log_.info("mail.sent", {{"mail_id", mail.id},
                              {"kind", mail.kind},
                              {"attempts", mail.attempts + 1},
                              {"via", via}});
    }
    return vanished(marked, mail) ? ok_status() : marked;
  }
  // A mail that cannot be opened never will be: fail it now.
  MailRetryPolicy policy = policy_;
  if (!mail.readable) policy.max_attempts = 1;
  MailRetryOutcome outcome;
  auto marked = store_.db().write([&](Tx& tx) -> Status {
    auto result = mark_mail_retry(tx, mail.id, delivered.error().message, clock_, policy);
    if (!result) return result.error();
    outcome = *result;
    return ok_status();
  });
  if (!marked) return vanished(marked, mail) ? ok_status() : marked;
  if (outcome.status == "failed") {
    log_.error("mail.failed", {{"mail_id", mail.id},
                               {"kind", mail.kind},
                               {"attempts", outcome.attempts},
                               {"via", via},
                               {"error", delivered.error().message}});
  } else {
    log_.warn("mail.retry", {{"mail_id", mail.id},
                             {"kind", mail.kind},
                             {"attempts", outcome.attempts},
                             {"retry_in_ms", outcome.next_attempt_at - clock_.now_ms()},
                             {"via", via},
                             {"error", delivered.error().message}});
  }
  return ok_status();
}

Status Mailer::purge_finished() {
  std::vector<PurgedMail> purged;
  auto status = store_.db().write([&](Tx& tx) -> Status {
    auto rows = purge_finished_mails(tx, clock_.now_ms() - kKeepFinishedMs);
    if (!rows) return rows.error();
    purged = std::move(*rows);
    return ok_status();
  });
  if (!status) return status;
  for (const PurgedMail& mail : purged) {
    std::error_code ec;
    std::filesystem::remove(eml_path(data_dir_, mail.created_at, mail.id), ec);
  }
  if (!purged.empty()) log_.info("mail.purged", {{"count", uint64_t{purged.size()}}});
  return ok_status();
}

void Mailer::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    notified_ = false;
    lock.unlock();
    int64_t wait_ms = kPollMs;
    if (auto delivered = deliver_due_now(); !delivered) {
      log_.error("mail.deliver_failed", {{"error", delivered.error().message}});
    } else {
      std::optional<int64_t> next;
      auto read = store_.db().read([&](Tx& tx) -> Status {
        auto due = next_mail_due_at(tx);
        if (!due) return due.error();
        next = *due;
        return ok_status();
      });
      if (read && next) wait_ms = std::clamp<int64_t>(*next - clock_.now_ms(), 0, kPollMs);
    }
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(wait_ms),
                   [this] { return stopping_ || notified_; });
  }
}

}  // namespace parley
