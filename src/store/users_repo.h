// SQL for account holders and their one-time email tokens. Called by the account service
// inside its read and write transactions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace parley {

struct UserRow {
  std::string id;
  std::string email_hash;
  Bytes email_sealed;
  std::string password_hash;
  std::string age_statement;
  std::optional<int64_t> email_verified_at;
  bool is_operator = false;
  int64_t created_at = 0;
  int64_t last_active_at = 0;
};

Status insert_user(Tx& tx, const UserRow& user);
Result<std::optional<UserRow>> find_user(Tx& tx, std::string_view user_id);
Result<std::optional<UserRow>> find_user_by_email_hash(Tx& tx, std::string_view email_hash);
Status set_user_verified(Tx& tx, std::string_view user_id, int64_t at);
Status set_user_password(Tx& tx, std::string_view user_id, std::string_view password_hash);
Status set_user_email(Tx& tx, std::string_view user_id, std::string_view email_hash,
                      const Bytes& email_sealed);
Status set_user_operator(Tx& tx, std::string_view user_id, bool is_operator);
Status touch_user(Tx& tx, std::string_view user_id, int64_t at);

struct OneTimeTokenRow {
  std::string id;
  std::string token_hash;
  std::string kind;  // verify_email | reset_password | change_email
  std::string user_id;
  std::optional<Bytes> payload_sealed;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  std::optional<int64_t> used_at;
};

// Inserts the token after retiring the user's unused tokens of the same kind: only the
// newest link works.
Status issue_token(Tx& tx, const OneTimeTokenRow& token);
Result<std::optional<OneTimeTokenRow>> find_token(Tx& tx, std::string_view token_hash,
                                                  std::string_view kind);
// Marks the token used; conflict when it already was (a reuse, or a race with one).
Status use_token(Tx& tx, std::string_view token_id, int64_t at);
// Marks every unused token of this kind for the user as used (a newer one replaces them).
Status retire_tokens(Tx& tx, std::string_view user_id, std::string_view kind, int64_t at);

}  // namespace parley
