// The Mailer against a real SMTP server on loopback (aiosmtpd), a closed port and a server
// that never answers, and in .eml mode; the outbox on SQLite and on PostgreSQL.
#include "mail/mailer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "mail/eml_writer.h"
#include "mail/test_smtp_server.h"
#include "store/test_databases.h"

namespace parley {
namespace {

using mail_testing::Listener;
using mail_testing::SmtpSink;
using store_testing::BackendTest;
using store_testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kAddress = "ada@example.com";
constexpr const char* kSecretLink = "https://parley.example/verify?token=s3cr3t-t0ken";

// The outbox row as stored, for assertions.
struct StoredMail {
  std::string status;
  int attempts = 0;
  int64_t next_attempt_at = 0;
  std::optional<int64_t> sent_at;
  size_t body_bytes = 0;
  std::string last_error;
};

class MailerTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    store_ = open_store();
    auto keyring = Keyring::open(keys_.path() / "keyring", std::vector<uint8_t>(32, 7));
    ASSERT_TRUE(keyring.ok()) << keyring.error().message;
    keyring_ = std::move(*keyring);
    log_file_ = std::tmpfile();
    log_ = std::make_unique<Log>(LogLevel::debug, log_file_);
    config_.from = "Parley Café <no-reply@parley.example>";
  }
  void TearDown() override {
    log_.reset();
    if (log_file_) std::fclose(log_file_);
    store_.reset();
    BackendTest::TearDown();
  }

  std::unique_ptr<Mailer> mailer() {
    return std::make_unique<Mailer>(*store_, *keyring_, clock_, config_, files_.path(), *log_);
  }

  OutgoingMail verification(std::string subject = "Verify your email address") {
    return {"usr_ada", kAddress, std::move(subject),
            std::string("Hello,\n\nOpen ") + kSecretLink + " to verify your address.\n",
            "verify_email"};
  }

  std::string enqueue(const OutgoingMail& mail) {
    std::string id;
    auto status = store_->db().write([&](Tx& tx) -> Status {
      auto queued = enqueue_mail(tx, mail, *keyring_, clock_);
      if (!queued) return queued.error();
      id = *queued;
      return ok_status();
    });
    EXPECT_TRUE(status.ok()) << status.error().message;
    return id;
  }

  StoredMail stored(const std::string& id) {
    StoredMail out;
    auto status = store_->db().read([&](Tx& tx) -> Status {
      auto rows = tx.query(
          "SELECT status, attempts, next_attempt_at, sent_at, body_sealed, last_error"
          " FROM mail_outbox WHERE id = $1",
          {id});
      if (!rows) return rows.error();
      if (rows->empty()) return make_error(ErrorCode::not_found, "no row " + id);
      const Row& row = rows->front();
      out = {row.text(0),
             static_cast<int>(row.integer(1)),
             row.integer(2),
             row.is_null(3) ? std::nullopt : std::optional<int64_t>(row.integer(3)),
             row.bytes(4).size(),
             row.text(5)};
      return ok_status();
    });
    EXPECT_TRUE(status.ok()) << status.error().message;
    return out;
  }

  int64_t outbox_rows() { return count(*store_, "mail_outbox"); }

  std::string log_text() {
    log_->flush();
    std::fflush(log_file_);
    std::string text;
    char buffer[4096];
    ssize_t n;
    off_t offset = 0;
    while ((n = ::pread(fileno(log_file_), buffer, sizeof buffer, offset)) > 0) {
      text.append(buffer, static_cast<size_t>(n));
      offset += n;
    }
    return text;
  }

  void expect_no_personal_data_in_log() {
    const std::string text = log_text();
    EXPECT_THAT(text, Not(HasSubstr("ada@")));
    EXPECT_THAT(text, Not(HasSubstr("example.com")));
    EXPECT_THAT(text, Not(HasSubstr("s3cr3t")));
    EXPECT_THAT(text, Not(HasSubstr("Verify")));
  }

  TempDir keys_;
  TempDir files_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Keyring> keyring_;
  std::FILE* log_file_ = nullptr;
  std::unique_ptr<Log> log_;
  MailConfig config_;
};

