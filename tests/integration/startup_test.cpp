// How `parley` starts, and when it must refuse to: the command line, config check, a
// schema newer than the binary, a missing or wrong master key, key rotation.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/http_client.h"
#include "tests/support/parley_process.h"

namespace parley {
namespace {

using testing::make_temp_dir;
using testing::ParleyServer;
using testing::run_command;

const std::string kBinary = PARLEY_BINARY;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

using testing::contains;

TEST(Cli, HelpListsSubcommandsAndServeFlags) {
  auto help = run_command({kBinary, "--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* command : {"serve", "migrate", "config", "keys", "version"}) {
    EXPECT_TRUE(contains(help.output, command)) << command << "\n" << help.output;
  }
  auto serve_help = run_command({kBinary, "serve", "--help"});
  EXPECT_EQ(serve_help.exit_code, 0);
  for (const char* flag : {"--port", "--bind", "--data", "--config"}) {
    EXPECT_TRUE(contains(serve_help.output, flag)) << flag;
  }
  auto version = run_command({kBinary, "version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.output.rfind("parley ", 0), 0u);
  auto unknown = run_command({kBinary, "fly"});
  EXPECT_NE(unknown.exit_code, 0);
}

TEST(Cli, ConfigCheckMasksSecretsAndNamesTheBadKey) {
  auto ok = run_command({kBinary, "config", "check", "--port", "9999"},
                        {{"PARLEY_MASTER_KEY", "dG9wLXNlY3JldA=="}});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_TRUE(contains(ok.output, "server.port = 9999"));
  EXPECT_TRUE(contains(ok.output, "keys.master_key = ****"));
  EXPECT_FALSE(contains(ok.output, "dG9wLXNlY3JldA=="));

  auto bad = run_command({kBinary, "config", "check"}, {{"PARLEY_SERVER_MAX_CONNECTIONS", "-5"}});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_TRUE(contains(bad.output, "server.max_connections")) << bad.output;
}

class DataDirTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir("startup"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string data() const { return (dir_ / "data").string(); }
  std::filesystem::path dir_;
};

TEST_F(DataDirTest, MigrateCreatesTheDatabaseAndKeyringWithPrivatePermissions) {
  auto result = run_command({kBinary, "migrate", "--data", data()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "schema version"));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "data" / "parley.db"));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "data" / "keyring"));
  auto key_perms = std::filesystem::status(dir_ / "data" / "master.key").permissions();
  EXPECT_EQ(key_perms & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_F(DataDirTest, SchemaNewerThanTheBinaryIsRefusedAndNothingIsTouched) {
  ASSERT_EQ(
      run_command({kBinary, "migrate", "--data", data()}, testing::master_key_env()).exit_code, 0);
  auto db_path = dir_ / "data" / "parley.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "INSERT INTO schema_migrations(version, name, applied_at) "
                         "VALUES (999, 'from the future', 0)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  std::string before = read_file(db_path);

  ParleyServer server(dir_ / "data", {}, testing::master_key_env());
  EXPECT_FALSE(server.started());
  auto result = server.wait();
  EXPECT_NE(result.exit_code, 0);
  EXPECT_TRUE(contains(result.output, "999")) << result.output;
  EXPECT_TRUE(contains(result.output, "upgrade parley")) << result.output;
  EXPECT_EQ(read_file(db_path), before);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "data" / "parley.db-wal"));
}

TEST_F(DataDirTest, MissingMasterKeyForAnExistingKeyringIsRefused) {
  ASSERT_EQ(
      run_command({kBinary, "migrate", "--data", data()}, testing::master_key_env()).exit_code, 0);
  ParleyServer server(dir_ / "data");  // no PARLEY_MASTER_KEY, no key file
  EXPECT_FALSE(server.started());
  auto result = server.wait();
  EXPECT_NE(result.exit_code, 0);
  EXPECT_TRUE(contains(result.output, "PARLEY_MASTER_KEY")) << result.output;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "data" / "master.key"));  // none was invented
}

TEST_F(DataDirTest, WrongMasterKeyIsRefusedAndSaysWhatIsExpected) {
  ASSERT_EQ(
      run_command({kBinary, "migrate", "--data", data()}, testing::master_key_env()).exit_code, 0);
  ParleyServer server(dir_ / "data", {},
                      testing::master_key_env("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="));
  EXPECT_FALSE(server.started());
  auto result = server.wait();
  EXPECT_NE(result.exit_code, 0);
  EXPECT_TRUE(contains(result.output, "master key")) << result.output;
  EXPECT_TRUE(contains(result.output, "expected")) << result.output;

  ParleyServer malformed(dir_ / "data", {}, testing::master_key_env("not base64 at all"));
  EXPECT_FALSE(malformed.started());
  auto bad = malformed.wait();
  EXPECT_TRUE(contains(bad.output, "32 bytes")) << bad.output;
}

TEST_F(DataDirTest, RotatingTheMasterKeyKeepsTheDataDirectoryUsable) {
  ASSERT_EQ(run_command({kBinary, "migrate", "--data", data()}).exit_code, 0);
  std::string old_key = read_file(dir_ / "data" / "master.key");
  auto rotated = run_command({kBinary, "keys", "rotate-master", "--data", data()});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.output;
  EXPECT_NE(read_file(dir_ / "data" / "master.key"), old_key);

  ParleyServer server(dir_ / "data");
  ASSERT_TRUE(server.started()) << server.output_so_far();
  // Rotation must not run beside a server on the same data.
  auto refused = run_command({kBinary, "keys", "rotate-master", "--data", data()});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_TRUE(contains(refused.output, "another parley process")) << refused.output;
}

TEST_F(DataDirTest, TwoServersCannotShareADataDirectory) {
  ParleyServer first(dir_ / "data", {}, testing::master_key_env());
  ASSERT_TRUE(first.started()) << first.output_so_far();
  ParleyServer second(dir_ / "data", {}, testing::master_key_env());
  EXPECT_FALSE(second.started());
  EXPECT_TRUE(contains(second.wait().output, "another parley process"));
}

}  // namespace
}  // namespace parley
