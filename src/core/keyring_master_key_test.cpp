// Where the master key comes from: the environment or the key file.
#include "core/keyring_test_fixture.h"

namespace parley {
namespace {

using namespace keyring_testing;

TEST_F(KeyringTest, MasterKeyFromTheEnvironment) {
  Bytes key = random_key();
  auto loaded = load_master_key(base64_encode(key) + "\n", dir_ / "master.key", path_);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(*loaded, key);
  EXPECT_FALSE(fs::exists(dir_ / "master.key"));  // the variable is enough; no file made
}

TEST_F(KeyringTest, AMalformedEnvironmentKeyIsRefusedWithoutFallingBackToTheFile) {
  ASSERT_TRUE(load_master_key(std::nullopt, dir_ / "master.key", path_).ok());  // a file exists
  auto short_key = load_master_key(base64_encode(Bytes(16, 7)), dir_ / "master.key", path_);
  ASSERT_FALSE(short_key.ok());
  EXPECT_EQ(short_key.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(short_key.error().message.find(
                "PARLEY_MASTER_KEY must be the base64 encoding of 32 bytes (got 16 bytes)"),
            std::string::npos)
      << short_key.error().message;

  auto not_base64 = load_master_key("correct horse battery staple", dir_ / "master.key", path_);
  ASSERT_FALSE(not_base64.ok());
  EXPECT_NE(not_base64.error().message.find("PARLEY_MASTER_KEY must be"), std::string::npos);
  EXPECT_EQ(not_base64.error().message.find("horse"), std::string::npos);  // no secret echoed

  EXPECT_FALSE(load_master_key("", dir_ / "master.key", path_).ok());
}

TEST_F(KeyringTest, FirstStartCreatesTheKeyFileAndLaterStartsReadIt) {
  fs::path key_file = dir_ / "master.key";
  auto created = load_master_key(std::nullopt, key_file, path_);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->size(), 32u);
  EXPECT_EQ(mode_of(key_file), 0600u);
  // The file holds the same text PARLEY_MASTER_KEY would.
  EXPECT_EQ(read_bytes(key_file), base64_encode(*created) + "\n");
  EXPECT_FALSE(fs::exists(dir_ / "master.key.tmp"));

  ASSERT_TRUE(open_keyring(*created));
  auto again = load_master_key(std::nullopt, key_file, path_);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, *created);
}

TEST_F(KeyringTest, AnExistingKeyringWithoutItsKeyIsAnErrorNotANewKey) {
  ASSERT_TRUE(open_keyring(random_key()));
  fs::path key_file = dir_ / "master.key";
  auto missing = load_master_key(std::nullopt, key_file, path_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message,
            "the keyring at " + path_.string() +
                " exists but no master key was given: set PARLEY_MASTER_KEY or restore the key "
                "file " +
                key_file.string());
  EXPECT_FALSE(fs::exists(key_file));
}

TEST_F(KeyringTest, AKeyFileOthersCanReadIsRefused) {
  fs::path key_file = dir_ / "master.key";
  ASSERT_TRUE(load_master_key(std::nullopt, key_file, path_).ok());
  ASSERT_EQ(::chmod(key_file.c_str(), 0640), 0);
  auto refused = load_master_key(std::nullopt, key_file, path_);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("chmod 600 " + key_file.string()), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("0640"), std::string::npos);
}

TEST_F(KeyringTest, AKeyFileOfTheWrongLengthIsRefused) {
  fs::path key_file = dir_ / "master.key";
  write_bytes(key_file, base64_encode(Bytes(20, 1)) + "\n");
  ASSERT_EQ(::chmod(key_file.c_str(), 0600), 0);
  auto refused = load_master_key(std::nullopt, key_file, path_);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("the key file " + key_file.string() +
                                         " must hold the base64 encoding of 32 bytes (got 20 "
                                         "bytes)"),
            std::string::npos)
      << refused.error().message;
}

}  // namespace
}  // namespace parley
