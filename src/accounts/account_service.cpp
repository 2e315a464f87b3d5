#include "accounts/account_service.h"

#include <sodium.h>

#include <algorithm>

#include "accounts/credentials.h"
#include "core/ids.h"
#include "store/audit_repo.h"
#include "store/outbox_repo.h"
#include "store/workspaces_repo.h"

namespace parley {
namespace {

constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kHour = 60 * kMinute;
// A session's last-seen time is written at most this often: reads stay reads.
constexpr int64_t kTouchEvery = kMinute;
// How long failed sign-ins are remembered without a new one.
constexpr int64_t kThrottleMemory = 24 * kHour;

std::string hex(const std::vector<uint8_t>& bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
  out.pop_back();
  return out;
}

SealContext email_field(const std::string& user_id) { return {"users", "email_sealed", user_id}; }

Error invalid_credentials() {
  return make_error(ErrorCode::unauthenticated, "the email or the password is wrong");
}

Error locked_out(int64_t remaining_ms) {
  int64_t seconds = (remaining_ms + 999) / 1000;
  Error error = make_error(ErrorCode::rate_limited, "too many failed attempts; try again in " +
                                                        std::to_string(seconds) + " seconds");
  error.retry_after_seconds = seconds;
  return error;
}

Error bad_link() {
  return make_error(ErrorCode::invalid_argument,
                    "this link is not valid: it may have expired or been used already; ask for "
                    "a new one");
}

}  // namespace

std::string ip_pseudonym(Keyring& keyring, std::string_view ip) {
  auto hash = audit_ip_hash(keyring, ip);
  return hash ? *hash : std::string();
}

AccountService::AccountService(AccountsContext context) : ctx_(std::move(context)) {
  // A real argon2id hash of a random password, so that an unknown email costs the same.
  dummy_password_hash_ = hash_password(random_token(), argon2()).value();
}

Argon2Params AccountService::argon2() const {
  return {static_cast<unsigned long long>(ctx_.config.argon2_ops),
          static_cast<size_t>(ctx_.config.argon2_mem_kib) * 1024};
}

Result<std::string> AccountService::hashed_password(std::string_view password) {
  return hash_password(password, argon2());
}

Result<std::string> AccountService::email_hash(std::string_view normalized_email) {
  auto mac = ctx_.keyring.mac("server", "email", normalized_email);
  if (!mac) return mac.error();
  return hex(*mac);
}

Result<std::string> AccountService::email_of(const UserRow& user) {
  return ctx_.keyring.open(user.id, email_field(user.id), user.email_sealed);
}

namespace {

// What signup writes in one transaction: the user, a first workspace, the owner's
// membership, a verification token and its mail, and the audit entries.
struct NewAccount {
  UserRow user;
  WorkspaceRow workspace;
  std::string verify_token;
};

}  // namespace

Status AccountService::queue_verification(Tx& tx, const std::string& user_id,
                                          const std::string& email, int64_t now) {
  const std::string token = random_token();
  if (auto s = issue_token(
          tx, {new_id("tok", ctx_.clock), secret_hash(token), "verify_email", user_id, std::nullopt,
               now, now + ctx_.config.verify_token_hours * kHour, std::nullopt});
      !s) {
    return s;
  }
  auto mailed =
      enqueue_mail(tx,
                   {user_id, email, "Confirm your email address for Parley",
                    "Welcome to Parley. Confirm your address to finish signing up:\n\n" +
                        ctx_.config.public_url + "/verify-email?token=" + token +
                        "\n\nOr send this token to POST /api/v1/auth/verify-email: " + token +
                        "\n\nThe link works for " + std::to_string(ctx_.config.verify_token_hours) +
                        " hours. If you did not sign up, ignore this mail.",
                    "verify_email"},
                   ctx_.keyring, ctx_.clock);
  if (!mailed) return mailed.error();
  return ok_status();
}

// A signup for an address that has an account: its owner hears of it, the caller does
// not. An owner who never confirmed gets a fresh link (the first may have expired).
Status AccountService::signup_again(const UserRow& existing, const std::string& email,
                                    const std::string& ip_hash) {
  const int64_t now = ctx_.clock.now_ms();
  Status written = ctx_.store.db().write([&](Tx& tx) -> Status {
    if (!existing.email_verified_at) {
      if (auto s = queue_verification(tx, existing.id, email, now); !s) return s;
    } else {
      auto mailed = enqueue_mail(
          tx,
          {existing.id, email, "Someone tried to sign up with your address",
           "Someone (maybe you) tried to create a Parley account with this address, which "
           "already has one. If it was you, sign in or reset your password at " +
               ctx_.config.public_url + "/login. If not, you can ignore this mail.",
           "signup_repeated"},
          ctx_.keyring, ctx_.clock);
      if (!mailed) return mailed.error();
    }
    return append_audit_entry(tx, {"", "anonymous", "user.signup_repeated", existing.id, ip_hash},
                              ctx_.keyring, ctx_.clock);
  });
  if (!written) return written;
  ctx_.mail_queued();
  return ok_status();
}

Status AccountService::signup(const SignupInput& input) {
  // The age gate comes first: a refused minor's input goes no further (no row, no log).
  auto age = check_age(input.birth_date, input.age_confirmed_16_or_over, ctx_.clock);
  if (!age) return age.error();
  auto email = normalize_email(input.email);
  if (!email) return email.error();
  if (auto strong = check_password_strength(input.password, *email); !strong) return strong;
  if (input.workspace_name.size() > 200) {
    return make_error(ErrorCode::invalid_argument, "workspace_name: at most 200 bytes");
  }
  auto lookup = email_hash(*email);
  if (!lookup) return lookup.error();
  const std::string ip_hash = ip_pseudonym(ctx_.keyring, input.ip);

  std::optional<UserRow> existing;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    auto found = find_user_by_email_hash(tx, *lookup);
    if (!found) return found.error();
    existing = std::move(*found);
    return ok_status();
  });
  if (!read) return read;
  if (existing) return signup_again(*existing, *email, ip_hash);

  auto password_hash = hashed_password(input.password);
  if (!password_hash) return password_hash.error();
  const int64_t now = ctx_.clock.now_ms();
  const std::string user_id = new_id("usr", ctx_.clock);
  const std::string workspace_id = new_id("ws", ctx_.clock);
  const std::string workspace_name =
      input.workspace_name.empty() ? "My workspace" : input.workspace_name;
  // Sealing makes the new owners' keys: outside the write, so their fsync is not on the
  // writer thread.
  auto email_sealed = ctx_.keyring.seal(user_id, email_field(user_id), *email);
  if (!email_sealed) return email_sealed.error();
  auto name_sealed =
      ctx_.keyring.seal(workspace_id, {"workspaces", "name_sealed", workspace_id}, workspace_name);
  if (!name_sealed) return name_sealed.error();

  Status written = ctx_.store.db().write([&](Tx& tx) -> Status {
    UserRow user{user_id,
                 *lookup,
                 *email_sealed,
                 *password_hash,
                 age_statement_name(*age),
                 std::nullopt,
                 false,
                 now,
                 now};
    if (auto s = insert_user(tx, user); !s) return s;
    if (auto s = insert_workspace(tx, {workspace_id, *name_sealed, now}); !s) return s;
    if (auto s = insert_membership(tx, {workspace_id, user_id, "owner", now}); !s) return s;
    if (auto s = queue_verification(tx, user_id, *email, now); !s) return s;
    if (auto s = append_audit_entry(tx, {"", user_id, "user.signup", user_id, ip_hash},
                                    ctx_.keyring, ctx_.clock);
        !s) {
      return s;
    }
    return append_audit_entry(tx,
                              {workspace_id, user_id, "workspace.created", workspace_id, ip_hash},
                              ctx_.keyring, ctx_.clock);
  });
  if (!written) {
    // Nothing of the attempt stays, not even the keys made for it.
    (void)ctx_.keyring.destroy_key(user_id);
    (void)ctx_.keyring.destroy_key(workspace_id);
    // Another signup for the same address won the race: the same answer as any repeat.
    if (written.error().code == ErrorCode::conflict) return ok_status();
    return written;
  }
  ctx_.mail_queued();
  return ok_status();
}

