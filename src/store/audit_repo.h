// The audit log's storage: append-only entries in a SHA-256 hash chain, an Ed25519-signed
// checkpoint every N entries and a signed head (the newest entry). Services append inside
// their own write; the API pages through a workspace's entries; audit/ verifies the chain.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/keyring.h"
#include "core/result.h"
#include "store/database.h"

namespace parley {

// A checkpoint every this many entries. The writer and `parley audit verify` must agree.
inline constexpr int kAuditCheckpointEvery = 100;
// The keyring owner whose derived Ed25519 key signs checkpoints and the head.
inline constexpr std::string_view kAuditSigningOwner = "audit";
// The prev_hash of entry 1.
inline constexpr std::string_view kAuditGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";
// The most entries one page of list_audit_entries returns.
inline constexpr int kAuditMaxPage = 1000;

// What a caller records. Ids and a keyed hash only: no email, IP or name.
struct AuditEntryInput {
  std::string workspace_id;  // "" for installation-wide actions
  std::string actor_id;      // the account (or "system") that acted; required
  std::string action;        // lowercase.dotted, e.g. "member.invited"
  std::string target_id;     // what the action was done to; "" when nothing
  std::string ip_hash;       // audit_ip_hash() of the client address; "" when none
};

struct AuditEntry {
  int64_t seq = 0;  // 1, 2, 3...: contiguous
  std::string id;   // aud_...
  int64_t at = 0;   // ms since the epoch
  std::string workspace_id;
  std::string actor_id;
  std::string action;
  std::string target_id;
  std::string ip_hash;
  std::string prev_hash;  // hex SHA-256: the previous entry's hash (kAuditGenesisHash for 1)
  std::string hash;       // hex SHA-256: audit_entry_hash() of this entry
};

struct AuditCheckpoint {
  int64_t seq = 0;
  std::string hash;       // the hash of entry `seq`
  std::string signature;  // hex Ed25519 over audit_checkpoint_message(seq, hash)
  int64_t at = 0;
};

struct AuditHead {
  int64_t seq = 0;        // the newest entry
  std::string hash;       // its hash
  std::string signature;  // hex Ed25519 over audit_head_message(seq, hash)
};

// Hex of the keyed hash (HMAC under the keyring's "server" key, purpose "audit-ip") of a
// client address: the same address gives the same value, and without the keyring it
// cannot be turned back into the address. "" for an empty address.
Result<std::string> audit_ip_hash(Keyring& keyring, std::string_view ip);

// Appends one entry inside the caller's write, so that it commits (or rolls back) with
// the action it records. Continues the chain from the signed head (refusing, internal,
// when the head's signature does not verify: run `parley audit verify`), re-signs the
// head, and every `checkpoint_every` entries adds a signed checkpoint.
// Refuses (invalid_argument, quoting no value) an action that is not lowercase.dotted, an
// empty actor, an ip_hash that is not 64 hex digits, a field over 255 bytes, and any field
// containing '@': a cheap guard against an email address slipping into the log.
Status append_audit_entry(Tx& tx, const AuditEntryInput& input, Keyring& keyring,
                          const Clock& clock, int checkpoint_every = kAuditCheckpointEvery);

// One page of a workspace's entries, NEWEST FIRST, for the API. `after_seq` is the cursor:
// 0 for the first page, then the seq of the last entry of the previous page (the page
// holds entries with a smaller seq). A page shorter than `limit` is the last. Refuses an
// empty workspace id (installation-wide entries are not a workspace's) and a limit
// outside 1..kAuditMaxPage.
Result<std::vector<AuditEntry>> list_audit_entries(Database& db, std::string_view workspace_id,
                                                   int64_t after_seq, int limit);

// ---- The chain's rules, shared by the writer and the verifier --------------------------

// Hex SHA-256 over a length-prefixed encoding of seq, id, at, workspace_id, actor_id,
// action, target_id, ip_hash and prev_hash (every field but `hash`).
std::string audit_entry_hash(const AuditEntry& entry);
// What is signed: "parley-audit-checkpoint:<seq>:<hash>" and "parley-audit-head:<seq>:<hash>".
std::string audit_checkpoint_message(int64_t seq, std::string_view hash);
std::string audit_head_message(int64_t seq, std::string_view hash);
// True when `signature_hex` is a valid Ed25519 signature of `message` under `public_key`.
bool audit_signature_valid(const std::vector<uint8_t>& public_key, std::string_view message,
                           std::string_view signature_hex);

// ---- The read side for verification: call inside one read, so all is one snapshot -------

// Entries with seq > after_seq, oldest first, at most `limit`.
Result<std::vector<AuditEntry>> read_audit_entries(Tx& tx, int64_t after_seq, int limit);
// Every checkpoint, by seq.
Result<std::vector<AuditCheckpoint>> read_audit_checkpoints(Tx& tx);
// The signed head; nullopt when nothing was ever appended (or the row was deleted).
Result<std::optional<AuditHead>> read_audit_head(Tx& tx);

}  // namespace parley
