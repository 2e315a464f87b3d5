// The AccountService's password and email changes: reset by an emailed single-use token,
// change with the current password, email change re-verified at the new address.
#include <sodium.h>

#include "accounts/account_service.h"
#include "accounts/credentials.h"
#include "core/ids.h"
#include "store/audit_repo.h"
#include "store/outbox_repo.h"

namespace parley {
namespace {

constexpr int64_t kMinute = 60 * 1000;

Error bad_link() {
  return make_error(ErrorCode::invalid_argument,
                    "this link is not valid: it may have expired or been used already; ask for "
                    "a new one");
}

}  // namespace

Status AccountService::request_password_reset(std::string_view email_input, std::string_view ip) {
  auto email = normalize_email(email_input);
  if (!email) return email.error();
  auto lookup = email_hash(*email);
  if (!lookup) return lookup.error();
  const std::string ip_hash = ip_pseudonym(ctx_.keyring, ip);
  const std::string token = random_token();
  const int64_t now = ctx_.clock.now_ms();
  bool queued = false;
  Status written = ctx_.store.db().write([&](Tx& tx) -> Status {
    queued = false;
    auto user = find_user_by_email_hash(tx, *lookup);
    if (!user) return user.error();
    if (!*user || !(*user)->email_verified_at) return ok_status();  // the same answer
    const std::string& user_id = (*user)->id;
    if (auto s = issue_token(
            tx, {new_id("tok", ctx_.clock), secret_hash(token), "reset_password", user_id,
                 std::nullopt, now, now + ctx_.config.reset_token_minutes * kMinute, std::nullopt});
        !s) {
      return s;
    }
    auto mailed = enqueue_mail(
        tx,
        {user_id, *email, "Reset your Parley password",
         "Someone asked to reset the password of your Parley account. To choose a new one, "
         "open:\n\n" +
             ctx_.config.public_url + "/reset-password?token=" + token +
             "\n\nOr send this token to POST /api/v1/auth/password-reset/confirm: " + token +
             "\n\nThe link works once, for " + std::to_string(ctx_.config.reset_token_minutes) +
             " minutes. If you did not ask, ignore this mail: your password stays as it is.",
         "reset_password"},
        ctx_.keyring, ctx_.clock);
    if (!mailed) return mailed.error();
    queued = true;
    return append_audit_entry(tx,
                              {"", "anonymous", "user.password_reset_requested", user_id, ip_hash},
                              ctx_.keyring, ctx_.clock);
  });
  if (!written) return written;
  if (queued) ctx_.mail_queued();
  return ok_status();
}

Status AccountService::reset_password(std::string_view token, std::string_view new_password,
                                      std::string_view ip) {
  const int64_t now = ctx_.clock.now_ms();
  std::optional<OneTimeTokenRow> found;
  std::optional<UserRow> user;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    auto row = find_token(tx, secret_hash(token), "reset_password");
    if (!row) return row.error();
    found = std::move(*row);
    if (!found) return ok_status();
    auto owner = find_user(tx, found->user_id);
    if (!owner) return owner.error();
    user = std::move(*owner);
    return ok_status();
  });
  if (!read) return read;
  if (!found || !user || found->used_at || found->expires_at <= now) return bad_link();
  auto email = email_of(*user);
  if (!email) return email.error();
  if (auto strong = check_password_strength(new_password, *email); !strong) return strong;
  auto password_hash = hashed_password(new_password);
  if (!password_hash) return password_hash.error();
  auto lookup = email_hash(*email);
  if (!lookup) return lookup.error();
  const std::string ip_hash = ip_pseudonym(ctx_.keyring, ip);
  return ctx_.store.db().write([&](Tx& tx) -> Status {
    if (auto s = use_token(tx, found->id, now); !s) return bad_link();
    if (auto s = set_user_password(tx, user->id, *password_hash); !s) return s;
    // Whoever held the old password is signed out everywhere.
    if (auto s = revoke_other_sessions(tx, user->id, "", now); !s) return s;
    if (auto s = clear_throttle(tx, "acct:" + *lookup); !s) return s;
    return append_audit_entry(tx, {"", user->id, "user.password_reset", user->id, ip_hash},
                              ctx_.keyring, ctx_.clock);
  });
}