Result<AccountService::Bootstrapped> AccountService::create_verified_owner(
    std::string_view email_input, std::string_view password, std::string_view workspace_name,
    bool is_operator) {
  auto email = normalize_email(email_input);
  if (!email) return email.error();
  if (auto strong = check_password_strength(password, *email); !strong) return strong.error();
  if (workspace_name.empty() || workspace_name.size() > 200) {
    return make_error(ErrorCode::invalid_argument, "workspace: give a name of 1 to 200 bytes");
  }
  auto lookup = email_hash(*email);
  if (!lookup) return lookup.error();
  auto password_hash = hashed_password(password);
  if (!password_hash) return password_hash.error();
  const int64_t now = ctx_.clock.now_ms();
  Bootstrapped made{new_id("usr", ctx_.clock), new_id("ws", ctx_.clock)};
  auto email_sealed = ctx_.keyring.seal(made.user_id, email_field(made.user_id), *email);
  if (!email_sealed) return email_sealed.error();
  auto name_sealed = ctx_.keyring.seal(
      made.workspace_id, {"workspaces", "name_sealed", made.workspace_id}, workspace_name);
  if (!name_sealed) return name_sealed.error();
  Status written = ctx_.store.db().write([&](Tx& tx) -> Status {
    auto existing = find_user_by_email_hash(tx, *lookup);
    if (!existing) return existing.error();
    if (*existing) {
      return make_error(ErrorCode::conflict, "an account with this email already exists");
    }
    UserRow user{made.user_id,
                 *lookup,
                 *email_sealed,
                 *password_hash,
                 "confirmed_16_or_over",
                 now,
                 is_operator,
                 now,
                 now};
    if (auto s = insert_user(tx, user); !s) return s;
    if (auto s = insert_workspace(tx, {made.workspace_id, *name_sealed, now}); !s) return s;
    if (auto s = insert_membership(tx, {made.workspace_id, made.user_id, "owner", now}); !s) {
      return s;
    }
    if (auto s = append_audit_entry(tx, {"", "system", "user.bootstrapped", made.user_id, ""},
                                    ctx_.keyring, ctx_.clock);
        !s) {
      return s;
    }
    return append_audit_entry(
        tx, {made.workspace_id, made.user_id, "workspace.created", made.workspace_id, ""},
        ctx_.keyring, ctx_.clock);
  });
  if (!written) {
    (void)ctx_.keyring.destroy_key(made.user_id);
    (void)ctx_.keyring.destroy_key(made.workspace_id);
    return written.error();
  }
  return made;
}

