// The account service against a real SQLite store and a real keyring, with time moved by a
// ManualClock: session idle and absolute expiry, token expiry, the growing login lockout,
// the age gate, and how passwords and addresses are kept.
#include "accounts/account_service.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "accounts/secrets.h"
#include "store/outbox_repo.h"
#include "store/users_repo.h"
#include "tests/support/parley_process.h"

namespace parley {
namespace {

using namespace std::chrono_literals;
constexpr std::string_view kPassword = "correct horse battery staple";
constexpr std::string_view kWrongPassword = "not the right password";

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class AccountServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir("accounts");
    auto keyring = Keyring::open(dir_ / "keyring", std::vector<uint8_t>(32, 1));
    ASSERT_TRUE(keyring.ok()) << keyring.error().message;
    keyring_ = std::move(keyring).value();
    auto store = Store::open({dir_, "", 1}, clock_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store).value();
    config_.argon2_ops = 1;
    config_.argon2_mem_kib = 8;
    accounts_ = std::make_unique<AccountService>(
        AccountsContext{*store_, *keyring_, clock_, config_, [this] { ++mails_queued_; }});
  }

  void TearDown() override {
    accounts_.reset();
    store_.reset();
    keyring_.reset();
    std::filesystem::remove_all(dir_);
  }

  Status signup(const std::string& email, std::optional<std::string> birth_date = std::nullopt) {
    SignupInput input;
    input.email = email;
    input.password = kPassword;
    input.birth_date = birth_date;
    if (!birth_date) input.age_confirmed_16_or_over = true;
    input.ip = "203.0.113.7";
    return accounts_->signup(input);
  }

  // A verified account, as `parley admin bootstrap` makes one.
  std::string owner(const std::string& email) {
    auto made = accounts_->create_verified_owner(email, kPassword, "Acme", false);
    EXPECT_TRUE(made.ok()) << made.error().message;
    return made.ok() ? made->user_id : "";
  }

  Result<SignedIn> login(const std::string& email, std::string_view password,
                         const std::string& ip = "198.51.100.1") {
    return accounts_->login(email, password, ip);
  }

  // The token in the newest mail of `kind` to `to` (the outbox, as the mailer reads it).
  // Moves every queued mail into inbox_.
  void collect_mail() {
    Status claimed = store_->db().write([&](Tx& tx) -> Status {
      auto mails = claim_due_mails(tx, *keyring_, clock_, 1000, 3600 * 1000);
      if (!mails) return mails.error();
      inbox_.insert(inbox_.end(), mails->begin(), mails->end());
      return ok_status();
    });
    EXPECT_TRUE(claimed.ok());
  }

  std::string mailed_token(const std::string& to, const std::string& kind) {
    collect_mail();
    std::string token;
    for (const auto& mail : inbox_) {
      if (mail.to != to || mail.kind != kind) continue;
      auto at = mail.body.find("token=");
      if (at != std::string::npos) token = mail.body.substr(at + 6, 43);
    }
    EXPECT_FALSE(token.empty()) << "no " << kind << " mail to " << to;
    return token;
  }

  std::optional<UserRow> user_by_email(const std::string& normalized) {
    auto hash = accounts_->email_hash(normalized);
    EXPECT_TRUE(hash.ok());
    std::optional<UserRow> user;
    Status read = store_->db().read([&](Tx& tx) -> Status {
      auto found = find_user_by_email_hash(tx, *hash);
      if (!found) return found.error();
      user = std::move(*found);
      return ok_status();
    });
    EXPECT_TRUE(read.ok());
    return user;
  }

  int64_t users() {
    int64_t count = 0;
    Status read = store_->db().read([&](Tx& tx) -> Status {
      auto rows = tx.query("SELECT count(*) FROM users", {});
      if (!rows) return rows.error();
      count = rows->front().integer(0);
      return ok_status();
    });
    EXPECT_TRUE(read.ok());
    return count;
  }

  std::filesystem::path dir_;
  ManualClock clock_;
  AuthConfig config_;
  std::unique_ptr<Keyring> keyring_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AccountService> accounts_;
  int mails_queued_ = 0;
  std::vector<DueMail> inbox_;
};