TEST_P(MailerTest, DeliversOverSmtpToARealServer) {
  SmtpSink sink;
  ASSERT_TRUE(sink.started());
  config_.smtp_url = sink.url();
  const std::string accented =
      "Vérifiez votre adresse e-mail ✓ — un sujet assez long pour tenir sur plusieurs mots "
      "encodés, 中文 compris";
  const std::string first = enqueue(verification());
  OutgoingMail second = verification(accented);
  second.body = "Bonjour Étienne,\nVotre lien : " + std::string(kSecretLink) + "\n";
  const std::string second_id = enqueue(second);

  ASSERT_TRUE(mailer()->deliver_due_now().ok());

  ASSERT_TRUE(sink.wait_for_messages(2, std::chrono::seconds(10)));
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 2u);
  for (const auto& message : messages) {
    EXPECT_EQ(message.at("mail_from").as_string(), "no-reply@parley.example");
    ASSERT_EQ(message.at("rcpt_tos").as_array().size(), 1u);
    EXPECT_EQ(message.at("rcpt_tos").as_array()[0].as_string(), kAddress);
    EXPECT_EQ(message.at("to").as_string(), kAddress);
    EXPECT_EQ(message.at("from").as_string(), "Parley Café <no-reply@parley.example>");
    EXPECT_EQ(message.at("date").as_string(), "Tue, 14 Nov 2023 22:13:20 +0000");
    EXPECT_EQ(message.at("content_type").as_string(), "text/plain");
    EXPECT_EQ(message.at("charset").as_string(), "utf-8");
    EXPECT_THAT(std::string(message.at("body").as_string()), HasSubstr(kSecretLink));
  }
  // Mails queued in the same millisecond go in either order: find each by its Message-ID.
  const bool in_order =
      messages[0].at("message_id").as_string() == "<" + first + "@parley.example>";
  const auto& plain = messages[in_order ? 0 : 1];
  const auto& encoded = messages[in_order ? 1 : 0];
  EXPECT_EQ(plain.at("message_id").as_string(), "<" + first + "@parley.example>");
  EXPECT_EQ(plain.at("subject").as_string(), "Verify your email address");
  EXPECT_EQ(plain.at("transfer_encoding").as_string(), "7bit");
  EXPECT_EQ(encoded.at("message_id").as_string(), "<" + second_id + "@parley.example>");
  EXPECT_EQ(encoded.at("subject").as_string(), accented);
  EXPECT_THAT(std::string(encoded.at("body").as_string()), HasSubstr("Bonjour Étienne,"));
  EXPECT_EQ(encoded.at("transfer_encoding").as_string(), "quoted-printable");

  for (const std::string& id : {first, second_id}) {
    const StoredMail mail = stored(id);
    EXPECT_EQ(mail.status, "sent");
    EXPECT_EQ(mail.attempts, 1);
    EXPECT_EQ(mail.sent_at, clock_.now_ms());
    EXPECT_EQ(mail.body_bytes, 0u) << "a sent mail keeps no body (it carries the token)";
    EXPECT_THAT(log_text(), HasSubstr(id));
  }
  EXPECT_THAT(log_text(), HasSubstr("verify_email"));
  expect_no_personal_data_in_log();
}

TEST_P(MailerTest, AuthenticatesWithTheConfiguredUser) {
  SmtpSink sink("mailer:correct horse");
  ASSERT_TRUE(sink.started());
  config_.smtp_url = sink.url();
  config_.smtp_user = "mailer";
  config_.smtp_password = "wrong";
  const std::string refused = enqueue(verification());
  ASSERT_TRUE(mailer()->deliver_due_now().ok());
  EXPECT_EQ(stored(refused).status, "queued");
  EXPECT_EQ(stored(refused).attempts, 1);
  EXPECT_THAT(stored(refused).last_error, HasSubstr("SMTP delivery failed"));
  EXPECT_THAT(log_text(), Not(HasSubstr("wrong")));

  config_.smtp_password = "correct horse";
  clock_.advance(std::chrono::milliseconds(config_.retry_base_ms));
  ASSERT_TRUE(mailer()->deliver_due_now().ok());
  ASSERT_TRUE(sink.wait_for_messages(1, std::chrono::seconds(10)));
  EXPECT_EQ(sink.messages().at(0).at("login").as_string(), "mailer");
  EXPECT_EQ(stored(refused).status, "sent");
  EXPECT_EQ(stored(refused).attempts, 2);
  EXPECT_EQ(stored(refused).last_error, "");
}

