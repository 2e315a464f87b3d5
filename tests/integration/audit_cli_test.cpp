// `parley audit verify`, the real binary on a real data directory: exit 0 on an intact
// log; exit 1 naming the entry after the database file was tampered with.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "core/base64.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/ids.h"
#include "core/keyring.h"
#include "store/audit_repo.h"
#include "store/store.h"
#include "tests/support/parley_process.h"

namespace parley {
namespace {

using testing::make_temp_dir;
using testing::ParleyServer;
using testing::run_command;

const std::string kBinary = PARLEY_BINARY;

using testing::contains;

class AuditCli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir("audit-cli"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path data() const { return dir_ / "data"; }
  std::map<std::string, std::string> env() const { return testing::master_key_env(); }

  // Appends through the library, as the server would, with the server stopped.
  void append_entries(int n) {
    ConfigSources sources;
    sources.flags["storage.data_dir"] = data().string();
    auto config = load_config(sources);
    ASSERT_TRUE(config.ok()) << config.error().message;
    auto master = base64_decode(testing::test_master_key());
    ASSERT_TRUE(master.ok());
    auto keyring = Keyring::open(config->keyring_path(), *master);
    ASSERT_TRUE(keyring.ok()) << keyring.error().message;
    SystemClock clock;
    StoreOptions options;
    options.data_dir = data();
    auto store = Store::open(options, clock);
    ASSERT_TRUE(store.ok()) << store.error().message;
    for (int i = 0; i < n; ++i) {
      auto ip = audit_ip_hash(**keyring, "198.51.100." + std::to_string(i % 5));
      ASSERT_TRUE(ip.ok());
      AuditEntryInput in{"ws_01JAAAAAAAAAAAAAAAAAAAAAAA", new_id("usr", clock), "bot.created",
                         new_id("bot", clock), *ip};
      auto status = (*store)->db().write(
          [&](Tx& tx) { return append_audit_entry(tx, in, **keyring, clock); });
      ASSERT_TRUE(status.ok()) << status.error().message;
    }
  }

  void tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((data() / "parley.db").c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close(db);
  }

  testing::ProcessResult verify() {
    return run_command({kBinary, "audit", "verify", "--data", data().string()}, env());
  }

  std::filesystem::path dir_;
};

TEST_F(AuditCli, VerifiesAnIntactLogAndNamesATamperedEntry) {
  ASSERT_EQ(run_command({kBinary, "migrate", "--data", data().string()}, env()).exit_code, 0);
  append_entries(120);

  auto intact = verify();
  EXPECT_EQ(intact.exit_code, 0) << intact.output;
  EXPECT_TRUE(contains(intact.output, "audit log ok: 120 entries, 1 checkpoints")) << intact.output;

  tamper("UPDATE audit_log SET action = 'bot.deleted' WHERE seq = 42");
  auto modified = verify();
  EXPECT_EQ(modified.exit_code, 1) << modified.output;
  EXPECT_TRUE(contains(modified.output, "entry 42 (aud_")) << modified.output;
  EXPECT_TRUE(contains(modified.output, "hash does not match its contents")) << modified.output;

  tamper("DELETE FROM audit_log WHERE seq <= 42");
  auto gap = verify();
  EXPECT_EQ(gap.exit_code, 1) << gap.output;
  EXPECT_TRUE(contains(gap.output, "entries 1 to 42 are missing")) << gap.output;
}

TEST_F(AuditCli, ATruncatedTailFailsTheCheck) {
  ASSERT_EQ(run_command({kBinary, "migrate", "--data", data().string()}, env()).exit_code, 0);
  append_entries(110);
  tamper("DELETE FROM audit_log WHERE seq > 100");
  auto truncated = verify();
  EXPECT_EQ(truncated.exit_code, 1) << truncated.output;
  EXPECT_TRUE(contains(truncated.output, "truncated after entry 100")) << truncated.output;
}

TEST_F(AuditCli, RunsOnAFreshDataDirectoryAndBesideARunningServer) {
  auto empty = verify();
  EXPECT_EQ(empty.exit_code, 0) << empty.output;
  EXPECT_TRUE(contains(empty.output, "audit log ok: 0 entries, 0 checkpoints")) << empty.output;

  ParleyServer server(data(), {}, env());
  ASSERT_TRUE(server.started()) << server.output_so_far();
  auto beside = verify();
  EXPECT_EQ(beside.exit_code, 0) << beside.output;
  EXPECT_TRUE(contains(beside.output, "audit log ok")) << beside.output;
}

}  // namespace
}  // namespace parley