template <typename T>
void expect_code(const T& result, ErrorCode code, std::string_view message_part = {}) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, code) << result.error().message;
  EXPECT_NE(result.error().message.find(message_part), std::string::npos) << result.error().message;
}

TEST_F(AccountServiceTest, SessionEndsAfterThirtyIdleMinutes) {
  owner("ada@example.com");
  auto signed_in = login("ada@example.com", kPassword);
  ASSERT_TRUE(signed_in.ok()) << signed_in.error().message;
  // Activity keeps it alive...
  for (int i = 0; i < 3; ++i) {
    clock_.advance(29min);
    EXPECT_TRUE(accounts_->authenticate(signed_in->token).ok()) << i;
  }
  // ...until nothing happens for more than 30 minutes.
  clock_.advance(31min);
  expect_code(accounts_->authenticate(signed_in->token), ErrorCode::unauthenticated,
              "sign in again");
  auto listed = accounts_->list_sessions(signed_in->user.id);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty()) << "an idle session is not listed as live";
  // Activity after the end does not revive it.
  EXPECT_FALSE(accounts_->authenticate(signed_in->token).ok());
}

TEST_F(AccountServiceTest, SessionEndsTwelveHoursAfterLoginHoweverActive) {
  owner("ada@example.com");
  auto signed_in = login("ada@example.com", kPassword);
  ASSERT_TRUE(signed_in.ok());
  // Every 20 minutes for 11 h 40 min: still signed in.
  for (int i = 1; i < 36; ++i) {
    clock_.advance(20min);
    ASSERT_TRUE(accounts_->authenticate(signed_in->token).ok()) << "after " << i * 20 << " min";
  }
  clock_.advance(20min);  // 12 h
  expect_code(accounts_->authenticate(signed_in->token), ErrorCode::unauthenticated);
}

TEST_F(AccountServiceTest, SessionEndsAtLogoutAndAfterAPasswordReset) {
  owner("ada@example.com");
  auto first = login("ada@example.com", kPassword);
  auto second = login("ada@example.com", kPassword);
  ASSERT_TRUE(first.ok() && second.ok());
  auto active = accounts_->authenticate(first->token);
  ASSERT_TRUE(active.ok());
  ASSERT_TRUE(accounts_->logout(*active, "").ok());
  EXPECT_FALSE(accounts_->authenticate(first->token).ok());
  EXPECT_TRUE(accounts_->authenticate(second->token).ok());

  ASSERT_TRUE(accounts_->request_password_reset("ada@example.com", "").ok());
  ASSERT_TRUE(accounts_
                  ->reset_password(mailed_token("ada@example.com", "reset_password"),
                                   "a brand new passphrase", "")
                  .ok());
  EXPECT_FALSE(accounts_->authenticate(second->token).ok()) << "signed out everywhere";
}

TEST_F(AccountServiceTest, EveryLoginGetsANewToken) {
  owner("ada@example.com");
  auto first = login("ada@example.com", kPassword);
  auto second = login("ada@example.com", kPassword);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->token.size(), 43u) << "256 bits, URL-safe base64";
  EXPECT_NE(first->token, second->token);
  EXPECT_NE(first->session.id, second->session.id);
  EXPECT_NE(first->csrf_token, second->csrf_token);
  EXPECT_EQ(first->session.token_hash, secret_hash(first->token)) << "stored hashed";
  EXPECT_NE(first->session.token_hash, first->token);
  EXPECT_TRUE(accounts_->authenticate(first->token).ok());
  EXPECT_TRUE(accounts_->authenticate(second->token).ok());
  auto listed = accounts_->list_sessions(first->user.id);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 2u);
}

