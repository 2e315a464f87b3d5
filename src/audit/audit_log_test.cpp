// The audit log as services and the API use it (store/audit_repo.h), on SQLite and
// PostgreSQL: entries commit with the action they record, ids only (an email is refused),
// and an admin pages through their own workspace's entries, newest first.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "audit/audit_verify.h"
#include "core/ids.h"
#include "store/audit_repo.h"
#include "store/test_databases.h"

namespace parley {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kWorkspaceA = "ws_01JAAAAAAAAAAAAAAAAAAAAAAA";
const std::string kWorkspaceB = "ws_01JBBBBBBBBBBBBBBBBBBBBBBB";

class AuditLog : public store_testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    store_ = open_store();
    ASSERT_TRUE(store_);
    auto keyring = Keyring::open(keys_dir_.path() / "keyring", std::vector<uint8_t>(32, 9));
    ASSERT_TRUE(keyring.ok()) << keyring.error().message;
    keyring_ = std::move(keyring).value();
  }
  void TearDown() override {
    store_.reset();
    BackendTest::TearDown();
  }

  AuditEntryInput entry(const std::string& workspace, const std::string& action) {
    return {workspace, new_id("usr", clock_), action, new_id("bot", clock_), ""};
  }

  Status append(const AuditEntryInput& in) {
    return store_->db().write(
        [&](Tx& tx) { return append_audit_entry(tx, in, *keyring_, clock_); });
  }

  int64_t entries() { return count(*store_, "audit_log"); }

  store_testing::TempDir keys_dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Keyring> keyring_;
};

TEST_P(AuditLog, AnEmailOrANonDottedActionIsRefusedAndNothingIsWritten) {
  struct Case {
    std::string what;
    AuditEntryInput in;
    std::string says;
  };
  auto base = entry(kWorkspaceA, "member.invited");
  std::vector<Case> cases;
  auto with = [&](std::string what, auto change, std::string says) {
    AuditEntryInput in = base;
    change(in);
    cases.push_back({std::move(what), in, std::move(says)});
  };
  with(
      "email in action", [](auto& in) { in.action = "member.invited.ada@example.com"; }, "'@'");
  with(
      "email as target", [](auto& in) { in.target_id = "ada@example.com"; }, "'@'");
  with(
      "email as actor", [](auto& in) { in.actor_id = "ada@example.com"; }, "'@'");
  with(
      "email as workspace", [](auto& in) { in.workspace_id = "ada@example.com"; }, "'@'");
  with(
      "camel case action", [](auto& in) { in.action = "MemberInvited"; }, "lowercase.dotted");
  with(
      "one-word action", [](auto& in) { in.action = "login"; }, "lowercase.dotted");
  with(
      "action with a space", [](auto& in) { in.action = "member.invited ada"; },
      "lowercase.dotted");
  with(
      "empty action segment", [](auto& in) { in.action = "member..invited"; }, "lowercase.dotted");
  with(
      "raw IP as ip_hash", [](auto& in) { in.ip_hash = "203.0.113.7"; }, "never an IP");
  with(
      "no actor", [](auto& in) { in.actor_id = ""; }, "actor");
  with(
      "oversized target", [](auto& in) { in.target_id = std::string(300, 'x'); }, "255 bytes");
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    auto refused = append(c.in);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::invalid_argument);
    EXPECT_THAT(refused.error().message, HasSubstr(c.says));
    EXPECT_THAT(refused.error().message, Not(HasSubstr("ada")));
    EXPECT_THAT(refused.error().message, Not(HasSubstr("203.0.113")));
  }
  EXPECT_EQ(entries(), 0);
  EXPECT_TRUE(append(base).ok());
  EXPECT_TRUE(append(entry("", "retention.run")).ok()) << "installation-wide entries";
  EXPECT_EQ(entries(), 2);
}