TEST_P(MailerTest, RetriesWithDoublingBackoffThenFails) {
  Listener closed(false);
  config_.smtp_url = closed.url();
  config_.max_attempts = 3;
  config_.retry_base_ms = 1000;
  const std::string id = enqueue(verification());
  auto m = mailer();

  ASSERT_TRUE(m->deliver_due_now().ok());
  StoredMail mail = stored(id);
  EXPECT_EQ(mail.status, "queued");
  EXPECT_EQ(mail.attempts, 1);
  EXPECT_EQ(mail.next_attempt_at, clock_.now_ms() + 1000);
  EXPECT_THAT(mail.last_error, HasSubstr("SMTP delivery failed"));
  EXPECT_GT(mail.body_bytes, 0u);

  // Not due yet: nothing is tried.
  clock_.advance(std::chrono::milliseconds(999));
  ASSERT_TRUE(m->deliver_due_now().ok());
  EXPECT_EQ(stored(id).attempts, 1);

  clock_.advance(std::chrono::milliseconds(1));
  ASSERT_TRUE(m->deliver_due_now().ok());
  mail = stored(id);
  EXPECT_EQ(mail.status, "queued");
  EXPECT_EQ(mail.attempts, 2);
  EXPECT_EQ(mail.next_attempt_at, clock_.now_ms() + 2000);

  clock_.advance(std::chrono::milliseconds(2000));
  ASSERT_TRUE(m->deliver_due_now().ok());
  mail = stored(id);
  EXPECT_EQ(mail.status, "failed");
  EXPECT_EQ(mail.attempts, 3);
  EXPECT_FALSE(mail.sent_at);
  EXPECT_EQ(mail.body_bytes, 0u) << "a failed mail keeps no body either";

  // Failed is final.
  clock_.advance(std::chrono::hours(2));
  ASSERT_TRUE(m->deliver_due_now().ok());
  EXPECT_EQ(stored(id).attempts, 3);

  const std::string log = log_text();
  EXPECT_THAT(log, HasSubstr("mail.retry"));
  EXPECT_THAT(log, HasSubstr("mail.failed"));
  EXPECT_THAT(log, HasSubstr(id));
  expect_no_personal_data_in_log();
}

TEST_P(MailerTest, WritesPrivateEmlFilesWithoutSmtp) {
  const std::string id = enqueue(verification("Réinitialisez votre mot de passe"));
  ASSERT_TRUE(mailer()->deliver_due_now().ok());

  const auto path = eml_path(files_.path(), clock_.now_ms(), id);
  EXPECT_EQ(path, files_.path() / "mail" / (std::to_string(clock_.now_ms()) + "-" + id + ".eml"));
  struct stat file {};
  ASSERT_EQ(::stat(path.c_str(), &file), 0) << path;
  EXPECT_EQ(file.st_mode & 0777, 0600u);
  struct stat dir {};
  ASSERT_EQ(::stat(path.parent_path().c_str(), &dir), 0);
  EXPECT_EQ(dir.st_mode & 0777, 0700u);

  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  const std::string eml = text.str();
  EXPECT_THAT(eml, HasSubstr("Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"));
  EXPECT_THAT(eml, HasSubstr("From: =?UTF-8?B?"));
  EXPECT_THAT(eml, HasSubstr("<no-reply@parley.example>\r\n"));
  EXPECT_THAT(eml, HasSubstr("To: ada@example.com\r\n"));
  EXPECT_THAT(eml, HasSubstr("Subject: =?UTF-8?B?"));
  EXPECT_THAT(eml, HasSubstr("Message-ID: <" + id + "@parley.example>\r\n"));
  EXPECT_THAT(eml, HasSubstr("MIME-Version: 1.0\r\n"));
  EXPECT_THAT(eml, HasSubstr("Content-Type: text/plain; charset=utf-8\r\n"));
  EXPECT_THAT(eml, HasSubstr("Content-Transfer-Encoding: 7bit\r\n"));
  // The link reads as is: a developer copies it from the file.
  EXPECT_THAT(eml, HasSubstr("\r\n\r\nHello,\r\n\r\nOpen " + std::string(kSecretLink)));
  EXPECT_EQ(stored(id).status, "sent");

  // Accented text stays readable in a file too (8bit), and so does the link.
  OutgoingMail accented = verification();
  accented.body = "Bonjour Étienne,\nVotre lien : " + std::string(kSecretLink) + "\n";
  const std::string second = enqueue(accented);
  ASSERT_TRUE(mailer()->deliver_due_now().ok());
  std::ifstream second_in(eml_path(files_.path(), clock_.now_ms(), second), std::ios::binary);
  std::stringstream second_text;
  second_text << second_in.rdbuf();
  EXPECT_THAT(second_text.str(), HasSubstr("Content-Transfer-Encoding: 8bit\r\n"));
  EXPECT_THAT(second_text.str(),
              HasSubstr("Bonjour Étienne,\r\nVotre lien : " + std::string(kSecretLink)));

  expect_no_personal_data_in_log();
}