TEST_F(AccountServiceTest, VerificationLinkExpiresAfterFortyEightHours) {
  ASSERT_TRUE(signup("late@example.com").ok());
  ASSERT_TRUE(signup("early@example.com").ok());
  const std::string late = mailed_token("late@example.com", "verify_email");
  const std::string early = mailed_token("early@example.com", "verify_email");

  clock_.advance(48h - 1s);
  EXPECT_TRUE(accounts_->verify_email(early).ok());
  clock_.advance(1s);
  expect_code(accounts_->verify_email(late), ErrorCode::invalid_argument, "expired");
  expect_code(login("late@example.com", kPassword), ErrorCode::forbidden, "confirm your email");
  EXPECT_TRUE(login("early@example.com", kPassword).ok());
}

TEST_F(AccountServiceTest, ResetLinkExpiresAfterThirtyMinutesAndWorksOnce) {
  owner("ada@example.com");
  ASSERT_TRUE(accounts_->request_password_reset("ada@example.com", "").ok());
  const std::string stale = mailed_token("ada@example.com", "reset_password");
  clock_.advance(30min);
  expect_code(accounts_->reset_password(stale, "a brand new passphrase", ""),
              ErrorCode::invalid_argument, "expired");
  EXPECT_TRUE(login("ada@example.com", kPassword).ok()) << "the password stayed";

  ASSERT_TRUE(accounts_->request_password_reset("ada@example.com", "").ok());
  const std::string fresh = mailed_token("ada@example.com", "reset_password");
  ASSERT_NE(fresh, stale);
  clock_.advance(29min);
  ASSERT_TRUE(accounts_->reset_password(fresh, "a brand new passphrase", "").ok());
  expect_code(accounts_->reset_password(fresh, "yet another passphrase", ""),
              ErrorCode::invalid_argument);
  EXPECT_TRUE(login("ada@example.com", "a brand new passphrase").ok());
  EXPECT_FALSE(login("ada@example.com", kPassword).ok());
}

TEST_F(AccountServiceTest, ANewerResetLinkReplacesTheOlder) {
  owner("ada@example.com");
  ASSERT_TRUE(accounts_->request_password_reset("ada@example.com", "").ok());
  const std::string older = mailed_token("ada@example.com", "reset_password");
  ASSERT_TRUE(accounts_->request_password_reset("ada@example.com", "").ok());
  const std::string newer = mailed_token("ada@example.com", "reset_password");
  expect_code(accounts_->reset_password(older, "a brand new passphrase", ""),
              ErrorCode::invalid_argument);
  EXPECT_TRUE(accounts_->reset_password(newer, "a brand new passphrase", "").ok());
}

TEST_F(AccountServiceTest, LockoutGrowsWithRepeatedFailuresAndEndsWithTime) {
  owner("ada@example.com");
  // Each guess from another address, so that the account's own lock is what shows.
  int ip = 1;
  auto from_next_ip = [&](std::string_view password) {
    return login("ada@example.com", password, "198.51.100." + std::to_string(ip++));
  };
  for (int i = 0; i < config_.lockout_after_failures; ++i) {
    expect_code(from_next_ip(kWrongPassword), ErrorCode::unauthenticated);
  }
  // First lockout: the base, 60 s. The right password does not get through.
  expect_code(from_next_ip(kPassword), ErrorCode::rate_limited, "60 seconds");
  clock_.advance(59s);
  expect_code(from_next_ip(kPassword), ErrorCode::rate_limited);
  clock_.advance(1s);
  // It has ended; one more wrong guess locks again, for twice as long.
  expect_code(from_next_ip(kWrongPassword), ErrorCode::unauthenticated);
  expect_code(from_next_ip(kPassword), ErrorCode::rate_limited, "120 seconds");
  clock_.advance(60s);  // the first lockout's length: the second one outlasts it
  expect_code(from_next_ip(kPassword), ErrorCode::rate_limited);
  clock_.advance(60s);
  auto signed_in = from_next_ip(kPassword);
  ASSERT_TRUE(signed_in.ok()) << signed_in.error().message;

  // A success starts the count again: the next failure does not lock.
  expect_code(from_next_ip(kWrongPassword), ErrorCode::unauthenticated);
  EXPECT_TRUE(from_next_ip(kPassword).ok());
}

