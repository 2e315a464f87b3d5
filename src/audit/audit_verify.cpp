#include "audit/audit_verify.h"

#include <cassert>
#include <map>
#include <optional>
#include <vector>

namespace parley {
namespace {

constexpr int kPageSize = 1000;

std::string name_of(const AuditEntry& entry) {
  return "entry " + std::to_string(entry.seq) + " (" + entry.id + ")";
}

// Walks the entries in seq order and keeps the first problem found. Once one is found the
// rest are only counted: later complaints would be echoes of the first.
class ChainCheck {
 public:
  ChainCheck(const std::vector<uint8_t>* public_key, int checkpoint_every,
             const std::vector<AuditCheckpoint>& checkpoints, const std::optional<AuditHead>& head)
      : public_key_(public_key), every_(checkpoint_every), head_(head) {
    for (const AuditCheckpoint& c : checkpoints) checkpoints_.emplace(c.seq, c);
  }

  void entry(const AuditEntry& e) {
    ++entries_;
    if (!first_bad_.empty()) return;
    check_entry(e);
    if (first_bad_.empty()) check_checkpoint_at(e);
    if (head_ && e.seq == head_->seq + 1) after_head_ = name_of(e);
    last_seq_ = e.seq;
    last_hash_ = e.hash;
  }

  // After the last entry: what must not lie beyond it.
  void finish() {
    if (first_bad_.empty()) check_checkpoints_beyond_end();
    if (first_bad_.empty()) check_head();
  }

  AuditVerdict verdict() const {
    return {first_bad_.empty(), entries_, static_cast<int64_t>(checkpoints_.size()), first_bad_};
  }

 private:
  void fail(std::string message) {
    if (first_bad_.empty()) first_bad_ = std::move(message);
  }

  bool signed_ok(const std::string& message, const std::string& signature) const {
    return public_key_ != nullptr && audit_signature_valid(*public_key_, message, signature);
  }

  std::string no_key(const std::string& what) const {
    return "cannot check " + what + ": the keyring has no audit signing key";
  }

  void check_entry(const AuditEntry& e) {
    const int64_t expected = last_seq_ + 1;
    if (e.seq > expected) {
      const std::string missing = e.seq == expected + 1
                                      ? "entry " + std::to_string(expected) + " is missing"
                                      : "entries " + std::to_string(expected) + " to " +
                                            std::to_string(e.seq - 1) + " are missing";
      return fail(missing + ": the log goes from entry " + std::to_string(last_seq_) +
                  " to entry " + std::to_string(e.seq));
    }
    if (e.seq < expected) {
      return fail(name_of(e) + ": seq is not positive (not written by parley)");
    }
    if (audit_entry_hash(e) != e.hash) {
      return fail(name_of(e) + ": hash does not match its contents");
    }
    if (e.prev_hash != last_hash_) {
      return fail(name_of(e) + (e.seq == 1 ? ": prev_hash is not the start of the chain"
                                           : ": prev_hash is not the hash of entry " +
                                                 std::to_string(last_seq_) + " (out of order)"));
    }
  }

  void check_checkpoint_at(const AuditEntry& e) {
    const std::string where = "the checkpoint at entry " + std::to_string(e.seq);
    auto it = checkpoints_.find(e.seq);
    if (it == checkpoints_.end()) {
      if (e.seq % every_ == 0) fail(where + " is missing");
      return;
    }
    const AuditCheckpoint& c = it->second;
    if (e.seq % every_ != 0) {
      return fail(where + " is not at a multiple of " + std::to_string(every_) +
                  " (not written by parley)");
    }
    if (public_key_ == nullptr) return fail(no_key(where));
    if (!signed_ok(audit_checkpoint_message(c.seq, c.hash), c.signature)) {
      return fail(where + ": signature does not verify (altered or forged)");
    }
    if (c.hash != e.hash) {
      return fail(where + " does not match " + name_of(e) + ": entries " +
                  std::to_string(last_checkpoint_ + 1) + " to " + std::to_string(e.seq) +
                  " were rewritten");
    }
    last_checkpoint_ = e.seq;
  }

