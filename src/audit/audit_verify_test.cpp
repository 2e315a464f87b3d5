// The audit log on SQLite and PostgreSQL: a clean log verifies; an entry modified,
// deleted, reordered, added behind parley's back, or a tail cut off, is named by the
// verifier; forged signatures are caught; concurrent appends keep one valid chain.
#include "audit/audit_verify.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/base64.h"
#include "core/ids.h"
#include "store/audit_repo.h"
#include "store/test_databases.h"

namespace parley {
namespace {

using ::testing::HasSubstr;

const char* const kActions[] = {"member.invited", "bot.created", "api_key.created",
                                "source.deleted", "workspace.settings_changed"};

class AuditVerify : public store_testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    store_ = open_store();
    ASSERT_TRUE(store_);
    keyring_ = open_keyring("keyring");
  }
  void TearDown() override {
    store_.reset();
    BackendTest::TearDown();
  }

  std::unique_ptr<Keyring> open_keyring(const std::string& name) {
    auto keyring = Keyring::open(keys_dir_.path() / name, std::vector<uint8_t>(32, 7));
    EXPECT_TRUE(keyring.ok()) << keyring.error().message;
    return keyring.ok() ? std::move(keyring).value() : nullptr;
  }

  AuditEntryInput input(int i) {
    AuditEntryInput in;
    in.workspace_id =
        i % 3 == 0 ? "ws_01JAAAAAAAAAAAAAAAAAAAAAAA" : "ws_01JBBBBBBBBBBBBBBBBBBBBBBB";
    in.actor_id = new_id("usr", clock_);
    in.action = kActions[i % 5];
    in.target_id = i % 4 == 0 ? "" : new_id("bot", clock_);
    auto ip = audit_ip_hash(*keyring_, "203.0.113." + std::to_string(i % 7));
    EXPECT_TRUE(ip.ok());
    in.ip_hash = ip.ok() ? *ip : "";
    return in;
  }

  // n more entries, 50 to a write (each write appends after the last).
  void append_many(int n) {
    for (int done = 0; done < n;) {
      const int batch = std::min(50, n - done);
      auto status = store_->db().write([&](Tx& tx) -> Status {
        for (int i = 0; i < batch; ++i) {
          clock_.advance(std::chrono::milliseconds(1));
          if (auto s = append_audit_entry(tx, input(done + i), *keyring_, clock_); !s) return s;
        }
        return ok_status();
      });
      ASSERT_TRUE(status.ok()) << status.error().message;
      done += batch;
    }
  }

  // Tampering, as someone with write access to the database would.
  void exec(const std::string& sql, const SqlParams& params = {}) {
    auto status = store_->db().write([&](Tx& tx) -> Status {
      auto r = tx.exec(sql, params);
      if (!r) return r.error();
      return ok_status();
    });
    ASSERT_TRUE(status.ok()) << status.error().message;
  }

  AuditEntry entry_at(int64_t seq) {
    AuditEntry out;
    auto status = store_->db().read([&](Tx& tx) -> Status {
      auto rows = read_audit_entries(tx, seq - 1, 1);
      if (!rows) return rows.error();
      EXPECT_EQ(rows->size(), 1u);
      if (!rows->empty()) out = rows->front();
      return ok_status();
    });
    EXPECT_TRUE(status.ok()) << status.error().message;
    return out;
  }

  // Rewrites entries from..to as a forger would: new content, every hash recomputed and
  // every link kept. Only the signatures can tell.
  void rewrite_chain(int64_t from, int64_t to) {
    std::string prev = entry_at(from).prev_hash;
    for (int64_t seq = from; seq <= to; ++seq) {
      AuditEntry e = entry_at(seq);
      if (seq == from) e.action = "member.removed";
      e.prev_hash = prev;
      e.hash = audit_entry_hash(e);
      exec("UPDATE audit_log SET action = $1, prev_hash = $2, hash = $3 WHERE seq = $4",
           {e.action, e.prev_hash, e.hash, seq});
      prev = e.hash;
    }
  }

  AuditVerdict verify(Keyring* keyring = nullptr) {
    auto verdict = verify_audit_log(store_->db(), keyring ? *keyring : *keyring_);
    EXPECT_TRUE(verdict.ok()) << verdict.error().message;
    return verdict.ok() ? *verdict : AuditVerdict{false, -1, -1, "verify failed to run"};
  }

