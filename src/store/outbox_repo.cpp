#include "store/outbox_repo.h"

#include <algorithm>

#include "core/ids.h"

namespace parley {
namespace {

constexpr std::string_view kTable = "mail_outbox";

bool is_kind(std::string_view kind) {
  return !kind.empty() && kind.size() <= 64 && std::all_of(kind.begin(), kind.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
  });
}

bool has_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](unsigned char ch) { return ch < ' ' || ch == 0x7f; });
}

Status check_mail(const OutgoingMail& mail) {
  if (mail.owner_id.empty()) {
    return make_error(ErrorCode::invalid_argument, "a mail needs an owner");
  }
  if (!is_kind(mail.kind)) {
    return make_error(ErrorCode::invalid_argument,
                      "a mail kind is lowercase letters, digits and '_'");
  }
  if (mail.to.empty() || has_control(mail.to) || mail.to.find(' ') != std::string::npos) {
    return make_error(ErrorCode::invalid_argument, "a mail needs one recipient address");
  }
  if (has_control(mail.subject)) {
    return make_error(ErrorCode::invalid_argument, "a mail subject is one line");
  }
  return ok_status();
}

Result<Bytes> seal(Keyring& keyring, const std::string& owner, std::string_view column,
                   const std::string& row_id, std::string_view text) {
  return keyring.seal(owner, {kTable, column, row_id}, text);
}

// Opens a sealed column; nullopt when the owner's key is gone or the value does not open.
std::optional<std::string> open(const Keyring& keyring, const std::string& owner,
                                std::string_view column, const std::string& row_id,
                                const Bytes& sealed) {
  auto text = keyring.open(owner, {kTable, column, row_id}, sealed);
  if (!text) return std::nullopt;
  return std::move(text).value();
}

Status expect_one(Result<int64_t> changed, std::string_view id) {
  if (!changed) return changed.error();
  if (*changed == 0) {
    return make_error(ErrorCode::not_found, "no queued mail " + std::string(id));
  }
  return ok_status();
}

}  // namespace

int64_t mail_retry_delay_ms(int attempts, const MailRetryPolicy& policy) {
  const int64_t cap = std::max(policy.cap_ms, policy.base_ms);
  int64_t delay = policy.base_ms;
  for (int i = 1; i < attempts && delay < cap; ++i) delay *= 2;
  return std::min(delay, cap);
}

Result<std::string> enqueue_mail(Tx& tx, const OutgoingMail& mail, Keyring& keyring,
                                 const Clock& clock) {
  if (auto valid = check_mail(mail); !valid) return valid.error();
  const std::string id = new_id("mail", clock);
  auto to = seal(keyring, mail.owner_id, "to_sealed", id, mail.to);
  if (!to) return to.error();
  auto subject = seal(keyring, mail.owner_id, "subject_sealed", id, mail.subject);
  if (!subject) return subject.error();
  auto body = seal(keyring, mail.owner_id, "body_sealed", id, mail.body);
  if (!body) return body.error();
  const int64_t now = clock.now_ms();
  auto inserted = tx.exec(
      "INSERT INTO mail_outbox (id, owner_id, to_sealed, subject_sealed, body_sealed, kind,"
      " status, attempts, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6,"
      " 'queued', 0, $7, $7)",
      {id, mail.owner_id, *to, *subject, *body, mail.kind, now});
  if (!inserted) return inserted.error();
  return id;
}

Result<std::vector<DueMail>> claim_due_mails(Tx& tx, const Keyring& keyring, const Clock& clock,
                                             int limit, int64_t lease_ms) {
  const int64_t now = clock.now_ms();
  auto rows = tx.query(
      "SELECT id, owner_id, kind, attempts, created_at, to_sealed, subject_sealed, body_sealed"
      " FROM mail_outbox WHERE status = 'queued' AND next_attempt_at <= $1"
      " ORDER BY next_attempt_at, id LIMIT $2",
      {now, int64_t{limit}});
  if (!rows) return rows.error();
  std::vector<DueMail> due;
  for (const Row& row : *rows) {
    DueMail mail;
    mail.id = row.text(0);
    mail.owner_id = row.text(1);
    mail.kind = row.text(2);
    mail.attempts = static_cast<int>(row.integer(3));
    mail.created_at = row.integer(4);
    auto to = open(keyring, mail.owner_id, "to_sealed", mail.id, row.bytes(5));
    auto subject = open(keyring, mail.owner_id, "subject_sealed", mail.id, row.bytes(6));
    auto body = open(keyring, mail.owner_id, "body_sealed", mail.id, row.bytes(7));
    mail.readable = to && subject && body;
    if (mail.readable) {
      mail.to = std::move(*to);
      mail.subject = std::move(*subject);
      mail.body = std::move(*body);
    }
    auto leased = tx.exec("UPDATE mail_outbox SET next_attempt_at = $2 WHERE id = $1",
                          {mail.id, now + lease_ms});
    if (!leased) return leased.error();
    due.push_back(std::move(mail));
  }
  return due;
}