  // A checkpoint past the last entry, if genuine, proves entries were cut off.
  void check_checkpoints_beyond_end() {
    auto it = checkpoints_.upper_bound(last_seq_);
    if (it == checkpoints_.end()) return;
    const AuditCheckpoint& c = it->second;
    const std::string where = "the checkpoint at entry " + std::to_string(c.seq);
    if (public_key_ == nullptr) return fail(no_key(where));
    if (!signed_ok(audit_checkpoint_message(c.seq, c.hash), c.signature)) {
      return fail(where + ": signature does not verify (altered or forged)");
    }
    fail(truncated(c.seq, "a signed checkpoint"));
  }

  void check_head() {
    if (!head_) {
      if (last_seq_ > 0) {
        fail("the signed head is missing: the log may have been truncated after entry " +
             std::to_string(last_seq_));
      }
      return;
    }
    if (public_key_ == nullptr) return fail(no_key("the signed head"));
    if (!signed_ok(audit_head_message(head_->seq, head_->hash), head_->signature)) {
      return fail("the signed head does not verify (altered or forged)");
    }
    if (head_->seq > last_seq_) return fail(truncated(head_->seq, "the signed head"));
    if (head_->seq < last_seq_) {
      return fail(after_head_ + ": after the signed head (entry " + std::to_string(head_->seq) +
                  "): entries were added outside parley");
    }
    if (head_->hash != last_hash_) {
      fail("the signed head does not match entry " + std::to_string(last_seq_) + ": entries " +
           std::to_string(last_checkpoint_ + 1) + " to " + std::to_string(last_seq_) +
           " were rewritten");
    }
  }

  std::string truncated(int64_t named_seq, const std::string& by) const {
    const std::string after =
        last_seq_ == 0 ? "the log was truncated: every entry is gone"
                       : "the log was truncated after entry " + std::to_string(last_seq_);
    return after + ": " + by + " names entry " + std::to_string(named_seq);
  }

  const std::vector<uint8_t>* public_key_;
  const int every_;
  const std::optional<AuditHead>& head_;
  std::map<int64_t, AuditCheckpoint> checkpoints_;
  int64_t entries_ = 0;
  int64_t last_seq_ = 0;
  std::string last_hash_ = std::string(kAuditGenesisHash);
  int64_t last_checkpoint_ = 0;
  std::string after_head_;
  std::string first_bad_;
};

}  // namespace

Result<AuditVerdict> verify_audit_log(Database& db, Keyring& keyring, int checkpoint_every) {
  assert(checkpoint_every > 0);
  // public_signing_key() would create a missing key; a verifier must change nothing.
  std::optional<std::vector<uint8_t>> public_key;
  if (keyring.has_key(kAuditSigningOwner)) {
    auto key = keyring.public_signing_key(kAuditSigningOwner);
    if (!key) return key.error();
    public_key = std::move(key).value();
  }
  AuditVerdict verdict;
  auto status = db.read([&](Tx& tx) -> Status {
    auto checkpoints = read_audit_checkpoints(tx);
    if (!checkpoints) return checkpoints.error();
    auto head = read_audit_head(tx);
    if (!head) return head.error();
    ChainCheck check(public_key ? &*public_key : nullptr, checkpoint_every, *checkpoints, *head);
    int64_t after = 0;
    for (;;) {
      auto page = read_audit_entries(tx, after, kPageSize);
      if (!page) return page.error();
      for (const AuditEntry& e : *page) check.entry(e);
      if (page->size() < static_cast<size_t>(kPageSize)) break;
      after = page->back().seq;
    }
    check.finish();
    verdict = check.verdict();
    return ok_status();
  });
  if (!status) return status.error();
  return verdict;
}

}  // namespace parley
