// Checks the audit log end to end: every entry's hash, the chain's links, contiguous seqs,
// every checkpoint's signature and the signed head. Run by `parley audit verify`.
#pragma once

#include <cstdint>
#include <string>

#include "core/keyring.h"
#include "core/result.h"
#include "store/audit_repo.h"
#include "store/database.h"

namespace parley {

struct AuditVerdict {
  bool ok = true;
  int64_t entries = 0;      // entries read
  int64_t checkpoints = 0;  // checkpoint rows read
  // When !ok, the first problem in seq order, for an operator, e.g.
  // "entry 17 (aud_...): hash does not match its contents", "entry 50 is missing",
  // "the log was truncated after entry 220: the signed head names entry 250".
  std::string first_bad;
};

// Reads the whole log in one snapshot. Fails (an error, not a verdict) only when the
// database cannot be read. A log of no entries, checkpoints or head is ok. Never creates
// the audit signing key: a log with signatures and a keyring without that key fails.
Result<AuditVerdict> verify_audit_log(Database& db, Keyring& keyring,
                                      int checkpoint_every = kAuditCheckpointEvery);

}  // namespace parley
