// Accounts through the real binary on a real socket, as a browser and a script see them:
// signup with the age gate, email verification by the mailed token, login and the session
// cookie, CSRF, throttling, password reset and change, email change, sessions, API keys
// from `parley admin bootstrap`. Mail is read from the .eml files the server writes.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <boost/json.hpp>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/api_client.h"
#include "tests/support/mailbox.h"
#include "tests/support/parley_process.h"

namespace parley {
namespace {

using testing::ApiClient;
using testing::cookie_pair;
using testing::HttpResponse;
using testing::make_temp_dir;
using testing::ParleyServer;
using testing::read_mailbox;
using testing::run_command;
using testing::token_in;
using testing::wait_for_mail;
using testing::WebSession;

const std::string kBinary = PARLEY_BINARY;
const std::string kPassword = "correct horse battery staple";
const std::string kOtherPassword = "purple monkey dishwasher 42";
const std::string kVerifySubject = "Confirm your email address for Parley";
const std::string kRepeatSubject = "Someone tried to sign up with your address";
const std::string kResetSubject = "Reset your Parley password";
const std::string kChangeEmailSubject = "Confirm your new email address for Parley";

using testing::contains;

boost::json::value parse(const std::string& body) {
  boost::json::error_code ec;
  auto value = boost::json::parse(body, ec);
  return ec ? boost::json::value() : value;
}

std::string string_at(const std::string& body, std::initializer_list<std::string_view> path) {
  boost::json::value value = parse(body);
  const boost::json::value* at = &value;
  for (auto key : path) {
    if (!at->is_object() || !at->as_object().contains(key)) return {};
    at = &at->as_object().at(key);
  }
  return at->is_string() ? std::string(at->as_string()) : std::string();
}

std::string error_message(const HttpResponse& response) {
  return string_at(response.body, {"error", "message"});
}

std::string json_text(const boost::json::object& object) { return boost::json::serialize(object); }

// YYYY-MM-DD `years` years before today (UTC); the day is capped at 28 so it always exists.
std::string date_years_ago(int years) {
  std::time_t now = std::time(nullptr);
  std::tm today{};
  gmtime_r(&now, &today);
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02d-%02d", today.tm_year + 1900 - years, today.tm_mon + 1,
                std::min(today.tm_mday, 28));
  return out;
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The mail among `mails` with this subject; an empty Eml when there is none.
testing::Eml with_subject(const std::vector<testing::Eml>& mails, const std::string& subject) {
  for (const auto& mail : mails) {
    if (mail.subject == subject) return mail;
  }
  return {};
}

class Accounts : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir("accounts"); }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path data() const { return dir_ / "data"; }

  std::map<std::string, std::string> env() const {
    return {{"PARLEY_MASTER_KEY", testing::test_master_key()},
            {"PARLEY_AUTH_ARGON2_MEM_KIB", "8192"},
            {"PARLEY_AUTH_ARGON2_OPS", "1"},
            {"PARLEY_AUTH_LOCKOUT_AFTER_FAILURES", "3"}};
  }

  void start() {
    server_ = std::make_unique<ParleyServer>(data(), std::vector<std::string>{}, env());
    ASSERT_TRUE(server_->started()) << server_->output_so_far();
  }

  // SIGTERM, then everything the server printed.
  std::string stop() {
    server_->signal(SIGTERM);
    auto result = server_->wait();
    EXPECT_EQ(result.exit_code, 0) << result.output;
    return result.output;
  }

  ApiClient api(const std::string& source_ip = "127.0.0.1") const {
    return ApiClient(server_->port(), source_ip);
  }

  HttpResponse post(const std::string& path, const boost::json::object& body,
                    const std::string& source_ip = "127.0.0.1") {
    auto response = api(source_ip).send("POST", path, json_text(body));
    EXPECT_TRUE(response) << path;
    return response.value_or(HttpResponse{});
  }

