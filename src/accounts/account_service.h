// Account holders: signup with an age gate, email verification, login and sessions,
// password reset and change, email change, brute-force throttling. Every change lands in
// the audit log in the same transaction. Called by the HTTP API and `parley admin`.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "accounts/secrets.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/keyring.h"
#include "store/sessions_repo.h"
#include "store/store.h"
#include "store/users_repo.h"

namespace parley {

// What the account services share: storage, keys, time, settings, and a way to wake the
// mailer after a mail was queued.
struct AccountsContext {
  Store& store;
  Keyring& keyring;
  const Clock& clock;
  const AuthConfig& config;
  std::function<void()> mail_queued = [] {};
};

struct SignupInput {
  std::string email;
  std::string password;
  std::optional<std::string> birth_date;
  std::optional<bool> age_confirmed_16_or_over;
  std::string workspace_name;  // empty: "My workspace"
  std::string ip;              // hashed for the audit log, never stored
};

struct SignedIn {
  std::string token;  // the session secret for the cookie: shown once, stored hashed
  std::string csrf_token;
  SessionRow session;
  UserRow user;
};

// A request's session, checked for revocation and idle and absolute expiry.
struct ActiveSession {
  SessionRow session;
  UserRow user;
};

// The audit log's keyed hash of a client address ("" when there is none or it cannot be
// made: an audit entry is never refused for want of it).
std::string ip_pseudonym(Keyring& keyring, std::string_view ip);

class AccountService {
 public:
  explicit AccountService(AccountsContext context);

  // Always the same success for a new and an already registered address (the owner of
  // the latter gets a mail instead), so the answer reveals nothing.
  Status signup(const SignupInput& input);
  // Creates the account outright, verified, with a workspace: for `parley admin bootstrap`.
  struct Bootstrapped {
    std::string user_id;
    std::string workspace_id;
  };
  Result<Bootstrapped> create_verified_owner(std::string_view email, std::string_view password,
                                             std::string_view workspace_name, bool is_operator);
  Result<std::string> verify_email(std::string_view token);  // returns the user id

  Result<SignedIn> login(std::string_view email, std::string_view password, std::string_view ip);
  Status logout(const ActiveSession& active, std::string_view ip);
  Result<ActiveSession> authenticate(std::string_view session_token);
  std::string csrf_token(std::string_view session_id);
  Result<std::vector<SessionRow>> list_sessions(std::string_view user_id);
  Status revoke_session(std::string_view user_id, std::string_view session_id, std::string_view ip);

  Status request_password_reset(std::string_view email, std::string_view ip);
  Status reset_password(std::string_view token, std::string_view new_password, std::string_view ip);
  Status change_password(const ActiveSession& active, std::string_view current_password,
                         std::string_view new_password, std::string_view ip);
  Status request_email_change(const ActiveSession& active, std::string_view new_email,
                              std::string_view current_password, std::string_view ip);
  Status confirm_email_change(std::string_view token, std::string_view ip);

  // The account's address, opened from its sealed column.
  Result<std::string> email_of(const UserRow& user);
  // The keyed hash under which an address is looked up.
  Result<std::string> email_hash(std::string_view normalized_email);

 private:
  Status queue_verification(Tx& tx, const std::string& user_id, const std::string& email,
                            int64_t now);
  Status signup_again(const UserRow& existing, const std::string& email,
                      const std::string& ip_hash);
  // Checks a signed-in user's current password under the same lockout as login.
  Status check_current_password(const ActiveSession& active, std::string_view password,
                                std::string_view ip);
  Argon2Params argon2() const;
  Result<std::string> hashed_password(std::string_view password);
  Status throttle_failure(Tx& tx, const std::vector<std::string>& keys, int64_t now);
  Result<int64_t> locked_until(const std::vector<std::string>& keys);

  AccountsContext ctx_;
  std::string dummy_password_hash_;  // verified against for unknown emails: equal timing
};

}  // namespace parley