Status AccountService::change_password(const ActiveSession& active,
                                       std::string_view current_password,
                                       std::string_view new_password, std::string_view ip) {
  if (auto s = check_current_password(active, current_password, ip); !s) return s;
  auto email = email_of(active.user);
  if (!email) return email.error();
  if (auto strong = check_password_strength(new_password, *email); !strong) return strong;
  auto password_hash = hashed_password(new_password);
  if (!password_hash) return password_hash.error();
  const std::string ip_hash = ip_pseudonym(ctx_.keyring, ip);
  const int64_t now = ctx_.clock.now_ms();
  return ctx_.store.db().write([&](Tx& tx) -> Status {
    if (auto s = set_user_password(tx, active.user.id, *password_hash); !s) return s;
    if (auto s = revoke_other_sessions(tx, active.user.id, active.session.id, now); !s) return s;
    return append_audit_entry(
        tx, {"", active.user.id, "user.password_changed", active.user.id, ip_hash}, ctx_.keyring,
        ctx_.clock);
  });
}

Status AccountService::request_email_change(const ActiveSession& active,
                                            std::string_view new_email_input,
                                            std::string_view current_password,
                                            std::string_view ip) {
  if (auto s = check_current_password(active, current_password, ip); !s) return s;
  auto new_email = normalize_email(new_email_input);
  if (!new_email) return new_email.error();
  auto lookup = email_hash(*new_email);
  if (!lookup) return lookup.error();
  const std::string& user_id = active.user.id;
  const std::string token = random_token();
  const std::string token_id = new_id("tok", ctx_.clock);
  auto payload =
      ctx_.keyring.seal(user_id, {"one_time_tokens", "payload_sealed", token_id}, *new_email);
  if (!payload) return payload.error();
  const std::string ip_hash = ip_pseudonym(ctx_.keyring, ip);
  const int64_t now = ctx_.clock.now_ms();
  bool queued = false;
  Status written = ctx_.store.db().write([&](Tx& tx) -> Status {
    queued = false;
    auto taken = find_user_by_email_hash(tx, *lookup);
    if (!taken) return taken.error();
    // An address that already has an account gets no mail: the answer reveals nothing.
    if (*taken) return ok_status();
    if (auto s =
            issue_token(tx, {token_id, secret_hash(token), "change_email", user_id, *payload, now,
                             now + ctx_.config.verify_token_hours * 60 * kMinute, std::nullopt});
        !s) {
      return s;
    }
    auto mailed =
        enqueue_mail(tx,
                     {user_id, *new_email, "Confirm your new email address for Parley",
                      "To make this your Parley sign-in address, open:\n\n" +
                          ctx_.config.public_url + "/confirm-email?token=" + token +
                          "\n\nOr send this token to POST /api/v1/auth/email/confirm: " + token +
                          "\n\nIf you did not ask for this, ignore this mail.",
                      "change_email"},
                     ctx_.keyring, ctx_.clock);
    if (!mailed) return mailed.error();
    queued = true;
    return append_audit_entry(tx, {"", user_id, "user.email_change_requested", user_id, ip_hash},
                              ctx_.keyring, ctx_.clock);
  });
  if (!written) return written;
  if (queued) ctx_.mail_queued();
  return ok_status();
}

Status AccountService::confirm_email_change(std::string_view token, std::string_view ip) {
  const int64_t now = ctx_.clock.now_ms();
  const std::string ip_hash = ip_pseudonym(ctx_.keyring, ip);
  return ctx_.store.db().write([&](Tx& tx) -> Status {
    auto found = find_token(tx, secret_hash(token), "change_email");
    if (!found) return found.error();
    if (!*found || (*found)->used_at || (*found)->expires_at <= now || !(*found)->payload_sealed) {
      return bad_link();
    }
    const OneTimeTokenRow& row = **found;
    auto new_email = ctx_.keyring.open(row.user_id, {"one_time_tokens", "payload_sealed", row.id},
                                       *row.payload_sealed);
    if (!new_email) return bad_link();
    auto lookup = email_hash(*new_email);
    if (!lookup) return lookup.error();
    auto sealed =
        ctx_.keyring.seal(row.user_id, {"users", "email_sealed", row.user_id}, *new_email);
    if (!sealed) return sealed.error();
    if (auto s = use_token(tx, row.id, now); !s) return bad_link();
    if (auto s = set_user_email(tx, row.user_id, *lookup, *sealed); !s) {
      if (s.error().code == ErrorCode::conflict) {
        return make_error(ErrorCode::conflict, "this address now belongs to another account");
      }
      return s;
    }
    return append_audit_entry(tx, {"", row.user_id, "user.email_changed", row.user_id, ip_hash},
                              ctx_.keyring, ctx_.clock);
  });
}

}  // namespace parley
