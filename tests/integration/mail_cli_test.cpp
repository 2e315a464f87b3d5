// The mail outbox through the real binary: `parley mail list`, the server delivering a
// queued mail as an .eml file, and the mail.* configuration keys.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "core/base64.h"
#include "core/clock.h"
#include "core/keyring.h"
#include "store/outbox_repo.h"
#include "store/store.h"
#include "tests/support/parley_process.h"

namespace parley {
namespace {

using testing::make_temp_dir;
using testing::ParleyServer;
using testing::run_command;

const std::string kBinary = PARLEY_BINARY;

using testing::contains;

class MailCli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir("mail"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path data() const { return dir_ / "data"; }

  // Queues a mail the way a service does, through the library, with the server stopped.
  std::string queue_mail() {
    auto master = base64_decode(testing::test_master_key());
    EXPECT_TRUE(master.ok());
    std::filesystem::create_directories(data());
    auto keyring = Keyring::open(data() / "keyring", *master);
    EXPECT_TRUE(keyring.ok()) << keyring.error().message;
    SystemClock clock;
    auto store = Store::open({.data_dir = data(), .database_url = "", .pg_pool_size = 1}, clock);
    EXPECT_TRUE(store.ok()) << store.error().message;
    std::string id;
    auto status = (*store)->db().write([&](Tx& tx) -> Status {
      auto queued = enqueue_mail(tx,
                                 {"usr_ada", "ada@example.com", "Verify your email",
                                  "Open https://parley.example/v?token=abc", "verify_email"},
                                 **keyring, clock);
      if (!queued) return queued.error();
      id = *queued;
      return ok_status();
    });
    EXPECT_TRUE(status.ok()) << status.error().message;
    return id;
  }

  std::filesystem::path dir_;
};

TEST_F(MailCli, ListShowsAQueuedMailWithItsRecipientAndSubject) {
  const std::string id = queue_mail();
  ASSERT_FALSE(id.empty());
  auto listed =
      run_command({kBinary, "mail", "list", "--data", data().string()}, testing::master_key_env());
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_TRUE(contains(listed.output, id)) << listed.output;
  EXPECT_TRUE(contains(listed.output, "verify_email")) << listed.output;
  EXPECT_TRUE(contains(listed.output, "queued")) << listed.output;
  EXPECT_TRUE(contains(listed.output, "attempts=0")) << listed.output;
  EXPECT_TRUE(contains(listed.output, "to=ada@example.com")) << listed.output;
  EXPECT_TRUE(contains(listed.output, "subject=\"Verify your email\"")) << listed.output;
  EXPECT_FALSE(contains(listed.output, "token=abc")) << "the list never shows a body";
  EXPECT_FALSE(contains(listed.output, "file=")) << listed.output;
}

TEST_F(MailCli, ListOnAnEmptyOutboxSaysSo) {
  auto listed =
      run_command({kBinary, "mail", "list", "--data", data().string()}, testing::master_key_env());
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_TRUE(contains(listed.output, "The outbox is empty.")) << listed.output;
}

TEST_F(MailCli, TheServerWritesQueuedMailAsEmlAndListShowsTheFile) {
  const std::string id = queue_mail();
  ParleyServer server(data(), {}, testing::master_key_env());
  ASSERT_TRUE(server.started()) << server.output_so_far();
  // The mailer starts with the server and delivers what is due at once.
  std::filesystem::path eml;
  for (int i = 0; i < 400 && eml.empty(); ++i) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(data() / "mail", ec)) {
      if (entry.path().extension() == ".eml") eml = entry.path();
    }
    if (eml.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_FALSE(eml.empty()) << server.output_so_far();
  EXPECT_TRUE(contains(eml.filename().string(), "-" + id + ".eml")) << eml;

  // Beside the running server the list either works or, when the server holds the keyring,
  // says where to look instead.
  auto beside =
      run_command({kBinary, "mail", "list", "--data", data().string()}, testing::master_key_env());
  if (beside.exit_code == 0) {
    EXPECT_TRUE(contains(beside.output, id)) << beside.output;
  } else {
    EXPECT_TRUE(contains(beside.output, ".eml files in " + (data() / "mail").string()))
        << beside.output;
  }

  server.signal(SIGTERM);
  auto stopped = server.wait();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.output;
  EXPECT_TRUE(contains(stopped.output, id)) << "the log names the mail by id";
  EXPECT_FALSE(contains(stopped.output, "ada@example.com")) << "and never by address";

  auto listed =
      run_command({kBinary, "mail", "list", "--data", data().string()}, testing::master_key_env());
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_TRUE(contains(listed.output, "sent")) << listed.output;
  EXPECT_TRUE(contains(listed.output, "attempts=1")) << listed.output;
  EXPECT_TRUE(contains(listed.output, "file=" + eml.string())) << listed.output;
}

TEST_F(MailCli, ConfigCheckMasksTheSmtpPasswordAndRefusesBadMailSettings) {
  auto ok = run_command({kBinary, "config", "check"},
                        {{"PARLEY_MAIL_SMTP_URL", "smtps://mail.example:465"},
                         {"PARLEY_MAIL_SMTP_PASSWORD", "hunter2-secret"}});
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_TRUE(contains(ok.output, "mail.smtp_url = smtps://mail.example:465")) << ok.output;
  EXPECT_TRUE(contains(ok.output, "mail.smtp_password = ****")) << ok.output;
  EXPECT_FALSE(contains(ok.output, "hunter2-secret"));
  EXPECT_TRUE(contains(ok.output, "mail.from = Parley <no-reply@localhost>")) << ok.output;
  EXPECT_TRUE(contains(ok.output, "mail.max_attempts = 8")) << ok.output;
  EXPECT_TRUE(contains(ok.output, "mail.retry_base_ms = 30000")) << ok.output;
  EXPECT_TRUE(contains(ok.output, "mail.timeout_ms = 15000")) << ok.output;

  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"PARLEY_MAIL_SMTP_URL", "http://mail.example"},
           {"PARLEY_MAIL_SMTP_URL", "smtp://user:pw@mail.example"},
           {"PARLEY_MAIL_FROM", "not an address"},
           {"PARLEY_MAIL_FROM", "A <a@b.c>\nBcc: x@y.z"},
           {"PARLEY_MAIL_MAX_ATTEMPTS", "0"}}) {
    auto bad = run_command({kBinary, "config", "check"}, {{key, value}});
    EXPECT_NE(bad.exit_code, 0) << key << "=" << value;
    EXPECT_TRUE(contains(bad.output, "mail.")) << bad.output;
    EXPECT_FALSE(contains(bad.output, "pw@")) << "a rejected URL is not echoed";
  }
}

}  // namespace
}  // namespace parley