  HttpResponse as(const WebSession& session, const std::string& method, const std::string& path,
                  const std::string& body = {}) {
    auto response = api().as(session, method, path, body);
    EXPECT_TRUE(response) << method << " " << path;
    return response.value_or(HttpResponse{});
  }

  HttpResponse signup(const std::string& email, const std::string& password) {
    return post("/api/v1/auth/signup",
                {{"email", email}, {"password", password}, {"age_confirmed_16_or_over", true}});
  }

  HttpResponse login(const std::string& email, const std::string& password,
                     const std::string& source_ip = "127.0.0.1") {
    return post("/api/v1/auth/login", {{"email", email}, {"password", password}}, source_ip);
  }

  // The token of the newest mail to `to` with `subject`, once it has been written.
  std::string mailed_token(const std::string& to, const std::string& subject, size_t count = 1) {
    auto mail = with_subject(wait_for_mail(data(), to, count), subject);
    EXPECT_FALSE(mail.body.empty()) << "no mail \"" << subject << "\" to " << to;
    return token_in(mail.body);
  }

  // Signs up and verifies by the mailed token: an account that can sign in.
  void verified_account(const std::string& email, const std::string& password = kPassword) {
    ASSERT_EQ(signup(email, password).status, 202);
    auto verified =
        post("/api/v1/auth/verify-email", {{"token", mailed_token(email, kVerifySubject)}});
    ASSERT_EQ(verified.status, 200) << verified.body;
  }

  WebSession signed_in(const std::string& email, const std::string& password = kPassword) {
    auto response = login(email, password);
    EXPECT_EQ(response.status, 200) << response.body;
    return {cookie_pair(response), string_at(response.body, {"csrf_token"})};
  }

  // The session's id as the server names it (for the sessions routes).
  std::string session_id(const WebSession& session) {
    return string_at(as(session, "GET", "/api/v1/auth/session").body, {"session", "id"});
  }

  std::string signed_in_email(const WebSession& session) {
    return string_at(as(session, "GET", "/api/v1/auth/session").body, {"user", "email"});
  }

  std::filesystem::path dir_;
  std::unique_ptr<ParleyServer> server_;
};

// Rows in the users table of a stopped (or running: WAL readers do not block) server.
int64_t count_users(const std::filesystem::path& db_path) {
  sqlite3* db = nullptr;
  int64_t count = -1;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM users", -1, &statement, nullptr) ==
            SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      count = sqlite3_column_int64(statement, 0);
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return count;
}

TEST_F(Accounts, SignupVerifyLoginAndLogout) {
  start();
  auto signed_up = signup("ada@example.com", kPassword);
  EXPECT_EQ(signed_up.status, 202) << signed_up.body;

  const std::string token = mailed_token("ada@example.com", kVerifySubject);
  ASSERT_EQ(token.size(), 43u) << "256 random bits, URL-safe base64";

  auto unverified = login("ada@example.com", kPassword);
  EXPECT_EQ(unverified.status, 403) << unverified.body;
  EXPECT_TRUE(contains(error_message(unverified), "confirm your email")) << unverified.body;
  EXPECT_TRUE(unverified.header("set-cookie").empty());

  auto verified = post("/api/v1/auth/verify-email", {{"token", token}});
  ASSERT_EQ(verified.status, 200) << verified.body;

  auto logged_in = login("ada@example.com", kPassword);
  ASSERT_EQ(logged_in.status, 200) << logged_in.body;
  const std::string cookie = logged_in.header("set-cookie");
  EXPECT_EQ(cookie.rfind("__Host-parley_session=", 0), 0u) << cookie;
  EXPECT_TRUE(contains(cookie, "; HttpOnly")) << cookie;
  EXPECT_TRUE(contains(cookie, "; SameSite=Lax")) << cookie;
  EXPECT_TRUE(contains(cookie, "; Secure")) << "Host 127.0.0.1 is a secure context: " << cookie;
  EXPECT_TRUE(contains(cookie, "; Path=/")) << cookie;
  EXPECT_FALSE(contains(cookie, "Domain=")) << "__Host- cookies carry no Domain";
  const WebSession session{cookie_pair(logged_in), string_at(logged_in.body, {"csrf_token"})};
  EXPECT_FALSE(session.csrf_token.empty()) << logged_in.body;
  EXPECT_EQ(string_at(logged_in.body, {"user", "email"}), "ada@example.com");

  auto current = as(session, "GET", "/api/v1/auth/session");
  ASSERT_EQ(current.status, 200) << current.body;
  EXPECT_EQ(string_at(current.body, {"user", "email"}), "ada@example.com");

  auto logged_out = as(session, "POST", "/api/v1/auth/logout");
  EXPECT_EQ(logged_out.status, 204) << logged_out.body;
  EXPECT_TRUE(contains(logged_out.header("set-cookie"), "Max-Age=0"))
      << "the browser drops the cookie: " << logged_out.header("set-cookie");

  auto after = as(session, "GET", "/api/v1/auth/session");
  EXPECT_EQ(after.status, 401) << "the same cookie after logout: " << after.body;
}

