// The mail outbox's SQL on both backends: sealing, claims, backoff, listing, purging.
#include "store/outbox_repo.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/ids.h"
#include "store/test_databases.h"

namespace parley {
namespace {

using store_testing::BackendTest;
using store_testing::TempDir;

class OutboxRepo : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    store_ = open_store();
    auto keyring = Keyring::open(keys_.path() / "keyring", std::vector<uint8_t>(32, 9));
    ASSERT_TRUE(keyring.ok()) << keyring.error().message;
    keyring_ = std::move(*keyring);
  }
  void TearDown() override {
    store_.reset();
    BackendTest::TearDown();
  }

  OutgoingMail mail(std::string to = "grace@example.com") {
    return {"usr_grace", std::move(to), "Reset your password", "token=r3s3t", "reset_password"};
  }

  Result<std::string> enqueue(const OutgoingMail& m) {
    Result<std::string> id = make_error(ErrorCode::internal, "not run");
    auto status = store_->db().write([&](Tx& tx) -> Status {
      id = enqueue_mail(tx, m, *keyring_, clock_);
      if (!id) return id.error();
      return ok_status();
    });
    if (!status) return status.error();
    return id;
  }

  std::vector<DueMail> claim(int limit = 10, int64_t lease_ms = 60000) {
    std::vector<DueMail> due;
    auto status = store_->db().write([&](Tx& tx) -> Status {
      auto claimed = claim_due_mails(tx, *keyring_, clock_, limit, lease_ms);
      if (!claimed) return claimed.error();
      due = std::move(*claimed);
      return ok_status();
    });
    EXPECT_TRUE(status.ok()) << status.error().message;
    return due;
  }

  std::vector<MailListing> list() {
    std::vector<MailListing> out;
    auto status = store_->db().read([&](Tx& tx) -> Status {
      auto rows = list_mails(tx, *keyring_);
      if (!rows) return rows.error();
      out = std::move(*rows);
      return ok_status();
    });
    EXPECT_TRUE(status.ok()) << status.error().message;
    return out;
  }

  TempDir keys_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Keyring> keyring_;
};

TEST_P(OutboxRepo, StoresEveryPersonalFieldSealed) {
  auto id = enqueue(mail());
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_TRUE(is_valid_id(*id, "mail")) << *id;
  auto status = store_->db().read([&](Tx& tx) -> Status {
    auto rows = tx.query("SELECT to_sealed, subject_sealed, body_sealed FROM mail_outbox");
    if (!rows) return rows.error();
    EXPECT_EQ(rows->size(), 1u);
    for (size_t c = 0; c < 3; ++c) {
      const Bytes& sealed = rows->front().bytes(c);
      const std::string raw(sealed.begin(), sealed.end());
      for (const char* clear : {"grace", "Reset", "r3s3t"}) {
        EXPECT_EQ(raw.find(clear), std::string::npos) << "column " << c << " holds " << clear;
      }
    }
    return ok_status();
  });
  EXPECT_TRUE(status.ok()) << status.error().message;
  const auto listed = list();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].to, "grace@example.com");
  EXPECT_EQ(listed[0].subject, "Reset your password");
  EXPECT_EQ(listed[0].status, "queued");
  EXPECT_EQ(listed[0].kind, "reset_password");
  EXPECT_EQ(listed[0].created_at, clock_.now_ms());
}

TEST_P(OutboxRepo, RefusesAMailThatCouldInjectHeaders) {
  OutgoingMail bad = mail();
  bad.subject = "Hi\r\nBcc: everyone@example.com";
  EXPECT_EQ(enqueue(bad).error().code, ErrorCode::invalid_argument);
  EXPECT_FALSE(enqueue(mail("a@example.com\nb@example.com")).ok());
  EXPECT_FALSE(enqueue(mail("")).ok());
  bad = mail();
  bad.kind = "Verify Email";
  EXPECT_FALSE(enqueue(bad).ok());
  bad = mail();
  bad.owner_id = "";
  EXPECT_FALSE(enqueue(bad).ok());
  EXPECT_EQ(count(*store_, "mail_outbox"), 0);
}