Result<std::string> AccountService::verify_email(std::string_view token) {
  const int64_t now = ctx_.clock.now_ms();
  std::string user_id;
  Status written = ctx_.store.db().write([&](Tx& tx) -> Status {
    auto found = find_token(tx, secret_hash(token), "verify_email");
    if (!found) return found.error();
    if (!*found || (*found)->used_at || (*found)->expires_at <= now) return bad_link();
    user_id = (*found)->user_id;
    if (auto s = use_token(tx, (*found)->id, now); !s) return bad_link();
    if (auto s = set_user_verified(tx, user_id, now); !s) return bad_link();
    return append_audit_entry(tx, {"", user_id, "user.email_verified", user_id, ""}, ctx_.keyring,
                              ctx_.clock);
  });
  if (!written) return written.error();
  return user_id;
}

Result<int64_t> AccountService::locked_until(const std::vector<std::string>& keys) {
  int64_t until = 0;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    for (const auto& key : keys) {
      auto row = read_throttle(tx, key);
      if (!row) return row.error();
      until = std::max(until, row->locked_until);
    }
    return ok_status();
  });
  if (!read) return read.error();
  return until;
}

Status AccountService::throttle_failure(Tx& tx, const std::vector<std::string>& keys, int64_t now) {
  for (const auto& key : keys) {
    auto row = read_throttle(tx, key);
    if (!row) return row.error();
    // Old failures are forgiven: a typo a week never adds up to a lockout.
    int64_t failures = now - row->updated_at > kThrottleMemory ? 0 : row->failures;
    ThrottleRow next{failures + 1, row->locked_until, now};
    int64_t over = next.failures - ctx_.config.lockout_after_failures;
    if (over >= 0) {
      // Growing lockout: base, then doubling with every further failure, up to the cap.
      int64_t seconds = static_cast<int64_t>(ctx_.config.lockout_base_seconds)
                        << std::min<int64_t>(over, 20);
      seconds = std::min<int64_t>(seconds, ctx_.config.lockout_max_seconds);
      next.locked_until = now + seconds * 1000;
    }
    if (auto s = write_throttle(tx, key, next, now); !s) return s;
  }
  return ok_status();
}