TEST_F(Accounts, UnderSixteenIsRefusedAndNothingOfTheAttemptIsKept) {
  start();
  const std::string minor = "young.reader@example.com";
  const auto db = data() / "parley.db";
  const int64_t users_before = count_users(db);
  ASSERT_EQ(users_before, 0);
  const auto keyring_before = read_bytes(data() / "keyring");

  auto by_date =
      post("/api/v1/auth/signup",
           {{"email", minor}, {"password", kPassword}, {"birth_date", date_years_ago(10)}});
  EXPECT_EQ(by_date.status, 403) << by_date.body;
  EXPECT_TRUE(contains(error_message(by_date), "under 16")) << by_date.body;
  auto by_statement =
      post("/api/v1/auth/signup",
           {{"email", minor}, {"password", kPassword}, {"age_confirmed_16_or_over", false}});
  EXPECT_EQ(by_statement.status, 403) << by_statement.body;
  EXPECT_TRUE(contains(error_message(by_statement), "under 16")) << by_statement.body;
  EXPECT_EQ(read_bytes(data() / "keyring"), keyring_before) << "no key was made for the minor";

  // An adult's signup afterwards: once its mail is written, the minor's would have been.
  auto adult = post("/api/v1/auth/signup", {{"email", "grown.up@example.com"},
                                            {"password", kPassword},
                                            {"birth_date", date_years_ago(30)}});
  EXPECT_EQ(adult.status, 202) << adult.body;
  ASSERT_EQ(wait_for_mail(data(), "grown.up@example.com").size(), 1u);
  auto mails = read_mailbox(data());
  ASSERT_EQ(mails.size(), 1u) << "only the adult got a mail";

  const std::string log = stop();
  EXPECT_FALSE(contains(log, minor)) << log;
  EXPECT_FALSE(contains(log, "young.reader")) << log;
  EXPECT_EQ(count_users(db), users_before + 1) << "a row for the adult, none for the minor";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data())) {
    if (!entry.is_regular_file()) continue;
    EXPECT_FALSE(contains(read_bytes(entry.path()), "young.reader"))
        << "the minor's address is in " << entry.path();
  }
}

