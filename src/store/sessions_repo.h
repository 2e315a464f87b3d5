// SQL for dashboard sessions and for the login throttle. Called by the account service.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace parley {

struct SessionRow {
  std::string id;
  std::string token_hash;
  std::string user_id;
  int64_t created_at = 0;
  int64_t last_seen_at = 0;
  int64_t expires_at = 0;  // absolute expiry
  std::optional<int64_t> revoked_at;
};

Status insert_session(Tx& tx, const SessionRow& session);
Result<std::optional<SessionRow>> find_session_by_token_hash(Tx& tx, std::string_view token_hash);
Result<std::vector<SessionRow>> list_live_sessions(Tx& tx, std::string_view user_id, int64_t now);
Status touch_session(Tx& tx, std::string_view session_id, int64_t at);
// Revokes one of the user's sessions; not_found when it is not theirs or already gone.
Status revoke_session(Tx& tx, std::string_view user_id, std::string_view session_id, int64_t at);
// Revokes every live session of the user except `keep` (may be empty): after a password
// change or reset.
Status revoke_other_sessions(Tx& tx, std::string_view user_id, std::string_view keep, int64_t at);

struct ThrottleRow {
  int64_t failures = 0;
  int64_t locked_until = 0;
  int64_t updated_at = 0;
};
Result<ThrottleRow> read_throttle(Tx& tx, std::string_view key);
Status write_throttle(Tx& tx, std::string_view key, const ThrottleRow& row, int64_t at);
Status clear_throttle(Tx& tx, std::string_view key);

}  // namespace parley