Result<SignedIn> AccountService::login(std::string_view email_input, std::string_view password,
                                       std::string_view ip) {
  auto email = normalize_email(email_input);
  if (!email) return invalid_credentials();
  auto lookup = email_hash(*email);
  if (!lookup) return lookup.error();
  const std::string ip_hash = ip_pseudonym(ctx_.keyring, ip);
  const std::vector<std::string> keys = {"acct:" + *lookup, "ip:" + ip_hash};
  const int64_t now = ctx_.clock.now_ms();

  auto until = locked_until(keys);
  if (!until) return until.error();
  if (*until > now) return locked_out(*until - now);

  std::optional<UserRow> user;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    auto found = find_user_by_email_hash(tx, *lookup);
    if (!found) return found.error();
    user = std::move(*found);
    return ok_status();
  });
  if (!read) return read.error();
  // Unknown address or wrong password: the same work, the same answer.
  bool good = verify_password(password, user ? user->password_hash : dummy_password_hash_);
  if (!good || !user) {
    Status recorded = ctx_.store.db().write([&](Tx& tx) -> Status {
      if (auto s = throttle_failure(tx, keys, now); !s) return s;
      return append_audit_entry(
          tx, {"", "anonymous", "session.login_failed", user ? user->id : "", ip_hash},
          ctx_.keyring, ctx_.clock);
    });
    if (!recorded) return recorded.error();
    return invalid_credentials();
  }
  if (!user->email_verified_at) {
    return make_error(ErrorCode::forbidden,
                      "confirm your email address first: follow the link we sent you");
  }

  SignedIn signed_in;
  signed_in.token = random_token();
  signed_in.user = *user;
  signed_in.session = {new_id("ses", ctx_.clock),
                       secret_hash(signed_in.token),
                       user->id,
                       now,
                       now,
                       now + ctx_.config.session_absolute_hours * kHour,
                       std::nullopt};
  Status written = ctx_.store.db().write([&](Tx& tx) -> Status {
    if (auto s = insert_session(tx, signed_in.session); !s) return s;
    if (auto s = clear_throttle(tx, keys[0]); !s) return s;
    if (auto s = touch_user(tx, user->id, now); !s) return s;
    return append_audit_entry(tx, {"", user->id, "session.login", signed_in.session.id, ip_hash},
                              ctx_.keyring, ctx_.clock);
  });
  if (!written) return written.error();
  signed_in.csrf_token = csrf_token(signed_in.session.id);
  return signed_in;
}