TEST_F(Accounts, InvalidInputIsRefusedNamingTheField) {
  start();
  for (const std::string email : {"", "not-an-address", "ada@", "@example.com", "ada@localhost",
                                  "ada@@example.com", "ada <x>@example.com"}) {
    auto refused = signup(email, kPassword);
    EXPECT_EQ(refused.status, 400) << email << ": " << refused.body;
    EXPECT_EQ(error_message(refused).rfind("email: ", 0), 0u) << email << ": " << refused.body;
  }
  auto missing =
      post("/api/v1/auth/signup", {{"password", kPassword}, {"age_confirmed_16_or_over", true}});
  EXPECT_EQ(missing.status, 400) << missing.body;
  EXPECT_EQ(error_message(missing).rfind("email: ", 0), 0u) << missing.body;

  for (const std::string& password :
       {std::string(), std::string("short"), std::string("password1234"),
        std::string("ada.lovelace-2024"), std::string(1025, 'x') + "1",
        std::string(1500, 'y') + "Z", std::string(5000, 'z') + "Y"}) {
    auto refused = signup("ada.lovelace@example.com", password);
    EXPECT_EQ(refused.status, 400) << password.size() << " bytes: " << refused.body;
    EXPECT_EQ(error_message(refused).rfind("password: ", 0), 0u)
        << password.substr(0, 20) << ": " << refused.body;
  }
  auto no_age =
      post("/api/v1/auth/signup", {{"email", "ada.lovelace@example.com"}, {"password", kPassword}});
  EXPECT_EQ(no_age.status, 400) << no_age.body;
  EXPECT_TRUE(contains(error_message(no_age), "birth_date")) << no_age.body;
  auto bad_date = post("/api/v1/auth/signup", {{"email", "ada.lovelace@example.com"},
                                               {"password", kPassword},
                                               {"birth_date", "1990-13-40"}});
  EXPECT_EQ(bad_date.status, 400) << bad_date.body;
  EXPECT_EQ(error_message(bad_date).rfind("birth_date: ", 0), 0u) << bad_date.body;

  // None of these made an account: a signup afterwards is a first one, with one mail.
  ASSERT_EQ(signup("ada.lovelace@example.com", kPassword).status, 202);
  auto mails = wait_for_mail(data(), "ada.lovelace@example.com");
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].subject, kVerifySubject);
  EXPECT_EQ(read_mailbox(data()).size(), 1u);
}

TEST_F(Accounts, DuplicateSignupRevealsNothingAndTellsTheOwner) {
  start();
  auto first = signup("ada@example.com", kPassword);
  auto confirmation = wait_for_mail(data(), "ada@example.com", 1);
  ASSERT_EQ(confirmation.size(), 1u);
  ASSERT_EQ(post("/api/v1/auth/verify-email", {{"token", token_in(confirmation[0].body)}}).status,
            200);
  auto fresh = signup("someone.else@example.com", kPassword);
  auto again = signup("ADA@example.com ", kOtherPassword);  // the same address, normalized
  EXPECT_EQ(first.status, 202);
  EXPECT_EQ(again.status, fresh.status);
  EXPECT_EQ(again.body, fresh.body) << "a repeated signup answers like a new one";
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("content-length"), fresh.header("content-length"));

  auto mails = wait_for_mail(data(), "ada@example.com", 2);
  ASSERT_EQ(mails.size(), 2u);
  auto warning = with_subject(mails, kRepeatSubject);
  EXPECT_TRUE(contains(warning.body, "already has one")) << warning.body;
  EXPECT_TRUE(token_in(warning.body).empty()) << "the warning carries no usable link";

  EXPECT_EQ(login("ada@example.com", kOtherPassword).status, 401)
      << "the second signup's password made no account";
  EXPECT_EQ(login("ada@example.com", kPassword).status, 200);
}