TEST_P(AuditLog, AnEntryCommitsOrRollsBackWithTheActionItRecords) {
  create_table(*store_, "CREATE TABLE items (id BIGINT PRIMARY KEY)");
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(append(entry(kWorkspaceA, "bot.created")).ok());
  auto failed = store_->db().write([&](Tx& tx) -> Status {
    auto inserted = tx.exec("INSERT INTO items (id) VALUES (1)");
    if (!inserted) return inserted.error();
    if (auto s = append_audit_entry(tx, entry(kWorkspaceA, "bot.deleted"), *keyring_, clock_); !s)
      return s;
    return make_error(ErrorCode::conflict, "the action failed after its entry was appended");
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(count(*store_, "items"), 0);
  EXPECT_EQ(entries(), 3);

  auto done = store_->db().write([&](Tx& tx) -> Status {
    auto inserted = tx.exec("INSERT INTO items (id) VALUES (2)");
    if (!inserted) return inserted.error();
    return append_audit_entry(tx, entry(kWorkspaceA, "bot.deleted"), *keyring_, clock_);
  });
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(count(*store_, "items"), 1);
  auto verdict = verify_audit_log(store_->db(), *keyring_);
  ASSERT_TRUE(verdict.ok());
  EXPECT_TRUE(verdict->ok) << verdict->first_bad;
  EXPECT_EQ(verdict->entries, 4) << "no seq was used by the rolled-back entry";
}

TEST_P(AuditLog, AdminsPageThroughTheirOwnWorkspaceNewestFirst) {
  std::set<int64_t> seqs_of_a;
  for (int i = 0; i < 40; ++i) {
    const std::string& ws = i % 3 == 1 ? kWorkspaceB : kWorkspaceA;
    ASSERT_TRUE(append(entry(i % 10 == 9 ? "" : ws, "bot.updated")).ok());
    clock_.advance(std::chrono::seconds(1));
  }
  auto all = store_->db().read([&](Tx& tx) -> Status {
    auto rows = read_audit_entries(tx, 0, 100);
    if (!rows) return rows.error();
    for (const AuditEntry& e : *rows) {
      if (e.workspace_id == kWorkspaceA) seqs_of_a.insert(e.seq);
    }
    return ok_status();
  });
  ASSERT_TRUE(all.ok());
  ASSERT_GT(seqs_of_a.size(), 20u);

  std::vector<AuditEntry> seen;
  int64_t cursor = 0;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = list_audit_entries(store_->db(), kWorkspaceA, cursor, 7);
    ASSERT_TRUE(page.ok()) << page.error().message;
    seen.insert(seen.end(), page->begin(), page->end());
    if (page->size() < 7) break;
    cursor = page->back().seq;
  }
  ASSERT_EQ(seen.size(), seqs_of_a.size());
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].workspace_id, kWorkspaceA);
    if (i > 0) {
      EXPECT_LT(seen[i].seq, seen[i - 1].seq) << "newest first, no repeats";
      EXPECT_LE(seen[i].at, seen[i - 1].at);
    }
    EXPECT_TRUE(seqs_of_a.count(seen[i].seq));
  }
  EXPECT_EQ(seen.front().seq, *seqs_of_a.rbegin());

  auto unknown = list_audit_entries(store_->db(), "ws_01JZZZZZZZZZZZZZZZZZZZZZZZ", 0, 10);
  ASSERT_TRUE(unknown.ok());
  EXPECT_TRUE(unknown->empty());
  EXPECT_FALSE(list_audit_entries(store_->db(), "", 0, 10).ok());
  EXPECT_FALSE(list_audit_entries(store_->db(), kWorkspaceA, 0, 0).ok());
  EXPECT_FALSE(list_audit_entries(store_->db(), kWorkspaceA, 0, kAuditMaxPage + 1).ok());
}

TEST_P(AuditLog, TheIpIsStoredOnlyAsAKeyedHash) {
  auto empty = audit_ip_hash(*keyring_, "");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
  auto first = audit_ip_hash(*keyring_, "203.0.113.7");
  auto again = audit_ip_hash(*keyring_, "203.0.113.7");
  auto other = audit_ip_hash(*keyring_, "203.0.113.8");
  ASSERT_TRUE(first.ok() && again.ok() && other.ok());
  EXPECT_EQ(first->size(), 64u);
  EXPECT_EQ(*first, *again) << "repeated actions from one origin can be told apart";
  EXPECT_NE(*first, *other);

  AuditEntryInput in = entry(kWorkspaceA, "session.created");
  in.ip_hash = *first;
  ASSERT_TRUE(append(in).ok());
  auto page = list_audit_entries(store_->db(), kWorkspaceA, 0, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ(page->front().ip_hash, *first);
  EXPECT_EQ(page->front().action, "session.created");
  EXPECT_TRUE(is_valid_id(page->front().id, "aud"));
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditLog, ::testing::Values("sqlite", "postgres"),
                         store_testing::backend_name);

}  // namespace
}  // namespace parley