Status mark_mail_sent(Tx& tx, std::string_view id, const Clock& clock) {
  return expect_one(tx.exec("UPDATE mail_outbox SET status = 'sent', attempts = attempts + 1,"
                            " sent_at = $2, body_sealed = $3, last_error = ''"
                            " WHERE id = $1 AND status = 'queued'",
                            {std::string(id), clock.now_ms(), Bytes{}}),
                    id);
}

Result<MailRetryOutcome> mark_mail_retry(Tx& tx, std::string_view id, std::string_view error,
                                         const Clock& clock, const MailRetryPolicy& policy) {
  auto rows = tx.query("SELECT attempts FROM mail_outbox WHERE id = $1 AND status = 'queued'",
                       {std::string(id)});
  if (!rows) return rows.error();
  if (rows->empty()) return make_error(ErrorCode::not_found, "no queued mail " + std::string(id));
  MailRetryOutcome outcome;
  outcome.attempts = static_cast<int>(rows->front().integer(0)) + 1;
  const int64_t now = clock.now_ms();
  Result<int64_t> changed = int64_t{0};
  if (outcome.attempts >= policy.max_attempts) {
    outcome.status = "failed";
    outcome.next_attempt_at = now;
    changed = tx.exec(
        "UPDATE mail_outbox SET status = 'failed', attempts = $2, next_attempt_at = $3,"
        " last_error = $4, body_sealed = $5 WHERE id = $1",
        {std::string(id), int64_t{outcome.attempts}, now, std::string(error), Bytes{}});
  } else {
    outcome.status = "queued";
    outcome.next_attempt_at = now + mail_retry_delay_ms(outcome.attempts, policy);
    changed = tx.exec(
        "UPDATE mail_outbox SET attempts = $2, next_attempt_at = $3, last_error = $4"
        " WHERE id = $1",
        {std::string(id), int64_t{outcome.attempts}, outcome.next_attempt_at, std::string(error)});
  }
  if (auto status = expect_one(std::move(changed), id); !status) return status.error();
  return outcome;
}

Status release_mail_claim(Tx& tx, std::string_view id, const Clock& clock) {
  return expect_one(tx.exec("UPDATE mail_outbox SET next_attempt_at = $2"
                            " WHERE id = $1 AND status = 'queued'",
                            {std::string(id), clock.now_ms()}),
                    id);
}

Result<std::optional<int64_t>> next_mail_due_at(Tx& tx) {
  auto rows = tx.query(
      "SELECT next_attempt_at FROM mail_outbox WHERE status = 'queued'"
      " ORDER BY next_attempt_at LIMIT 1");
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<int64_t>{};
  return std::optional<int64_t>(rows->front().integer(0));
}

Result<std::vector<MailListing>> list_mails(Tx& tx, const Keyring& keyring) {
  auto rows = tx.query(
      "SELECT id, owner_id, kind, status, attempts, next_attempt_at, created_at, sent_at,"
      " last_error, to_sealed, subject_sealed FROM mail_outbox ORDER BY created_at, id");
  if (!rows) return rows.error();
  std::vector<MailListing> out;
  for (const Row& row : *rows) {
    MailListing mail;
    mail.id = row.text(0);
    mail.owner_id = row.text(1);
    mail.kind = row.text(2);
    mail.status = row.text(3);
    mail.attempts = static_cast<int>(row.integer(4));
    mail.next_attempt_at = row.integer(5);
    mail.created_at = row.integer(6);
    if (!row.is_null(7)) mail.sent_at = row.integer(7);
    mail.last_error = row.text(8);
    auto to = open(keyring, mail.owner_id, "to_sealed", mail.id, row.bytes(9));
    auto subject = open(keyring, mail.owner_id, "subject_sealed", mail.id, row.bytes(10));
    mail.readable = to && subject;
    if (mail.readable) {
      mail.to = std::move(*to);
      mail.subject = std::move(*subject);
    }
    out.push_back(std::move(mail));
  }
  return out;
}

Result<std::vector<PurgedMail>> purge_finished_mails(Tx& tx, int64_t created_before_ms) {
  auto rows = tx.query(
      "DELETE FROM mail_outbox WHERE status <> 'queued' AND created_at < $1"
      " RETURNING id, created_at",
      {created_before_ms});
  if (!rows) return rows.error();
  std::vector<PurgedMail> purged;
  for (const Row& row : *rows) purged.push_back({row.text(0), row.integer(1)});
  return purged;
}

}  // namespace parley