TEST_F(Accounts, EmailedTokensWorkOnce) {
  start();
  ASSERT_EQ(signup("ada@example.com", kPassword).status, 202);
  const std::string verify = mailed_token("ada@example.com", kVerifySubject);
  EXPECT_EQ(post("/api/v1/auth/verify-email", {{"token", verify}}).status, 200);
  auto reused = post("/api/v1/auth/verify-email", {{"token", verify}});
  EXPECT_EQ(reused.status, 400) << reused.body;
  EXPECT_TRUE(contains(error_message(reused), "used already")) << reused.body;
  auto made_up = post("/api/v1/auth/verify-email", {{"token", std::string(43, 'A')}});
  EXPECT_EQ(made_up.status, 400) << made_up.body;

  ASSERT_EQ(post("/api/v1/auth/password-reset", {{"email", "ada@example.com"}}).status, 202);
  const std::string reset = mailed_token("ada@example.com", kResetSubject, 2);
  ASSERT_FALSE(reset.empty());
  auto confirmed =
      post("/api/v1/auth/password-reset/confirm", {{"token", reset}, {"password", kOtherPassword}});
  EXPECT_EQ(confirmed.status, 200) << confirmed.body;
  auto replayed = post("/api/v1/auth/password-reset/confirm",
                       {{"token", reset}, {"password", "a third password, long enough"}});
  EXPECT_EQ(replayed.status, 400) << replayed.body;
  EXPECT_EQ(login("ada@example.com", kOtherPassword).status, 200) << "the replay changed nothing";
}

TEST_F(Accounts, UnknownEmailAndWrongPasswordLookTheSame) {
  start();
  verified_account("ada@example.com");
  auto unknown = login("nobody@example.com", kPassword);
  auto wrong = login("ada@example.com", kOtherPassword);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.status, unknown.status);
  EXPECT_EQ(wrong.body, unknown.body);
  EXPECT_TRUE(wrong.header("set-cookie").empty());
}

TEST_F(Accounts, RepeatedFailuresLockTheAccountEvenWithTheRightPassword) {
  start();
  verified_account("ada@example.com");
  // Each guess from another address: the account's own limit (3 here) is what locks.
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(login("ada@example.com", kOtherPassword, "127.0.0." + std::to_string(10 + i)).status,
              401);
  }
  auto locked = login("ada@example.com", kPassword, "127.0.0.20");
  EXPECT_EQ(locked.status, 429) << locked.body;
  EXPECT_FALSE(locked.header("retry-after").empty());
  EXPECT_TRUE(locked.header("set-cookie").empty());

  // An address without an account locks the same way, so the lock reveals nothing.
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(login("ghost@example.com", kPassword, "127.0.0." + std::to_string(30 + i)).status,
              401);
  }
  auto ghost = login("ghost@example.com", kPassword, "127.0.0.40");
  EXPECT_EQ(ghost.status, 429) << ghost.body;
  EXPECT_EQ(string_at(ghost.body, {"error", "code"}), string_at(locked.body, {"error", "code"}));
}

TEST_F(Accounts, RepeatedFailuresFromOneAddressLockThatAddress) {
  start();
  verified_account("ada@example.com");
  for (const std::string email : {"a1@example.com", "a2@example.com", "a3@example.com"}) {
    EXPECT_EQ(login(email, kPassword, "127.0.0.50").status, 401);
  }
  EXPECT_EQ(login("ada@example.com", kPassword, "127.0.0.50").status, 429)
      << "the guessing address is locked out, whichever account it tries";
  EXPECT_EQ(login("ada@example.com", kPassword, "127.0.0.51").status, 200)
      << "and Ada, elsewhere, is not";
}

