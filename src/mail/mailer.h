// Delivers the mail outbox (src/store/outbox_repo.h): over SMTP when mail.smtp_url is set,
// else as .eml files under <data_dir>/mail. Failed attempts are retried with exponential
// backoff until mail.max_attempts. The server runs it on a background thread; services call
// enqueue_mail inside their write, then notify(). Logs name mails by id and kind only.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "core/config.h"
#include "core/keyring.h"
#include "core/log.h"
#include "core/result.h"
#include "mail/message.h"
#include "store/outbox_repo.h"
#include "store/store.h"

namespace parley {

class Mailer {
 public:
  // Sent and failed mails are deleted (with their .eml files) this long after they were
  // queued.
  static constexpr int64_t kKeepFinishedMs = int64_t{30} * 24 * 3600 * 1000;

  Mailer(Store& store, Keyring& keyring, const Clock& clock, const MailConfig& config,
         std::filesystem::path data_dir, Log& log);
  ~Mailer();  // stops
  Mailer(const Mailer&) = delete;
  Mailer& operator=(const Mailer&) = delete;

  // Starts the background thread: it delivers what is due when notify() is called, when
  // the next retry falls due, and at least once a minute (mail queued by another node).
  void start();
  // Stops the thread; an SMTP delivery in progress is cancelled and its mail stays queued
  // without counting the attempt. Idempotent.
  void stop();
  // Wakes the background thread: call after committing a write that enqueued mail.
  // Never blocks on delivery.
  void notify();

  // Delivers every mail due now, in the calling thread, and purges finished mails past
  // kKeepFinishedMs. A delivery failure is recorded on its mail (retry or failed), not
  // returned; an error means the store could not be read or written.
  Status deliver_due_now();

 private:
  Status deliver_batch(std::vector<DueMail>& batch, bool& stopped);
  Status attempt(const DueMail& mail);
  Status record(const DueMail& mail, const Status& delivered);
  Status purge_finished();
  void run();

  Store& store_;
  Keyring& keyring_;
  const Clock& clock_;
  const MailConfig config_;
  const std::filesystem::path data_dir_;
  Log& log_;
  const Result<Mailbox> from_;
  const MailRetryPolicy policy_;

  std::mutex deliver_mutex_;  // one delivery pass at a time in this process
  std::atomic<bool> cancel_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool notified_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace parley
