#include "store/users_repo.h"

#include "store/repo_util.h"

namespace parley {
namespace {

constexpr std::string_view kUserColumns =
    "id, email_hash, email_sealed, password_hash, age_statement, email_verified_at, "
    "is_operator, created_at, last_active_at";

UserRow user_from(const Row& row) {
  UserRow user;
  user.id = row.text(0);
  user.email_hash = row.text(1);
  user.email_sealed = row.bytes(2);
  user.password_hash = row.text(3);
  user.age_statement = row.text(4);
  if (!row.is_null(5)) user.email_verified_at = row.integer(5);
  user.is_operator = row.integer(6) != 0;
  user.created_at = row.integer(7);
  user.last_active_at = row.integer(8);
  return user;
}

Result<std::optional<UserRow>> one_user(Tx& tx, std::string_view where, std::string_view key) {
  auto rows = tx.query(
      "SELECT " + std::string(kUserColumns) + " FROM users WHERE " + std::string(where) + " = $1",
      {std::string(key)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<UserRow>{};
  return std::optional<UserRow>(user_from(rows->front()));
}

}  // namespace

Status insert_user(Tx& tx, const UserRow& user) {
  auto inserted = tx.exec(
      "INSERT INTO users (" + std::string(kUserColumns) +
          ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      {user.id, user.email_hash, user.email_sealed, user.password_hash, user.age_statement,
       user.email_verified_at ? SqlValue(*user.email_verified_at) : SqlValue(std::monostate{}),
       int64_t{user.is_operator}, user.created_at, user.last_active_at});
  if (!inserted) return inserted.error();
  return ok_status();
}

Result<std::optional<UserRow>> find_user(Tx& tx, std::string_view user_id) {
  return one_user(tx, "id", user_id);
}

Result<std::optional<UserRow>> find_user_by_email_hash(Tx& tx, std::string_view email_hash) {
  return one_user(tx, "email_hash", email_hash);
}

Status set_user_verified(Tx& tx, std::string_view user_id, int64_t at) {
  return changed_one(
      tx.exec("UPDATE users SET email_verified_at = $2 WHERE id = $1 AND email_verified_at IS NULL",
              {std::string(user_id), at}),
      "unverified user");
}

Status set_user_password(Tx& tx, std::string_view user_id, std::string_view password_hash) {
  return changed_one(tx.exec("UPDATE users SET password_hash = $2 WHERE id = $1",
                             {std::string(user_id), std::string(password_hash)}),
                     "user");
}

Status set_user_email(Tx& tx, std::string_view user_id, std::string_view email_hash,
                      const Bytes& email_sealed) {
  return changed_one(tx.exec("UPDATE users SET email_hash = $2, email_sealed = $3 WHERE id = $1",
                             {std::string(user_id), std::string(email_hash), email_sealed}),
                     "user");
}

Status set_user_operator(Tx& tx, std::string_view user_id, bool is_operator) {
  return changed_one(tx.exec("UPDATE users SET is_operator = $2 WHERE id = $1",
                             {std::string(user_id), int64_t{is_operator}}),
                     "user");
}

Status touch_user(Tx& tx, std::string_view user_id, int64_t at) {
  return changed_one(
      tx.exec("UPDATE users SET last_active_at = $2 WHERE id = $1", {std::string(user_id), at}),
      "user");
}

Status issue_token(Tx& tx, const OneTimeTokenRow& token) {
  if (auto s = retire_tokens(tx, token.user_id, token.kind, token.created_at); !s) return s;
  auto inserted = tx.exec(
      "INSERT INTO one_time_tokens (id, token_hash, kind, user_id, payload_sealed, created_at, "
      "expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {token.id, token.token_hash, token.kind, token.user_id, or_null(token.payload_sealed),
       token.created_at, token.expires_at});
  if (!inserted) return inserted.error();
  return ok_status();
}

Result<std::optional<OneTimeTokenRow>> find_token(Tx& tx, std::string_view token_hash,
                                                  std::string_view kind) {
  auto rows = tx.query(
      "SELECT id, token_hash, kind, user_id, payload_sealed, created_at, expires_at, used_at "
      "FROM one_time_tokens WHERE token_hash = $1 AND kind = $2",
      {std::string(token_hash), std::string(kind)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<OneTimeTokenRow>{};
  const Row& row = rows->front();
  OneTimeTokenRow token{row.text(0), row.text(1),    row.text(2),    row.text(3),
                        {},          row.integer(5), row.integer(6), {}};
  if (!row.is_null(4)) token.payload_sealed = row.bytes(4);
  if (!row.is_null(7)) token.used_at = row.integer(7);
  return std::optional<OneTimeTokenRow>(std::move(token));
}

Status use_token(Tx& tx, std::string_view token_id, int64_t at) {
  auto changed =
      tx.exec("UPDATE one_time_tokens SET used_at = $2 WHERE id = $1 AND used_at IS NULL",
              {std::string(token_id), at});
  if (!changed) return changed.error();
  if (*changed == 0) return make_error(ErrorCode::conflict, "this link has already been used");
  return ok_status();
}

Status retire_tokens(Tx& tx, std::string_view user_id, std::string_view kind, int64_t at) {
  auto changed = tx.exec(
      "UPDATE one_time_tokens SET used_at = $3 WHERE user_id = $1 AND kind = $2 AND used_at IS "
      "NULL",
      {std::string(user_id), std::string(kind), at});
  if (!changed) return changed.error();
  return ok_status();
}

}  // namespace parley