TEST_F(Accounts, CookieRequestsThatChangeStateNeedOurOriginAndTheCsrfToken) {
  start();
  verified_account("ada@example.com");
  const WebSession session = signed_in("ada@example.com");
  const std::string body = R"({"name":"Side project"})";
  ApiClient client = api();

  auto no_token = client.send("POST", "/api/v1/workspaces", body,
                              {{"Cookie", session.cookie}, {"Origin", client.origin()}});
  ASSERT_TRUE(no_token);
  EXPECT_EQ(no_token->status, 403) << no_token->body;
  EXPECT_TRUE(contains(error_message(*no_token), "X-CSRF-Token")) << no_token->body;

  auto wrong_token = client.send("POST", "/api/v1/workspaces", body,
                                 {{"Cookie", session.cookie},
                                  {"Origin", client.origin()},
                                  {"X-CSRF-Token", std::string(64, '0')}});
  ASSERT_TRUE(wrong_token);
  EXPECT_EQ(wrong_token->status, 403) << wrong_token->body;

  auto foreign = client.send("POST", "/api/v1/workspaces", body,
                             {{"Cookie", session.cookie},
                              {"Origin", "http://evil.example"},
                              {"X-CSRF-Token", session.csrf_token}});
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 403) << foreign->body;
  EXPECT_TRUE(contains(error_message(*foreign), "Origin")) << foreign->body;

  auto no_origin = client.send("POST", "/api/v1/workspaces", body,
                               {{"Cookie", session.cookie}, {"X-CSRF-Token", session.csrf_token}});
  ASSERT_TRUE(no_origin);
  EXPECT_EQ(no_origin->status, 403) << no_origin->body;

  auto logout_forged = client.send("POST", "/api/v1/auth/logout", "",
                                   {{"Cookie", session.cookie}, {"Origin", "http://evil.example"}});
  ASSERT_TRUE(logout_forged);
  EXPECT_EQ(logout_forged->status, 403) << "a foreign page cannot sign Ada out";

  auto made = as(session, "POST", "/api/v1/workspaces", body);
  EXPECT_EQ(made.status, 201) << made.body;

  // A read needs neither; and only the accepted request made a workspace.
  auto listed = client.send("GET", "/api/v1/workspaces", "", {{"Cookie", session.cookie}});
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->status, 200) << listed->body;
  auto data = parse(listed->body).as_object().at("data").as_array();
  EXPECT_EQ(data.size(), 2u) << listed->body;  // the signup's workspace and "Side project"
}

TEST_F(Accounts, PasswordResetByMailedToken) {
  start();
  verified_account("ada@example.com");
  const WebSession before = signed_in("ada@example.com");

  auto unknown = post("/api/v1/auth/password-reset", {{"email", "nobody@example.com"}});
  auto known = post("/api/v1/auth/password-reset", {{"email", "ada@example.com"}});
  EXPECT_EQ(known.status, 202);
  EXPECT_EQ(unknown.status, known.status);
  EXPECT_EQ(unknown.body, known.body) << "the answer does not say whether the account exists";

  const std::string token = mailed_token("ada@example.com", kResetSubject, 2);
  ASSERT_FALSE(token.empty());
  EXPECT_TRUE(wait_for_mail(data(), "nobody@example.com", 0).empty())
      << "no mail to an address without an account";
  auto weak =
      post("/api/v1/auth/password-reset/confirm", {{"token", token}, {"password", "short"}});
  EXPECT_EQ(weak.status, 400) << weak.body;
  auto confirmed =
      post("/api/v1/auth/password-reset/confirm", {{"token", token}, {"password", kOtherPassword}});
  ASSERT_EQ(confirmed.status, 200) << confirmed.body << " (a weak try does not use the token)";

  EXPECT_EQ(login("ada@example.com", kPassword).status, 401) << "the old password";
  EXPECT_EQ(login("ada@example.com", kOtherPassword).status, 200) << "the new one";
  EXPECT_EQ(as(before, "GET", "/api/v1/auth/session").status, 401)
      << "the session from before the reset was signed out";
}

TEST_F(Accounts, ChangePasswordNeedsTheCurrentOne) {
  start();
  verified_account("ada@example.com");
  const WebSession here = signed_in("ada@example.com");
  const WebSession elsewhere = signed_in("ada@example.com");

  auto wrong = as(here, "POST", "/api/v1/auth/password",
                  json_text({{"current_password", "not my password at all"},
                             {"new_password", kOtherPassword}}));
  EXPECT_EQ(wrong.status, 403) << wrong.body;
  EXPECT_TRUE(contains(error_message(wrong), "current_password")) << wrong.body;
  EXPECT_EQ(login("ada@example.com", kOtherPassword).status, 401) << "nothing changed";

  auto changed = as(here, "POST", "/api/v1/auth/password",
                    json_text({{"current_password", kPassword}, {"new_password", kOtherPassword}}));
  EXPECT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(as(here, "GET", "/api/v1/auth/session").status, 200) << "this session stays";
  EXPECT_EQ(as(elsewhere, "GET", "/api/v1/auth/session").status, 401) << "others end";
  EXPECT_EQ(login("ada@example.com", kOtherPassword).status, 200);
  EXPECT_EQ(login("ada@example.com", kPassword).status, 401);
}

