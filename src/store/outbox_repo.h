// The mail outbox: account emails queued inside the transaction that makes them (a signup
// and its verification mail commit together), then delivered by the Mailer (src/mail/),
// retried with exponential backoff, and listed by `parley mail list`. Recipient, subject
// and body are sealed with the owner's key; the body is emptied once the mail is sent or
// has failed, and finished rows are purged after 30 days.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/keyring.h"
#include "core/result.h"
#include "store/database.h"

namespace parley {

struct OutgoingMail {
  std::string owner_id;  // whose key seals it: the recipient's user id, or an invitation id
  std::string to;        // one address
  std::string subject;   // one line
  std::string body;      // plain text, UTF-8
  std::string kind;      // verify_email, reset_password, invitation...: lowercase and '_'
};

// How often and how late a failed delivery is tried again.
struct MailRetryPolicy {
  int max_attempts = 8;
  int64_t base_ms = 30000;
  int64_t cap_ms = 3600 * 1000;
};

// The wait after the `attempts`-th failed attempt: base, 2 base, 4 base... capped at
// max(cap, base).
int64_t mail_retry_delay_ms(int attempts, const MailRetryPolicy& policy);

// Queues a mail inside the caller's write transaction; returns its id ("mail_..."). Fails
// (invalid_argument) on an empty owner, recipient or kind, or a line break in the
// recipient or subject. Sealing creates the owner's key on first use, which costs a keyring
// fsync: call keyring.ensure_key(owner) before the write to keep it off the writer thread.
Result<std::string> enqueue_mail(Tx& tx, const OutgoingMail& mail, Keyring& keyring,
                                 const Clock& clock);

// A mail claimed for delivery, opened.
struct DueMail {
  std::string id;
  std::string owner_id;
  std::string kind;
  int attempts = 0;  // failed attempts so far
  int64_t created_at = 0;
  bool readable = true;  // false: the owner's key is gone; to, subject and body are empty
  std::string to;
  std::string subject;
  std::string body;
};

// Claims up to `limit` queued mails that are due, oldest due first, by moving their
// next_attempt_at to now + lease_ms: another sender (a second node) skips them until the
// lease ends, and a sender that dies mid-delivery leaves them due again after it. So a
// mail is delivered at least once; its Message-ID is stable, for the rare duplicate.
Result<std::vector<DueMail>> claim_due_mails(Tx& tx, const Keyring& keyring, const Clock& clock,
                                             int limit, int64_t lease_ms);

// Delivered: status sent, attempts + 1, sent_at now, body emptied.
Status mark_mail_sent(Tx& tx, std::string_view id, const Clock& clock);

// What a failed attempt led to.
struct MailRetryOutcome {
  std::string status;  // "queued" (tried again at next_attempt_at) or "failed"
  int attempts = 0;
  int64_t next_attempt_at = 0;
};

// A failed attempt: attempts + 1 and last_error; queued again after the backoff delay, or
// failed (body emptied) once attempts reach policy.max_attempts. `error` is shown to the
// operator: it must not hold the recipient, subject or body.
Result<MailRetryOutcome> mark_mail_retry(Tx& tx, std::string_view id, std::string_view error,
                                         const Clock& clock, const MailRetryPolicy& policy);

// Gives back a claim without counting an attempt (delivery was cancelled at shutdown).
Status release_mail_claim(Tx& tx, std::string_view id, const Clock& clock);

// When the next queued mail is due (possibly in the past); nullopt when none is queued.
Result<std::optional<int64_t>> next_mail_due_at(Tx& tx);

// One row of the outbox, opened, for `parley mail list`.
struct MailListing {
  std::string id;
  std::string owner_id;
  std::string kind;
  std::string status;
  int attempts = 0;
  int64_t next_attempt_at = 0;
  int64_t created_at = 0;
  std::optional<int64_t> sent_at;
  std::string last_error;
  bool readable = true;  // false: the owner's key is gone (erased)
  std::string to;
  std::string subject;
};

// Every mail in the outbox, oldest first.
Result<std::vector<MailListing>> list_mails(Tx& tx, const Keyring& keyring);

// A purged row: enough to find its .eml file.
struct PurgedMail {
  std::string id;
  int64_t created_at = 0;
};

// Deletes sent and failed mails queued before `created_before_ms`; returns which.
Result<std::vector<PurgedMail>> purge_finished_mails(Tx& tx, int64_t created_before_ms);

}  // namespace parley