  store_testing::TempDir keys_dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Keyring> keyring_;
};

TEST_P(AuditVerify, AnEmptyLogVerifies) {
  auto verdict = verify();
  EXPECT_TRUE(verdict.ok) << verdict.first_bad;
  EXPECT_EQ(verdict.entries, 0);
  EXPECT_EQ(verdict.checkpoints, 0);
  EXPECT_FALSE(keyring_->has_key(kAuditSigningOwner)) << "verifying must not create a key";
}

TEST_P(AuditVerify, ACleanLogOf250EntriesVerifiesWithCheckpointsAt100And200) {
  append_many(250);
  auto verdict = verify();
  EXPECT_TRUE(verdict.ok) << verdict.first_bad;
  EXPECT_EQ(verdict.entries, 250);
  EXPECT_EQ(verdict.checkpoints, 2);
  auto status = store_->db().read([&](Tx& tx) -> Status {
    auto checkpoints = read_audit_checkpoints(tx);
    if (!checkpoints) return checkpoints.error();
    EXPECT_EQ(checkpoints->size(), 2u);
    for (size_t i = 0; i < checkpoints->size(); ++i) {
      EXPECT_EQ((*checkpoints)[i].seq, static_cast<int64_t>(100 * (i + 1)));
    }
    auto head = read_audit_head(tx);
    if (!head) return head.error();
    EXPECT_TRUE(head->has_value());
    if (head->has_value()) {
      EXPECT_EQ((*head)->seq, 250);
    }
    return ok_status();
  });
  EXPECT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(entry_at(100).hash, entry_at(101).prev_hash);
  EXPECT_EQ(entry_at(1).prev_hash, kAuditGenesisHash);
}

TEST_P(AuditVerify, AnyModifiedFieldOfEntry37IsNamed) {
  append_many(250);
  const AuditEntry original = entry_at(37);
  const std::vector<std::pair<std::string, SqlValue>> changes = {
      {"id", std::string(new_id("aud", clock_))},
      {"at", original.at + 1},
      {"workspace_id", std::string("ws_01JCCCCCCCCCCCCCCCCCCCCCCC")},
      {"actor_id", std::string("usr_01JCCCCCCCCCCCCCCCCCCCCCCC")},
      {"action", std::string("bot.deleted")},
      {"target_id", std::string("bot_01JCCCCCCCCCCCCCCCCCCCCCCC")},
      {"ip_hash", std::string(64, 'a')},
      {"prev_hash", std::string(64, 'b')},
      {"hash", std::string(64, 'c')},
  };
  for (const auto& [column, value] : changes) {
    SCOPED_TRACE(column);
    exec("UPDATE audit_log SET " + column + " = $1 WHERE seq = 37", {value});
    auto verdict = verify();
    EXPECT_FALSE(verdict.ok);
    EXPECT_THAT(verdict.first_bad, HasSubstr("entry 37 ("));
    EXPECT_THAT(verdict.first_bad, HasSubstr("hash does not match its contents"));
    EXPECT_EQ(verdict.entries, 250);
    // Put it back: the log is whole again.
    exec(
        "UPDATE audit_log SET id = $1, at = $2, workspace_id = $3, actor_id = $4, action = $5,"
        " target_id = $6, ip_hash = $7, prev_hash = $8, hash = $9 WHERE seq = 37",
        {original.id, original.at, original.workspace_id, original.actor_id, original.action,
         original.target_id, original.ip_hash, original.prev_hash, original.hash});
    EXPECT_TRUE(verify().ok);
  }
}

TEST_P(AuditVerify, ADeletedEntryIsNamedAsAGap) {
  append_many(250);
  exec("DELETE FROM audit_log WHERE seq = 50");
  auto verdict = verify();
  EXPECT_FALSE(verdict.ok);
  EXPECT_THAT(verdict.first_bad, HasSubstr("entry 50 is missing"));
  EXPECT_EQ(verdict.entries, 249);

  exec("DELETE FROM audit_log WHERE seq >= 120 AND seq < 130");
  EXPECT_THAT(verify().first_bad, HasSubstr("entry 50 is missing")) << "the first bad one";
}