TEST_F(AccountServiceTest, LockoutNeverGrowsPastTheCap) {
  config_.lockout_max_seconds = 300;
  owner("ada@example.com");
  int ip = 1;
  auto from_next_ip = [&](std::string_view password) {
    return login("ada@example.com", password, "198.51.100." + std::to_string(ip++));
  };
  for (int round = 0; round < config_.lockout_after_failures + 6; ++round) {
    expect_code(from_next_ip(kWrongPassword), ErrorCode::unauthenticated);
    clock_.advance(std::chrono::seconds(config_.lockout_max_seconds));
  }
  EXPECT_TRUE(from_next_ip(kPassword).ok()) << "never locked longer than lockout_max_seconds";
}

TEST_F(AccountServiceTest, UnknownAddressesLockLikeAccountsAndOneAddressLocksItsGuesser) {
  owner("ada@example.com");
  for (int i = 0; i < config_.lockout_after_failures; ++i) {
    auto failed = login("ghost@example.com", kPassword, "192.0.2." + std::to_string(i));
    expect_code(failed, ErrorCode::unauthenticated, "the email or the password is wrong");
  }
  expect_code(login("ghost@example.com", kPassword, "192.0.2.99"), ErrorCode::rate_limited);

  // One address guessing at many accounts is locked out, for Ada's too; Ada elsewhere is not.
  for (int i = 0; i < config_.lockout_after_failures; ++i) {
    expect_code(login("guess" + std::to_string(i) + "@example.com", kPassword, "203.0.113.66"),
                ErrorCode::unauthenticated);
  }
  expect_code(login("ada@example.com", kPassword, "203.0.113.66"), ErrorCode::rate_limited);
  EXPECT_TRUE(login("ada@example.com", kPassword, "203.0.113.67").ok());
}

TEST_F(AccountServiceTest, UnknownEmailAndWrongPasswordGiveTheSameAnswer) {
  owner("ada@example.com");
  auto unknown = login("nobody@example.com", kPassword);
  auto wrong = login("ada@example.com", kWrongPassword);
  ASSERT_FALSE(unknown.ok());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(unknown.error().code, wrong.error().code);
  EXPECT_EQ(unknown.error().message, wrong.error().message);
  auto malformed = login("not an address", kPassword);
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().message, wrong.error().message);
}

TEST_F(AccountServiceTest, PasswordsAreArgon2idWithTheConfiguredParameters) {
  const std::string user_id = owner("ada@example.com");
  auto user = user_by_email("ada@example.com");
  ASSERT_TRUE(user);
  EXPECT_EQ(user->id, user_id);
  EXPECT_EQ(user->password_hash.rfind("$argon2id$", 0), 0u) << user->password_hash;
  EXPECT_NE(user->password_hash.find("$m=8,t=1,"), std::string::npos)
      << "auth.argon2_mem_kib and auth.argon2_ops: " << user->password_hash;
  EXPECT_EQ(user->password_hash.find(kPassword), std::string::npos);
  EXPECT_TRUE(verify_password(kPassword, user->password_hash));

  // The same password twice: two different salts.
  owner("bob@example.com");
  auto bob = user_by_email("bob@example.com");
  ASSERT_TRUE(bob);
  EXPECT_NE(bob->password_hash, user->password_hash);
}

TEST_F(AccountServiceTest, TheAddressIsSealedAndLookedUpByKeyedHash) {
  const std::string address = "grace.hopper@example.com";
  ASSERT_TRUE(signup("  Grace.Hopper@Example.COM ").ok());
  auto user = user_by_email(address);
  ASSERT_TRUE(user) << "found by the hash of the normalized address";
  auto opened = accounts_->email_of(*user);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, address);

  // Keyed: not a plain hash of the address, and another keyring gives another hash.
  EXPECT_EQ(user->email_hash.size(), 64u);
  EXPECT_NE(user->email_hash, secret_hash(address));
  EXPECT_EQ(std::string(user->email_sealed.begin(), user->email_sealed.end()).find(address),
            std::string::npos);
  auto other_keyring = Keyring::open(dir_ / "other-keyring", std::vector<uint8_t>(32, 2));
  ASSERT_TRUE(other_keyring.ok());
  AccountService other(AccountsContext{*store_, **other_keyring, clock_, config_});
  auto other_hash = other.email_hash(address);
  ASSERT_TRUE(other_hash.ok());
  EXPECT_NE(*other_hash, user->email_hash);

  // No copy of the address anywhere in the database file, after a checkpoint moves the WAL
  // in, nor in the WAL itself.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "parley.db").c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_FULL, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
  for (const auto* file : {"parley.db", "parley.db-wal"}) {
    const std::string bytes = lower(read_bytes(dir_ / file));
    EXPECT_EQ(bytes.find(address), std::string::npos) << file;
    EXPECT_EQ(bytes.find("grace.hopper"), std::string::npos) << file;
  }
  EXPECT_GT(read_bytes(dir_ / "parley.db").size(), 0u);
}

