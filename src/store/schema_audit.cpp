// Migration 3: the tamper-evident audit log (audit_repo.h writes it, audit/ verifies it).
#include "store/schema.h"

namespace parley {

Migration audit_migration() {
  return {3, "create audit log",
          // One row per audited action, in a hash chain: `hash` is SHA-256 over the
          // row's fields and `prev_hash`, the hash of the entry before it. Ids and a
          // keyed hash of the IP only: no email, IP or name.
          "CREATE TABLE audit_log (\n"
          "  seq BIGINT PRIMARY KEY,\n"
          "  id TEXT NOT NULL UNIQUE,\n"
          "  at BIGINT NOT NULL,\n"
          "  workspace_id TEXT NOT NULL DEFAULT '',\n"
          "  actor_id TEXT NOT NULL,\n"
          "  action TEXT NOT NULL,\n"
          "  target_id TEXT NOT NULL DEFAULT '',\n"
          "  ip_hash TEXT NOT NULL DEFAULT '',\n"
          "  prev_hash TEXT NOT NULL,\n"
          "  hash TEXT NOT NULL\n"
          ");\n"
          // An admin pages through their workspace's entries by seq.
          "CREATE INDEX audit_log_workspace_seq ON audit_log (workspace_id, seq);\n"
          // Every N entries, the entry's hash signed with the keyring's audit key.
          "CREATE TABLE audit_checkpoints (\n"
          "  seq BIGINT PRIMARY KEY,\n"
          "  hash TEXT NOT NULL,\n"
          "  signature TEXT NOT NULL,\n"
          "  at BIGINT NOT NULL\n"
          ");\n"
          // The newest entry's seq and hash, signed after every append: a tail cut back
          // to just after a checkpoint still shows.
          "CREATE TABLE audit_head (\n"
          "  id BIGINT PRIMARY KEY,\n"
          "  seq BIGINT NOT NULL,\n"
          "  hash TEXT NOT NULL,\n"
          "  signature TEXT NOT NULL\n"
          ");\n"};
}

}  // namespace parley