TEST_P(AuditVerify, SwappedEntriesAreDetectedAndNamed) {
  append_many(250);
  // Swap the seqs of 120 and 121: each row keeps its content, hashes and links.
  exec("UPDATE audit_log SET seq = -1 WHERE seq = 120");
  exec("UPDATE audit_log SET seq = 120 WHERE seq = 121");
  exec("UPDATE audit_log SET seq = 121 WHERE seq = -1");
  auto verdict = verify();
  EXPECT_FALSE(verdict.ok);
  EXPECT_THAT(verdict.first_bad, HasSubstr("entry 120 ("));
}

TEST_P(AuditVerify, EntriesSwappedWithRecomputedHashesBreakTheChain) {
  append_many(250);
  // Swap the contents of 10 and 11 and give each a hash that matches its new content and
  // seq: the links between them no longer hold.
  AuditEntry a = entry_at(10), b = entry_at(11);
  std::swap(a.seq, b.seq);
  a.hash = audit_entry_hash(a);
  b.hash = audit_entry_hash(b);
  exec("DELETE FROM audit_log WHERE seq IN (10, 11)");
  for (const AuditEntry& e : {a, b}) {
    exec(
        "INSERT INTO audit_log (seq, id, at, workspace_id, actor_id, action, target_id, ip_hash,"
        " prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        {e.seq, e.id, e.at, e.workspace_id, e.actor_id, e.action, e.target_id, e.ip_hash,
         e.prev_hash, e.hash});
  }
  auto verdict = verify();
  EXPECT_FALSE(verdict.ok);
  EXPECT_THAT(verdict.first_bad, HasSubstr("entry 10 ("));
  EXPECT_THAT(verdict.first_bad, HasSubstr("out of order"));
}

TEST_P(AuditVerify, ATruncatedTailIsDetected) {
  append_many(250);
  exec("DELETE FROM audit_log WHERE seq > 220");
  auto verdict = verify();
  EXPECT_FALSE(verdict.ok);
  EXPECT_THAT(verdict.first_bad, HasSubstr("truncated after entry 220"));
  EXPECT_THAT(verdict.first_bad, HasSubstr("signed head names entry 250"));

  // Later appends continue after the signed head, so the cut stays visible as a gap.
  append_many(1);
  verdict = verify();
  EXPECT_FALSE(verdict.ok);
  EXPECT_THAT(verdict.first_bad, HasSubstr("entries 221 to 250 are missing"));
}

TEST_P(AuditVerify, ATailCutBackExactlyToACheckpointIsDetectedByTheHead) {
  append_many(250);
  exec("DELETE FROM audit_log WHERE seq > 200");
  auto verdict = verify();
  EXPECT_FALSE(verdict.ok);
  EXPECT_THAT(verdict.first_bad, HasSubstr("truncated after entry 200"));

  // Without the head, nothing proves there was more; the verifier says it cannot tell.
  exec("DELETE FROM audit_head");
  verdict = verify();
  EXPECT_FALSE(verdict.ok);
  EXPECT_THAT(verdict.first_bad, HasSubstr("signed head is missing"));
  // And appending refuses rather than sign a new head over the cut.
  auto refused = store_->db().write(
      [&](Tx& tx) { return append_audit_entry(tx, input(1), *keyring_, clock_); });
  EXPECT_FALSE(refused.ok());
}

TEST_P(AuditVerify, ACheckpointPastTheEndProvesATruncation) {
  append_many(250);
  exec("DELETE FROM audit_log WHERE seq > 150");
  exec("DELETE FROM audit_head");
  auto verdict = verify();
  EXPECT_FALSE(verdict.ok);
  EXPECT_THAT(verdict.first_bad, HasSubstr("truncated after entry 150"));
  EXPECT_THAT(verdict.first_bad, HasSubstr("checkpoint names entry 200"));
}

