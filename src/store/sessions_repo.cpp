#include "store/sessions_repo.h"

#include "store/repo_util.h"

namespace parley {
namespace {

constexpr std::string_view kSessionColumns =
    "id, token_hash, user_id, created_at, last_seen_at, expires_at, revoked_at";

SessionRow session_from(const Row& row) {
  SessionRow session{row.text(0),    row.text(1),    row.text(2), row.integer(3),
                     row.integer(4), row.integer(5), {}};
  if (!row.is_null(6)) session.revoked_at = row.integer(6);
  return session;
}

}  // namespace

Status insert_session(Tx& tx, const SessionRow& session) {
  return done(
      tx.exec("INSERT INTO sessions (id, token_hash, user_id, created_at, last_seen_at, "
              "expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
              {session.id, session.token_hash, session.user_id, session.created_at,
               session.last_seen_at, session.expires_at}));
}

Result<std::optional<SessionRow>> find_session_by_token_hash(Tx& tx, std::string_view token_hash) {
  auto rows =
      tx.query("SELECT " + std::string(kSessionColumns) + " FROM sessions WHERE token_hash = $1",
               {std::string(token_hash)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<SessionRow>{};
  return std::optional<SessionRow>(session_from(rows->front()));
}

Result<std::vector<SessionRow>> list_live_sessions(Tx& tx, std::string_view user_id, int64_t now) {
  auto rows = tx.query("SELECT " + std::string(kSessionColumns) +
                           " FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND "
                           "expires_at > $2 ORDER BY created_at DESC, id DESC",
                       {std::string(user_id), now});
  if (!rows) return rows.error();
  std::vector<SessionRow> sessions;
  for (const Row& row : *rows) sessions.push_back(session_from(row));
  return sessions;
}

Status touch_session(Tx& tx, std::string_view session_id, int64_t at) {
  return done(tx.exec("UPDATE sessions SET last_seen_at = $2 WHERE id = $1",
                      {std::string(session_id), at}));
}

Status revoke_session(Tx& tx, std::string_view user_id, std::string_view session_id, int64_t at) {
  auto changed = tx.exec(
      "UPDATE sessions SET revoked_at = $3 WHERE id = $2 AND user_id = $1 AND revoked_at IS NULL",
      {std::string(user_id), std::string(session_id), at});
  if (!changed) return changed.error();
  if (*changed == 0) return make_error(ErrorCode::not_found, "no such session");
  return ok_status();
}

Status revoke_other_sessions(Tx& tx, std::string_view user_id, std::string_view keep, int64_t at) {
  return done(tx.exec(
      "UPDATE sessions SET revoked_at = $3 WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL",
      {std::string(user_id), std::string(keep), at}));
}

Result<ThrottleRow> read_throttle(Tx& tx, std::string_view key) {
  auto rows =
      tx.query("SELECT failures, locked_until, updated_at FROM login_throttle WHERE key = $1",
               {std::string(key)});
  if (!rows) return rows.error();
  if (rows->empty()) return ThrottleRow{};
  const Row& row = rows->front();
  return ThrottleRow{row.integer(0), row.integer(1), row.integer(2)};
}

Status write_throttle(Tx& tx, std::string_view key, const ThrottleRow& row, int64_t at) {
  return done(tx.exec(
      "INSERT INTO login_throttle (key, failures, locked_until, updated_at) VALUES ($1, $2, $3, "
      "$4) ON CONFLICT (key) DO UPDATE SET failures = $2, locked_until = $3, updated_at = $4",
      {std::string(key), row.failures, row.locked_until, at}));
}

Status clear_throttle(Tx& tx, std::string_view key) {
  return done(tx.exec("DELETE FROM login_throttle WHERE key = $1", {std::string(key)}));
}

}  // namespace parley