TEST_F(Accounts, ChangeEmailTakesEffectOnlyOnceTheNewAddressConfirms) {
  start();
  verified_account("ada@example.com");
  const WebSession session = signed_in("ada@example.com");

  auto wrong = as(session, "POST", "/api/v1/auth/email",
                  json_text({{"new_email", "ada@new.example"}, {"current_password", "nope"}}));
  EXPECT_EQ(wrong.status, 403) << wrong.body;
  auto requested =
      as(session, "POST", "/api/v1/auth/email",
         json_text({{"new_email", "ada@new.example"}, {"current_password", kPassword}}));
  EXPECT_EQ(requested.status, 202) << requested.body;
  const std::string token = mailed_token("ada@new.example", kChangeEmailSubject);
  ASSERT_FALSE(token.empty());

  EXPECT_EQ(login("ada@new.example", kPassword).status, 401) << "not before it is confirmed";
  EXPECT_EQ(signed_in_email(session), "ada@example.com");

  auto confirmed = post("/api/v1/auth/email/confirm", {{"token", token}});
  EXPECT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_EQ(post("/api/v1/auth/email/confirm", {{"token", token}}).status, 400) << "once only";
  EXPECT_EQ(login("ada@new.example", kPassword).status, 200);
  EXPECT_EQ(signed_in_email(session), "ada@new.example");
  EXPECT_EQ(login("ada@example.com", kPassword).status, 401) << "the old address is gone";
}

TEST_F(Accounts, ListAndRevokeOnesOwnSessionsButNotAnothers) {
  start();
  verified_account("ada@example.com");
  verified_account("bob@example.com");
  const WebSession laptop = signed_in("ada@example.com");
  const WebSession phone = signed_in("ada@example.com");
  const WebSession bob = signed_in("bob@example.com");
  EXPECT_NE(laptop.cookie, phone.cookie) << "a new token at every login";

  auto listed = as(laptop, "GET", "/api/v1/auth/sessions");
  ASSERT_EQ(listed.status, 200) << listed.body;
  auto data = parse(listed.body).as_object().at("data").as_array();
  ASSERT_EQ(data.size(), 2u) << listed.body;
  int current = 0;
  for (const auto& entry : data) current += entry.as_object().at("current").as_bool() ? 1 : 0;
  EXPECT_EQ(current, 1);
  EXPECT_FALSE(contains(listed.body, laptop.cookie.substr(laptop.cookie.find('=') + 1)))
      << "the list never shows a token";

  const std::string bob_session = session_id(bob);
  ASSERT_FALSE(bob_session.empty());
  auto foreign = as(laptop, "DELETE", "/api/v1/auth/sessions/" + bob_session);
  EXPECT_EQ(foreign.status, 404) << foreign.body;
  EXPECT_EQ(as(bob, "GET", "/api/v1/auth/session").status, 200) << "Bob is still signed in";

  auto revoked = as(laptop, "DELETE", "/api/v1/auth/sessions/" + session_id(phone));
  EXPECT_EQ(revoked.status, 204) << revoked.body;
  EXPECT_EQ(as(phone, "GET", "/api/v1/auth/session").status, 401);
  EXPECT_EQ(as(laptop, "GET", "/api/v1/auth/session").status, 200);
  auto after = as(laptop, "GET", "/api/v1/auth/sessions");
  EXPECT_EQ(parse(after.body).as_object().at("data").as_array().size(), 1u) << after.body;
}