TEST_P(AuditVerify, ForgedSignaturesAreDetected) {
  append_many(250);
  // Signed by another keyring's audit key, over the right message.
  auto other = open_keyring("other-keyring");
  ASSERT_TRUE(other);
  const AuditEntry e100 = entry_at(100);
  auto forged = other->sign(kAuditSigningOwner, audit_checkpoint_message(100, e100.hash));
  ASSERT_TRUE(forged.ok());
  std::string good_signature;
  auto status = store_->db().read([&](Tx& tx) -> Status {
    auto checkpoints = read_audit_checkpoints(tx);
    if (!checkpoints) return checkpoints.error();
    good_signature = checkpoints->front().signature;
    return ok_status();
  });
  ASSERT_TRUE(status.ok());
  exec("UPDATE audit_checkpoints SET signature = $1 WHERE seq = 100", {hex_encode(*forged)});
  auto verdict = verify();
  EXPECT_FALSE(verdict.ok);
  EXPECT_THAT(verdict.first_bad, HasSubstr("checkpoint at entry 100: signature does not verify"));

  // A genuine signature over another hash does not fit either.
  exec("UPDATE audit_checkpoints SET signature = $1, hash = $2 WHERE seq = 100",
       {good_signature, std::string(64, 'd')});
  EXPECT_THAT(verify().first_bad, HasSubstr("checkpoint at entry 100: signature does not verify"));
  exec("UPDATE audit_checkpoints SET hash = $1 WHERE seq = 100", {e100.hash});
  EXPECT_TRUE(verify().ok);

  // The head, too; and the writer refuses to continue from a head it cannot trust.
  exec("UPDATE audit_head SET signature = $1", {std::string(128, '0')});
  EXPECT_THAT(verify().first_bad, HasSubstr("signed head does not verify"));
  auto refused = store_->db().write(
      [&](Tx& tx) { return append_audit_entry(tx, input(1), *keyring_, clock_); });
  EXPECT_FALSE(refused.ok());

  // Another installation's keyring cannot vouch for this log.
  EXPECT_FALSE(verify(other.get()).ok);
  auto empty = open_keyring("empty-keyring");
  ASSERT_TRUE(empty);
  EXPECT_THAT(verify(empty.get()).first_bad, HasSubstr("no audit signing key"));
}

TEST_P(AuditVerify, ARewrittenChainIsCaughtByTheSignatures) {
  append_many(250);
  rewrite_chain(230, 250);  // after the last checkpoint: only the head can tell
  auto verdict = verify();
  EXPECT_FALSE(verdict.ok);
  EXPECT_THAT(verdict.first_bad, HasSubstr("signed head does not match entry 250"));
  EXPECT_THAT(verdict.first_bad, HasSubstr("entries 201 to 250 were rewritten"));

  rewrite_chain(150, 250);
  verdict = verify();
  EXPECT_FALSE(verdict.ok);
  EXPECT_THAT(verdict.first_bad, HasSubstr("checkpoint at entry 200 does not match entry 200"));
  EXPECT_THAT(verdict.first_bad, HasSubstr("entries 101 to 200 were rewritten"));
}

TEST_P(AuditVerify, AnEntryAddedBehindParleysBackIsNamed) {
  append_many(250);
  AuditEntry extra = entry_at(250);
  extra.prev_hash = extra.hash;
  extra.seq = 251;
  extra.id = new_id("aud", clock_);
  extra.hash = audit_entry_hash(extra);
  exec(
      "INSERT INTO audit_log (seq, id, at, workspace_id, actor_id, action, target_id, ip_hash,"
      " prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
      {extra.seq, extra.id, extra.at, extra.workspace_id, extra.actor_id, extra.action,
       extra.target_id, extra.ip_hash, extra.prev_hash, extra.hash});
  auto verdict = verify();
  EXPECT_FALSE(verdict.ok);
  EXPECT_THAT(verdict.first_bad, HasSubstr("entry 251 (" + extra.id + ")"));
  EXPECT_THAT(verdict.first_bad, HasSubstr("added outside parley"));
}

TEST_P(AuditVerify, ConcurrentAppendsFrom16ThreadsMakeOneValidChain) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 8;
  std::vector<AuditEntryInput> inputs;
  for (int i = 0; i < kThreads * kPerThread; ++i) inputs.push_back(input(i));
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto status = store_->db().write([&](Tx& tx) {
          return append_audit_entry(tx, inputs[t * kPerThread + i], *keyring_, clock_);
        });
        if (!status) {
          ADD_FAILURE() << status.error().message;
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto verdict = verify();
  EXPECT_TRUE(verdict.ok) << verdict.first_bad;
  EXPECT_EQ(verdict.entries, kThreads * kPerThread);
  EXPECT_EQ(verdict.checkpoints, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditVerify, ::testing::Values("sqlite", "postgres"),
                         store_testing::backend_name);

}  // namespace
}  // namespace parley