TEST_P(OutboxRepo, AClaimHidesTheMailUntilItsLeaseEnds) {
  ASSERT_TRUE(enqueue(mail()).ok());
  clock_.advance(std::chrono::milliseconds(1));
  ASSERT_TRUE(enqueue(mail("second@example.com")).ok());
  auto first = claim(1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].to, "grace@example.com");
  EXPECT_EQ(first[0].body, "token=r3s3t");
  EXPECT_TRUE(first[0].readable);
  auto second = claim();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].to, "second@example.com");
  EXPECT_TRUE(claim().empty());
  clock_.advance(std::chrono::milliseconds(60000));
  EXPECT_EQ(claim().size(), 2u) << "a sender that died leaves its mails due again";
}

TEST_P(OutboxRepo, RetriesBackOffAndSentMailsLoseTheirBody) {
  auto id = enqueue(mail());
  ASSERT_TRUE(id.ok());
  const MailRetryPolicy policy{3, 500};
  std::vector<MailRetryOutcome> outcomes;
  for (int i = 0; i < 3; ++i) {
    auto status = store_->db().write([&](Tx& tx) -> Status {
      auto outcome = mark_mail_retry(tx, *id, "connection refused", clock_, policy);
      if (!outcome) return outcome.error();
      outcomes.push_back(*outcome);
      return ok_status();
    });
    ASSERT_TRUE(status.ok()) << status.error().message;
  }
  EXPECT_EQ(outcomes[0].status, "queued");
  EXPECT_EQ(outcomes[0].next_attempt_at, clock_.now_ms() + 500);
  EXPECT_EQ(outcomes[1].next_attempt_at, clock_.now_ms() + 1000);
  EXPECT_EQ(outcomes[2].status, "failed");
  EXPECT_EQ(outcomes[2].attempts, 3);
  EXPECT_EQ(list()[0].last_error, "connection refused");

  auto sent = enqueue(mail());
  ASSERT_TRUE(sent.ok());
  auto marked = store_->db().write([&](Tx& tx) { return mark_mail_sent(tx, *sent, clock_); });
  ASSERT_TRUE(marked.ok()) << marked.error().message;
  auto again = store_->db().write([&](Tx& tx) { return mark_mail_sent(tx, *sent, clock_); });
  EXPECT_EQ(again.error().code, ErrorCode::not_found) << "only a queued mail can be sent";
  auto status = store_->db().read([&](Tx& tx) -> Status {
    auto rows = tx.query("SELECT length(body_sealed), status FROM mail_outbox ORDER BY id");
    if (!rows) return rows.error();
    for (const Row& row : *rows) {
      EXPECT_EQ(row.integer(0), 0) << row.text(1) << " mails keep no body";
    }
    return ok_status();
  });
  EXPECT_TRUE(status.ok()) << status.error().message;
}

TEST_P(OutboxRepo, PurgesOnlyFinishedMails) {
  auto queued = enqueue(mail());
  auto sent = enqueue(mail());
  ASSERT_TRUE(queued.ok() && sent.ok());
  ASSERT_TRUE(store_->db().write([&](Tx& tx) { return mark_mail_sent(tx, *sent, clock_); }).ok());
  std::vector<PurgedMail> purged;
  auto status = store_->db().write([&](Tx& tx) -> Status {
    auto rows = purge_finished_mails(tx, clock_.now_ms() + 1);
    if (!rows) return rows.error();
    purged = std::move(*rows);
    return ok_status();
  });
  ASSERT_TRUE(status.ok()) << status.error().message;
  ASSERT_EQ(purged.size(), 1u);
  EXPECT_EQ(purged[0].id, *sent);
  ASSERT_EQ(list().size(), 1u);
  EXPECT_EQ(list()[0].id, *queued);
}

TEST(OutboxBackoff, DoublesFromTheBaseUpToTheCap) {
  const MailRetryPolicy policy{8, 30000, 3600000};
  EXPECT_EQ(mail_retry_delay_ms(1, policy), 30000);
  EXPECT_EQ(mail_retry_delay_ms(2, policy), 60000);
  EXPECT_EQ(mail_retry_delay_ms(3, policy), 120000);
  EXPECT_EQ(mail_retry_delay_ms(7, policy), 1920000);
  EXPECT_EQ(mail_retry_delay_ms(8, policy), 3600000);
  EXPECT_EQ(mail_retry_delay_ms(1000, policy), 3600000);
  EXPECT_EQ(mail_retry_delay_ms(3, {8, 7200000, 3600000}), 7200000) << "a base above the cap";
}

INSTANTIATE_TEST_SUITE_P(Backends, OutboxRepo, ::testing::Values("sqlite", "postgres"),
                         store_testing::backend_name);

}  // namespace
}  // namespace parley