TEST_P(MailerTest, PurgesFinishedMailsAndTheirFilesAfterThirtyDays) {
  const std::string id = enqueue(verification());
  auto m = mailer();
  ASSERT_TRUE(m->deliver_due_now().ok());
  const auto path = eml_path(files_.path(), clock_.now_ms(), id);
  ASSERT_TRUE(std::filesystem::exists(path));

  clock_.advance(std::chrono::hours(24 * 30) - std::chrono::milliseconds(1));
  const std::string fresh = enqueue(verification());
  ASSERT_TRUE(m->deliver_due_now().ok());
  EXPECT_EQ(outbox_rows(), 2);

  clock_.advance(std::chrono::milliseconds(2));
  ASSERT_TRUE(m->deliver_due_now().ok());
  EXPECT_EQ(outbox_rows(), 1);
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(stored(fresh).status, "sent");
}

TEST_P(MailerTest, AMailWhoseOwnerWasErasedFailsAtOnce) {
  const std::string id = enqueue(verification());
  ASSERT_TRUE(keyring_->destroy_key("usr_ada").ok());
  ASSERT_TRUE(mailer()->deliver_due_now().ok());
  const StoredMail mail = stored(id);
  EXPECT_EQ(mail.status, "failed");
  EXPECT_EQ(mail.attempts, 1);
  EXPECT_THAT(mail.last_error, HasSubstr("key is gone"));
  EXPECT_FALSE(std::filesystem::exists(files_.path() / "mail"));
}

TEST_P(MailerTest, EnqueueCommitsAndRollsBackWithTheCallersWrite) {
  auto failed = store_->db().write([&](Tx& tx) -> Status {
    auto queued = enqueue_mail(tx, verification(), *keyring_, clock_);
    EXPECT_TRUE(queued.ok());
    return make_error(ErrorCode::conflict, "the signup failed");
  });
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(outbox_rows(), 0);
  ASSERT_TRUE(mailer()->deliver_due_now().ok());
  EXPECT_FALSE(std::filesystem::exists(files_.path() / "mail"));

  enqueue(verification());
  EXPECT_EQ(outbox_rows(), 1);
}

TEST_P(MailerTest, TwoSendersDeliverEachMailOnce) {
  SmtpSink sink;
  ASSERT_TRUE(sink.started());
  config_.smtp_url = sink.url();
  for (int i = 0; i < 6; ++i) enqueue(verification());
  auto a = mailer();
  auto b = mailer();
  Status from_a = ok_status(), from_b = ok_status();
  std::thread first([&] { from_a = a->deliver_due_now(); });
  std::thread second([&] { from_b = b->deliver_due_now(); });
  first.join();
  second.join();
  EXPECT_TRUE(from_a.ok() && from_b.ok());
  ASSERT_TRUE(sink.wait_for_messages(6, std::chrono::seconds(10)));
  EXPECT_FALSE(sink.wait_for_messages(7, std::chrono::milliseconds(200)));
  EXPECT_EQ(sink.messages().size(), 6u);
}

TEST_P(MailerTest, BackgroundThreadDeliversWhenNotified) {
  SmtpSink sink;
  ASSERT_TRUE(sink.started());
  config_.smtp_url = sink.url();
  auto m = mailer();
  m->start();
  const std::string id = enqueue(verification());
  m->notify();
  ASSERT_TRUE(sink.wait_for_messages(1, std::chrono::seconds(20)));
  // The row is marked right after the server's 250; stop() lets that pass finish.
  for (int i = 0; i < 500 && stored(id).status != "sent"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  m->stop();
  EXPECT_EQ(stored(id).status, "sent");
}

TEST_P(MailerTest, AServerThatNeverAnswersBlocksNeitherTheCallerNorShutdown) {
  Listener silent(true);  // accepts at the TCP level, never says a word
  config_.smtp_url = silent.url();
  config_.timeout_ms = 60000;
  auto m = mailer();
  m->start();

  const auto before = std::chrono::steady_clock::now();
  const std::string id = enqueue(verification());
  m->notify();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(5));

  ASSERT_TRUE(silent.wait_for_connection(std::chrono::seconds(20)))
      << "the mailer thread never tried to deliver";
  const auto stopping = std::chrono::steady_clock::now();
  m->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, std::chrono::seconds(10))
      << "stop() must cancel a delivery in progress";
  const StoredMail mail = stored(id);
  EXPECT_EQ(mail.status, "queued");
  EXPECT_EQ(mail.attempts, 0) << "a delivery cancelled at shutdown is not a failed attempt";
  EXPECT_EQ(mail.next_attempt_at, clock_.now_ms()) << "and the mail is due again";
}

INSTANTIATE_TEST_SUITE_P(Backends, MailerTest, ::testing::Values("sqlite", "postgres"),
                         store_testing::backend_name);

}  // namespace
}  // namespace parley