TEST_F(Accounts, BootstrapPrintsAnAdminKeyThatWorksAsBearer) {
  auto bootstrapped =
      run_command({kBinary, "admin", "bootstrap", "--data", data().string(), "--email",
                   "owner@example.com", "--password", kPassword, "--workspace", "Acme"},
                  env());
  ASSERT_EQ(bootstrapped.exit_code, 0) << bootstrapped.output;
  std::string out;  // the JSON line; log lines may come before it
  std::istringstream lines(bootstrapped.output);
  for (std::string line; std::getline(lines, line);) {
    if (contains(line, "\"api_key\"")) out = line;
  }
  const std::string user_id = string_at(out, {"user_id"});
  const std::string ws_id = string_at(out, {"workspace_id"});
  const std::string key = string_at(out, {"api_key"});
  EXPECT_EQ(user_id.rfind("usr_", 0), 0u) << out;
  EXPECT_EQ(ws_id.rfind("ws_", 0), 0u) << out;
  ASSERT_EQ(key.rfind("pk_", 0), 0u) << out;

  start();
  ApiClient client = api();
  auto read =
      client.send("GET", "/api/v1/workspaces/" + ws_id, "", {{"Authorization", "Bearer " + key}});
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200) << read->body;
  EXPECT_EQ(string_at(read->body, {"id"}), ws_id);
  EXPECT_EQ(string_at(read->body, {"name"}), "Acme");

  for (const std::string& garbage :
       std::vector<std::string>{"pk_garbage", "pk_" + std::string(43, 'A'), "not-a-key",
                                key.substr(0, key.size() - 1)}) {
    auto refused = client.send("GET", "/api/v1/workspaces/" + ws_id, "",
                               {{"Authorization", "Bearer " + garbage}});
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 401) << garbage << ": " << refused->body;
  }

  // The owner is verified and can sign in; another account's workspace is not the key's.
  const WebSession owner = signed_in("owner@example.com");
  EXPECT_EQ(signed_in_email(owner), "owner@example.com");
  verified_account("bob@example.com");
  const WebSession bob = signed_in("bob@example.com");
  auto bobs = as(bob, "GET", "/api/v1/workspaces");
  const std::string bob_ws = parse(bobs.body)
                                 .as_object()
                                 .at("data")
                                 .as_array()
                                 .at(0)
                                 .as_object()
                                 .at("id")
                                 .as_string()
                                 .c_str();
  auto other =
      client.send("GET", "/api/v1/workspaces/" + bob_ws, "", {{"Authorization", "Bearer " + key}});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404) << other->body;
  EXPECT_EQ(as(bob, "GET", "/api/v1/workspaces/" + ws_id).status, 404)
      << "Bob's session on Acme's workspace";
}

// The same command beside a running server on the same data directory: the keyring and
// the database are shared, and the server serves the new owner at once.
TEST_F(Accounts, BootstrapWorksWhileTheServerRuns) {
  start();
  auto bootstrapped =
      run_command({kBinary, "admin", "bootstrap", "--data", data().string(), "--email",
                   "late.owner@example.com", "--password", kPassword, "--workspace", "Later"},
                  env());
  ASSERT_EQ(bootstrapped.exit_code, 0) << bootstrapped.output;
  std::string out;
  std::istringstream lines(bootstrapped.output);
  for (std::string line; std::getline(lines, line);) {
    if (contains(line, "\"api_key\"")) out = line;
  }
  const std::string ws_id = string_at(out, {"workspace_id"});
  const std::string key = string_at(out, {"api_key"});
  auto read =
      api().send("GET", "/api/v1/workspaces/" + ws_id, "", {{"Authorization", "Bearer " + key}});
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200) << read->body;
  EXPECT_EQ(string_at(read->body, {"name"}), "Later") << "the server opens the new sealed name";
  EXPECT_EQ(login("late.owner@example.com", kPassword).status, 200);
}

}  // namespace
}  // namespace parley