TEST_F(AccountServiceTest, UnderSixteenLeavesNoTrace) {
  const size_t keys_before = keyring_->key_count();
  const int64_t users_before = users();
  // The clock says 2023-11-14: born 2015 is 8, born 2007-11-15 is one day short of 16.
  for (const std::string birth_date : {"2015-06-01", "2007-11-15"}) {
    expect_code(signup("kid@example.com", birth_date), ErrorCode::forbidden, "under 16");
  }
  SignupInput declined;
  declined.email = "kid@example.com";
  declined.password = kPassword;
  declined.age_confirmed_16_or_over = false;
  expect_code(accounts_->signup(declined), ErrorCode::forbidden, "under 16");

  EXPECT_EQ(users(), users_before);
  EXPECT_EQ(keyring_->key_count(), keys_before);
  EXPECT_EQ(mails_queued_, 0);
  EXPECT_FALSE(user_by_email("kid@example.com"));

  EXPECT_TRUE(signup("teen@example.com", "2007-11-14").ok()) << "16 today";
  EXPECT_EQ(mails_queued_, 1);
  EXPECT_EQ(users(), users_before + 1);
}

TEST_F(AccountServiceTest, ARepeatedSignupMailsTheOwnerAndKeepsNothingElse) {
  ASSERT_TRUE(signup("ada@example.com").ok());
  ASSERT_TRUE(accounts_->verify_email(mailed_token("ada@example.com", "verify_email")).ok());
  EXPECT_EQ(mails_queued_, 1);
  const size_t keys_after_first = keyring_->key_count();
  const int64_t users_after_first = users();

  ASSERT_TRUE(signup("ada@example.com").ok()) << "the same answer as a first signup";
  EXPECT_EQ(mails_queued_, 2) << "the owner hears about it";
  EXPECT_EQ(users(), users_after_first);
  EXPECT_EQ(keyring_->key_count(), keys_after_first)
      << "no data keys left behind for an account that was never made";
  collect_mail();
  bool warned = std::any_of(inbox_.begin(), inbox_.end(), [](const DueMail& mail) {
    return mail.to == "ada@example.com" && mail.kind == "signup_repeated";
  });
  EXPECT_TRUE(warned);
}

TEST_F(AccountServiceTest, SigningUpAgainBeforeConfirmingSendsAFreshLink) {
  ASSERT_TRUE(signup("ada@example.com").ok());
  const std::string first_link = mailed_token("ada@example.com", "verify_email");
  clock_.advance(std::chrono::hours(49));  // the first link has expired
  ASSERT_TRUE(signup("ada@example.com").ok());
  EXPECT_EQ(users(), 1);
  const std::string second_link = mailed_token("ada@example.com", "verify_email");
  ASSERT_NE(second_link, first_link);
  EXPECT_FALSE(accounts_->verify_email(first_link).ok());
  EXPECT_TRUE(accounts_->verify_email(second_link).ok());
}

TEST_F(AccountServiceTest, AResetForAnUnknownAddressSendsNothing) {
  ASSERT_TRUE(accounts_->request_password_reset("nobody@example.com", "").ok());
  EXPECT_EQ(mails_queued_, 0);
  owner("ada@example.com");
  ASSERT_TRUE(accounts_->request_password_reset("ada@example.com", "").ok());
  EXPECT_EQ(mails_queued_, 1);
}

}  // namespace
}  // namespace parley
