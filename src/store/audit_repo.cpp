#include "store/audit_repo.h"

#include <sodium.h>

#include <cassert>

#include "core/base64.h"
#include "core/ids.h"
#include "core/sodium.h"

namespace parley {
namespace {

constexpr size_t kMaxFieldBytes = 255;
constexpr std::string_view kEntryColumns =
    "seq, id, at, workspace_id, actor_id, action, target_id, ip_hash, prev_hash, hash";

bool is_lower_hex(std::string_view text, size_t length) {
  if (text.size() != length) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// "member.invited", "api_key.created": two or more segments of [a-z][a-z0-9_]*.
bool is_dotted_action(std::string_view action) {
  if (action.empty() || action.size() > 64) return false;
  int segments = 0;
  bool at_segment_start = true;
  for (char c : action) {
    if (c == '.') {
      if (at_segment_start) return false;
      at_segment_start = true;
      continue;
    }
    const bool lower = c >= 'a' && c <= 'z';
    if (at_segment_start) {
      if (!lower) return false;
      at_segment_start = false;
      ++segments;
    } else if (!lower && !(c >= '0' && c <= '9') && c != '_') {
      return false;
    }
  }
  return !at_segment_start && segments >= 2;
}

// Messages name the field, never its value: a refused value may be personal data.
Status validate(const AuditEntryInput& input) {
  const std::pair<const char*, const std::string*> fields[] = {
      {"workspace_id", &input.workspace_id},
      {"actor_id", &input.actor_id},
      {"action", &input.action},
      {"target_id", &input.target_id},
      {"ip_hash", &input.ip_hash}};
  for (const auto& [name, value] : fields) {
    if (value->find('@') != std::string::npos) {
      return make_error(ErrorCode::invalid_argument,
                        std::string("audit entries hold ids only: the ") + name +
                            " contains '@' (an email address?)");
    }
    if (value->size() > kMaxFieldBytes) {
      return make_error(ErrorCode::invalid_argument,
                        std::string("the audit entry's ") + name + " is longer than 255 bytes");
    }
  }
  if (input.actor_id.empty()) {
    return make_error(ErrorCode::invalid_argument, "an audit entry needs an actor id");
  }
  if (!is_dotted_action(input.action)) {
    return make_error(ErrorCode::invalid_argument,
                      "an audit action is lowercase.dotted, e.g. member.invited");
  }
  if (!input.ip_hash.empty() && !is_lower_hex(input.ip_hash, 64)) {
    return make_error(ErrorCode::invalid_argument,
                      "an audit ip_hash is the 64 hex digits of audit_ip_hash(), never an IP");
  }
  return ok_status();
}

void put_field(crypto_hash_sha256_state& state, std::string_view field) {
  uint8_t length[8];
  uint64_t n = field.size();
  for (int i = 7; i >= 0; --i) {
    length[i] = static_cast<uint8_t>(n & 0xff);
    n >>= 8;
  }
  crypto_hash_sha256_update(&state, length, sizeof length);
  crypto_hash_sha256_update(&state, reinterpret_cast<const uint8_t*>(field.data()), field.size());
}

AuditEntry entry_from(const Row& row) {
  AuditEntry e;
  e.seq = row.integer(0);
  e.id = row.text(1);
  e.at = row.integer(2);
  e.workspace_id = row.text(3);
  e.actor_id = row.text(4);
  e.action = row.text(5);
  e.target_id = row.text(6);
  e.ip_hash = row.text(7);
  e.prev_hash = row.text(8);
  e.hash = row.text(9);
  return e;
}

Result<std::vector<AuditEntry>> entries_from(Result<std::vector<Row>> rows) {
  if (!rows) return rows.error();
  std::vector<AuditEntry> out;
  out.reserve(rows->size());
  for (const Row& row : *rows) out.push_back(entry_from(row));
  return out;
}

Result<std::string> sign_hex(Keyring& keyring, const std::string& message) {
  auto signature = keyring.sign(kAuditSigningOwner, message);
  if (!signature) return signature.error();
  return hex_encode(*signature);
}

// Where the next entry goes: after the signed head. Continuing from the head rather than
// from the newest row keeps a cut tail visible (as a gap) after later appends, and
// refusing a head that does not verify keeps a forged head from being re-signed.
Result<AuditEntry> next_position(Tx& tx, Keyring& keyring) {
  auto head = read_audit_head(tx);
  if (!head) return head.error();
  AuditEntry next;
  if (!head->has_value()) {
    auto any = tx.query("SELECT seq FROM audit_log LIMIT 1");
    if (!any) return any.error();
    if (!any->empty()) {
      return make_error(ErrorCode::internal,
                        "the audit log has entries but no signed head: it was tampered with; "
                        "run `parley audit verify`");
    }
    next.seq = 1;
    next.prev_hash = std::string(kAuditGenesisHash);
    return next;
  }
  const AuditHead& current = **head;
  auto public_key = keyring.public_signing_key(kAuditSigningOwner);
  if (!public_key) return public_key.error();
  if (!audit_signature_valid(*public_key, audit_head_message(current.seq, current.hash),
                             current.signature)) {
    return make_error(ErrorCode::internal,
                      "the audit log's signed head does not verify: it was tampered with; run "
                      "`parley audit verify`");
  }
  next.seq = current.seq + 1;
  next.prev_hash = current.hash;
  return next;
}

}  // namespace

Result<std::string> audit_ip_hash(Keyring& keyring, std::string_view ip) {
  if (ip.empty()) return std::string();
  auto mac = keyring.mac("server", "audit-ip", ip);
  if (!mac) return mac.error();
  return hex_encode(*mac);
}

Status append_audit_entry(Tx& tx, const AuditEntryInput& input, Keyring& keyring,
                          const Clock& clock, int checkpoint_every) {
  assert(checkpoint_every > 0);
  if (auto valid = validate(input); !valid) return valid;
  auto position = next_position(tx, keyring);
  if (!position) return position.error();
  AuditEntry entry = std::move(position).value();
  entry.id = new_id("aud", clock);
  entry.at = clock.now_ms();
  entry.workspace_id = input.workspace_id;
  entry.actor_id = input.actor_id;
  entry.action = input.action;
  entry.target_id = input.target_id;
  entry.ip_hash = input.ip_hash;
  entry.hash = audit_entry_hash(entry);

  auto head_signature = sign_hex(keyring, audit_head_message(entry.seq, entry.hash));
  if (!head_signature) return head_signature.error();
  // The head first: on PostgreSQL, concurrent appends collide on this one row and all but
  // one are retried (serialization failure) before they reach the entry's seq.
  auto head = tx.exec(
      "INSERT INTO audit_head (id, seq, hash, signature) VALUES (1, $1, $2, $3)"
      " ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,"
      " signature = excluded.signature",
      {entry.seq, entry.hash, *head_signature});
  if (!head) return head.error();
  auto inserted = tx.exec(
      "INSERT INTO audit_log (seq, id, at, workspace_id, actor_id, action, target_id, ip_hash,"
      " prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
      {entry.seq, entry.id, entry.at, entry.workspace_id, entry.actor_id, entry.action,
       entry.target_id, entry.ip_hash, entry.prev_hash, entry.hash});
  if (!inserted) return inserted.error();

  if (entry.seq % checkpoint_every == 0) {
    auto signature = sign_hex(keyring, audit_checkpoint_message(entry.seq, entry.hash));
    if (!signature) return signature.error();
    auto checkpoint =
        tx.exec("INSERT INTO audit_checkpoints (seq, hash, signature, at) VALUES ($1, $2, $3, $4)",
                {entry.seq, entry.hash, *signature, entry.at});
    if (!checkpoint) return checkpoint.error();
  }
  return ok_status();
}

Result<std::vector<AuditEntry>> list_audit_entries(Database& db, std::string_view workspace_id,
                                                   int64_t after_seq, int limit) {
  if (workspace_id.empty()) {
    return make_error(ErrorCode::invalid_argument, "a workspace id is required");
  }
  if (limit < 1 || limit > kAuditMaxPage) {
    return make_error(ErrorCode::invalid_argument,
                      "limit must be between 1 and " + std::to_string(kAuditMaxPage));
  }
  const std::string select = "SELECT " + std::string(kEntryColumns) + " FROM audit_log";
  Result<std::vector<AuditEntry>> page = std::vector<AuditEntry>{};
  auto status = db.read([&](Tx& tx) -> Status {
    page = entries_from(
        after_seq > 0
            ? tx.query(select + " WHERE workspace_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3",
                       {std::string(workspace_id), after_seq, int64_t{limit}})
            : tx.query(select + " WHERE workspace_id = $1 ORDER BY seq DESC LIMIT $2",
                       {std::string(workspace_id), int64_t{limit}}));
    if (!page) return page.error();
    return ok_status();
  });
  if (!status) return status.error();
  return page;
}

std::string audit_entry_hash(const AuditEntry& entry) {
  ensure_sodium();
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  put_field(state, "parley-audit-entry-v1");
  put_field(state, std::to_string(entry.seq));
  put_field(state, entry.id);
  put_field(state, std::to_string(entry.at));
  put_field(state, entry.workspace_id);
  put_field(state, entry.actor_id);
  put_field(state, entry.action);
  put_field(state, entry.target_id);
  put_field(state, entry.ip_hash);
  put_field(state, entry.prev_hash);
  std::vector<uint8_t> digest(crypto_hash_sha256_BYTES);
  crypto_hash_sha256_final(&state, digest.data());
  return hex_encode(digest);
}

std::string audit_checkpoint_message(int64_t seq, std::string_view hash) {
  return "parley-audit-checkpoint:" + std::to_string(seq) + ":" + std::string(hash);
}

std::string audit_head_message(int64_t seq, std::string_view hash) {
  return "parley-audit-head:" + std::to_string(seq) + ":" + std::string(hash);
}

bool audit_signature_valid(const std::vector<uint8_t>& public_key, std::string_view message,
                           std::string_view signature_hex) {
  ensure_sodium();
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES) return false;
  if (!is_lower_hex(signature_hex, 2 * crypto_sign_BYTES)) return false;
  uint8_t signature[crypto_sign_BYTES];
  size_t length = 0;
  if (sodium_hex2bin(signature, sizeof signature, signature_hex.data(), signature_hex.size(),
                     nullptr, &length, nullptr) != 0 ||
      length != sizeof signature) {
    return false;
  }
  return crypto_sign_verify_detached(signature, reinterpret_cast<const uint8_t*>(message.data()),
                                     message.size(), public_key.data()) == 0;
}

Result<std::vector<AuditEntry>> read_audit_entries(Tx& tx, int64_t after_seq, int limit) {
  return entries_from(tx.query("SELECT " + std::string(kEntryColumns) +
                                   " FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
                               {after_seq, int64_t{limit}}));
}

Result<std::vector<AuditCheckpoint>> read_audit_checkpoints(Tx& tx) {
  auto rows = tx.query("SELECT seq, hash, signature, at FROM audit_checkpoints ORDER BY seq");
  if (!rows) return rows.error();
  std::vector<AuditCheckpoint> out;
  out.reserve(rows->size());
  for (const Row& row : *rows) {
    out.push_back({row.integer(0), row.text(1), row.text(2), row.integer(3)});
  }
  return out;
}

Result<std::optional<AuditHead>> read_audit_head(Tx& tx) {
  auto rows = tx.query("SELECT seq, hash, signature FROM audit_head WHERE id = 1");
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<AuditHead>();
  const Row& row = (*rows)[0];
  return std::optional<AuditHead>(AuditHead{row.integer(0), row.text(1), row.text(2)});
}

}  // namespace parley