Result<ActiveSession> AccountService::authenticate(std::string_view session_token) {
  const int64_t now = ctx_.clock.now_ms();
  std::optional<ActiveSession> active;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    auto session = find_session_by_token_hash(tx, secret_hash(session_token));
    if (!session) return session.error();
    if (!*session) return ok_status();
    auto user = find_user(tx, (*session)->user_id);
    if (!user) return user.error();
    if (*user) active = ActiveSession{**session, **user};
    return ok_status();
  });
  if (!read) return read.error();
  const int64_t idle_limit = int64_t{ctx_.config.session_idle_minutes} * kMinute;
  if (!active || active->session.revoked_at || active->session.expires_at <= now ||
      active->session.last_seen_at + idle_limit <= now) {
    return make_error(ErrorCode::unauthenticated, "your session has ended; sign in again");
  }
  if (now - active->session.last_seen_at >= kTouchEvery) {
    const std::string& id = active->session.id;
    const std::string& user_id = active->user.id;
    Status touched = ctx_.store.db().write([&](Tx& tx) -> Status {
      if (auto s = touch_session(tx, id, now); !s) return s;
      return touch_user(tx, user_id, now);
    });
    if (!touched) return touched.error();
    active->session.last_seen_at = now;
  }
  return *active;
}

std::string AccountService::csrf_token(std::string_view session_id) {
  auto mac = ctx_.keyring.mac("server", "csrf", session_id);
  return mac ? hex(*mac) : std::string();
}

Status AccountService::check_current_password(const ActiveSession& active,
                                              std::string_view password, std::string_view ip) {
  auto email = email_of(active.user);
  if (!email) return email.error();
  auto lookup = email_hash(*email);
  if (!lookup) return lookup.error();
  const std::vector<std::string> keys = {"acct:" + *lookup};
  const int64_t now = ctx_.clock.now_ms();
  auto until = locked_until(keys);
  if (!until) return until.error();
  if (*until > now) return locked_out(*until - now);
  if (verify_password(password, active.user.password_hash)) return ok_status();
  const std::string ip_hash = ip_pseudonym(ctx_.keyring, ip);
  Status recorded = ctx_.store.db().write([&](Tx& tx) -> Status {
    if (auto s = throttle_failure(tx, keys, now); !s) return s;
    return append_audit_entry(
        tx, {"", active.user.id, "user.password_check_failed", active.user.id, ip_hash},
        ctx_.keyring, ctx_.clock);
  });
  if (!recorded) return recorded;
  return make_error(ErrorCode::forbidden, "current_password: that is not your current password");
}

Status AccountService::logout(const ActiveSession& active, std::string_view ip) {
  return revoke_session(active.user.id, active.session.id, ip);
}

Result<std::vector<SessionRow>> AccountService::list_sessions(std::string_view user_id) {
  std::vector<SessionRow> sessions;
  const int64_t now = ctx_.clock.now_ms();
  const int64_t idle_limit = int64_t{ctx_.config.session_idle_minutes} * kMinute;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    auto live = list_live_sessions(tx, user_id, now);
    if (!live) return live.error();
    for (auto& session : *live) {
      if (session.last_seen_at + idle_limit > now) sessions.push_back(std::move(session));
    }
    return ok_status();
  });
  if (!read) return read.error();
  return sessions;
}

Status AccountService::revoke_session(std::string_view user_id, std::string_view session_id,
                                      std::string_view ip) {
  const std::string ip_hash = ip_pseudonym(ctx_.keyring, ip);
  return ctx_.store.db().write([&](Tx& tx) -> Status {
    if (auto s = parley::revoke_session(tx, user_id, session_id, ctx_.clock.now_ms()); !s) {
      return s;
    }
    return append_audit_entry(
        tx, {"", std::string(user_id), "session.revoked", std::string(session_id), ip_hash},
        ctx_.keyring, ctx_.clock);
  });
}

}  // namespace parley
