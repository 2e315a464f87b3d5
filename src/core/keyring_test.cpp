// The keyring on its own: sealing, tamper detection, destruction, rotation, files.
#include "core/keyring_test_fixture.h"

namespace parley {
namespace {

using namespace keyring_testing;

TEST_F(KeyringTest, SealedValuesOpenAgain) {
  auto keyring = open_keyring(master_);
  ASSERT_TRUE(keyring);
  for (std::string plain : {std::string("ada@example.com"), std::string(),
                            std::string("\0binary\xff", 8), std::string(100000, 'x')}) {
    auto sealed = keyring->seal("vis_1", kWhere, plain);
    ASSERT_TRUE(sealed.ok()) << sealed.error().message;
    EXPECT_EQ(sealed->size(), 24 + plain.size() + 16);
    auto opened = keyring->open("vis_1", kWhere, *sealed);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    EXPECT_EQ(*opened, plain);
  }
  EXPECT_EQ(keyring->key_count(), 1u);
}

TEST_F(KeyringTest, SealingTheSameValueTwiceGivesDifferentCiphertexts) {
  auto keyring = open_keyring(master_);
  auto a = keyring->seal("vis_1", kWhere, "same");
  auto b = keyring->seal("vis_1", kWhere, "same");
  EXPECT_NE(*a, *b);
}

TEST_F(KeyringTest, AnyFlippedByteIsRefused) {
  auto keyring = open_keyring(master_);
  auto sealed = keyring->seal("vis_1", kWhere, "ada@example.com");
  ASSERT_TRUE(sealed.ok());
  for (size_t i = 0; i < sealed->size(); ++i) {
    Bytes altered = *sealed;
    altered[i] ^= 0x01;
    auto opened = keyring->open("vis_1", kWhere, altered);
    ASSERT_FALSE(opened.ok()) << "byte " << i;
    EXPECT_EQ(opened.error().code, ErrorCode::invalid_argument);
  }
  Bytes truncated(sealed->begin(), sealed->begin() + 20);
  EXPECT_EQ(keyring->open("vis_1", kWhere, truncated).error().code, ErrorCode::invalid_argument);
}

TEST_F(KeyringTest, ValuesMovedToAnotherRowColumnTableOrOwnerDoNotOpen) {
  auto keyring = open_keyring(master_);
  auto sealed = keyring->seal("vis_1", kWhere, "ada@example.com");
  ASSERT_TRUE(sealed.ok());
  ASSERT_TRUE(keyring->ensure_key("vis_2").ok());
  const SealContext elsewhere[] = {
      {"leads", "email", "lead_01JD3Z8Q4K5M6N7P8R9S0T1V2X"},  // another row
      {"leads", "name", kWhere.row_id},                       // another column
      {"contacts", "email", kWhere.row_id},                   // another table
      {"leadse", "mail", kWhere.row_id},                      // same bytes, other split
  };
  for (const SealContext& where : elsewhere) {
    auto opened = keyring->open("vis_1", where, *sealed);
    ASSERT_FALSE(opened.ok()) << where.table << "." << where.column;
    EXPECT_EQ(opened.error().code, ErrorCode::invalid_argument);
  }
  EXPECT_EQ(keyring->open("vis_2", kWhere, *sealed).error().code, ErrorCode::invalid_argument);
}

TEST_F(KeyringTest, KeysSurviveReopening) {
  Bytes sealed;
  {
    auto keyring = open_keyring(master_);
    ASSERT_TRUE(keyring->ensure_key("ws_1").ok());
    ASSERT_TRUE(keyring->ensure_key("ws_1").ok());  // idempotent: no second record
    sealed = *keyring->seal("vis_1", kWhere, "ada@example.com");
  }
  auto keyring = open_keyring(master_);
  ASSERT_TRUE(keyring);
  EXPECT_EQ(keyring->key_count(), 2u);
  EXPECT_TRUE(keyring->has_key("ws_1"));
  EXPECT_TRUE(keyring->has_key("vis_1"));
  EXPECT_FALSE(keyring->has_key("vis_2"));
  EXPECT_EQ(*keyring->open("vis_1", kWhere, sealed), "ada@example.com");
}

TEST_F(KeyringTest, DestroyingAKeyMakesItsDataUnreadableAndErasesItFromTheFile) {
  auto keyring = open_keyring(master_);
  auto doomed = keyring->seal("vis_doomed", kWhere, "ada@example.com");
  auto kept = keyring->seal("vis_kept", kWhere, "bob@example.com");
  ASSERT_TRUE(doomed.ok() && kept.ok());

  // The wrapped key is the 24-byte nonce and 48 sealed bytes after the owner id.
  std::string before = read_bytes(path_);
  size_t at = before.find("vis_doomed");
  ASSERT_NE(at, std::string::npos);
  std::string wrapped = before.substr(at + 10, 72);
  ASSERT_EQ(wrapped.size(), 72u);

  ASSERT_TRUE(keyring->destroy_key("vis_doomed").ok());
  auto opened = keyring->open("vis_doomed", kWhere, *doomed);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, ErrorCode::not_found);
  EXPECT_FALSE(keyring->has_key("vis_doomed"));
  EXPECT_EQ(*keyring->open("vis_kept", kWhere, *kept), "bob@example.com");

  std::string after = read_bytes(path_);
  EXPECT_EQ(after.find(wrapped), std::string::npos);
  EXPECT_EQ(after.find(wrapped.substr(24)), std::string::npos);
  EXPECT_EQ(after.find("vis_doomed"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "keyring.tmp"));

  // Destroying again (an erasure ledger replayed after a restore) is harmless.
  EXPECT_TRUE(keyring->destroy_key("vis_doomed").ok());

  // Appends after the rewrite land in the new file.
  ASSERT_TRUE(keyring->ensure_key("vis_new").ok());
  keyring.reset();
  keyring = open_keyring(master_);
  ASSERT_TRUE(keyring);
  EXPECT_FALSE(keyring->has_key("vis_doomed"));
  EXPECT_TRUE(keyring->has_key("vis_new"));
  EXPECT_EQ(keyring->open("vis_doomed", kWhere, *doomed).error().code, ErrorCode::not_found);
  EXPECT_EQ(*keyring->open("vis_kept", kWhere, *kept), "bob@example.com");
}

TEST_F(KeyringTest, AWrongMasterKeyIsRefusedAndTheMessageSaysWhichKeyIsExpected) {
  { ASSERT_TRUE(open_keyring(master_)->ensure_key("ws_1").ok()); }
  auto refused = Keyring::open(path_, random_key(),
                               "PARLEY_MASTER_KEY, or the key file /srv/parley/master.key");
  ASSERT_FALSE(refused.ok());
  const std::string& message = refused.error().message;
  EXPECT_NE(message.find("the master key does not open the keyring at " + path_.string()),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("expected the key that created it"), std::string::npos) << message;
  EXPECT_NE(message.find("PARLEY_MASTER_KEY, or the key file /srv/parley/master.key"),
            std::string::npos)
      << message;

  // Without a hint the message still names both places a key comes from.
  auto refused_again = Keyring::open(path_, random_key());
  ASSERT_FALSE(refused_again.ok());
  EXPECT_NE(refused_again.error().message.find("PARLEY_MASTER_KEY"), std::string::npos);

  EXPECT_EQ(Keyring::open(path_, Bytes(16)).error().code, ErrorCode::invalid_argument);
  EXPECT_TRUE(open_keyring(master_));  // the right key still opens it
}

TEST_F(KeyringTest, AFileThatIsNotAKeyringIsRefused) {
  write_bytes(path_, "hello, this is not a keyring at all, just some text\n");
  auto refused = Keyring::open(path_, master_);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("not a Parley keyring"), std::string::npos)
      << refused.error().message;
}

TEST_F(KeyringTest, ATornLastRecordIsDroppedAndLaterAppendsStillRead) {
  Bytes sealed;
  {
    auto keyring = open_keyring(master_);
    sealed = *keyring->seal("vis_1", kWhere, "ada@example.com");
    ASSERT_TRUE(keyring->ensure_key("vis_torn").ok());
  }
  // A crash in the middle of the last append: only part of its record reached the disk.
  std::string whole = read_bytes(path_);
  write_bytes(path_, whole.substr(0, whole.size() - 30));
  {
    auto keyring = open_keyring(master_);
    ASSERT_TRUE(keyring);
    EXPECT_EQ(*keyring->open("vis_1", kWhere, sealed), "ada@example.com");
    EXPECT_FALSE(keyring->has_key("vis_torn"));
    ASSERT_TRUE(keyring->ensure_key("vis_2").ok());
  }
  // Some file systems leave zeros instead.
  write_bytes(path_, read_bytes(path_) + std::string(57, '\0'));
  auto keyring = open_keyring(master_);
  ASSERT_TRUE(keyring);
  EXPECT_TRUE(keyring->has_key("vis_2"));
  EXPECT_EQ(keyring->key_count(), 2u);
  EXPECT_EQ(*keyring->open("vis_1", kWhere, sealed), "ada@example.com");
}

TEST_F(KeyringTest, DamageBeforeTheLastRecordIsRefused) {
  {
    auto keyring = open_keyring(master_);
    ASSERT_TRUE(keyring->ensure_key("vis_1").ok());
    ASSERT_TRUE(keyring->ensure_key("vis_2").ok());
  }
  std::string bytes = read_bytes(path_);
  size_t at = bytes.find("vis_1");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 20] ^= 0x40;  // inside vis_1's wrapped key; vis_2's record follows
  write_bytes(path_, bytes);
  auto refused = Keyring::open(path_, master_);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("is damaged at byte"), std::string::npos)
      << refused.error().message;
}

TEST_F(KeyringTest, RotatingTheMasterKeyKeepsDataReadableAndRetiresTheOldKey) {
  Bytes sealed;
  Bytes new_master = random_key();
  {
    auto keyring = open_keyring(master_);
    sealed = *keyring->seal("vis_1", kWhere, "ada@example.com");
    ASSERT_TRUE(keyring->ensure_key("ws_1").ok());
    ASSERT_TRUE(keyring->rotate_master(new_master).ok());
    // Keys made after the rotation are wrapped with the new master key.
    ASSERT_TRUE(keyring->ensure_key("vis_after").ok());
    EXPECT_EQ(*keyring->open("vis_1", kWhere, sealed), "ada@example.com");
  }
  EXPECT_FALSE(Keyring::open(path_, master_).ok());
  auto keyring = open_keyring(new_master);
  ASSERT_TRUE(keyring);
  EXPECT_EQ(keyring->key_count(), 3u);
  EXPECT_TRUE(keyring->has_key("vis_after"));
  EXPECT_EQ(*keyring->open("vis_1", kWhere, sealed), "ada@example.com");
  EXPECT_EQ(keyring->rotate_master(Bytes(31)).error().code, ErrorCode::invalid_argument);
}

TEST_F(KeyringTest, FilesAreReadableByTheOwnerOnly) {
  mode_t old_umask = ::umask(0);  // so that only our own modes count
  {
    auto keyring = open_keyring(master_);
    EXPECT_EQ(mode_of(path_), 0600u);
    ASSERT_TRUE(keyring->ensure_key("vis_1").ok());
    ASSERT_TRUE(keyring->ensure_key("vis_2").ok());
    ASSERT_TRUE(keyring->destroy_key("vis_1").ok());
    EXPECT_EQ(mode_of(path_), 0600u);
    ASSERT_TRUE(keyring->rotate_master(random_key()).ok());
    EXPECT_EQ(mode_of(path_), 0600u);
    EXPECT_EQ(mode_of(dir_ / "keyring.lock"), 0600u);
  }
  auto key = load_master_key(std::nullopt, dir_ / "master.key", dir_ / "other_keyring");
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(mode_of(dir_ / "master.key"), 0600u);
  ::umask(old_umask);
}

// ---- several Keyrings on one file: other processes, or other objects in this one -------

TEST_F(KeyringTest, OwnerIdsMustFitARecord) {
  auto keyring = open_keyring(master_);
  EXPECT_EQ(keyring->ensure_key("").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(keyring->ensure_key(std::string(256, 'a')).error().code, ErrorCode::invalid_argument);
  EXPECT_TRUE(keyring->ensure_key(std::string(255, 'a')).ok());
  EXPECT_EQ(keyring->open("nobody", kWhere, Bytes(64)).error().code, ErrorCode::not_found);
}

TEST_F(KeyringTest, ManyThreadsSealAndOpenWhileKeysComeAndGo) {
  auto keyring = open_keyring(master_);
  constexpr int kThreads = 6;
  constexpr int kRounds = 150;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        // Owners shared between threads, so first uses race to create the same key.
        std::string owner = "vis_" + std::to_string(i % 40);
        std::string row = "row_" + std::to_string(t) + "_" + std::to_string(i);
        SealContext where{"messages", "text", row};
        std::string text = "message " + row;
        auto sealed = keyring->seal(owner, where, text);
        auto opened = sealed.ok() ? keyring->open(owner, where, *sealed) : sealed.error();
        if (!opened.ok() || *opened != text) ++failures;
      }
    });
  }
  // Meanwhile, erasures rewrite the file under them.
  threads.emplace_back([&] {
    for (int i = 0; i < 20; ++i) {
      std::string owner = "gone_" + std::to_string(i);
      if (!keyring->ensure_key(owner).ok() || !keyring->destroy_key(owner).ok()) ++failures;
    }
  });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(keyring->key_count(), 40u);

  keyring.reset();
  keyring = open_keyring(master_);
  ASSERT_TRUE(keyring);
  EXPECT_EQ(keyring->key_count(), 40u);
}

}  // namespace
}  // namespace parley

namespace parley {
namespace {

class KeyringDerivedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("parley_keyring_derived_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    master_.assign(32, 7);
    auto keyring = Keyring::open(dir_ / "keyring", master_);
    ASSERT_TRUE(keyring.ok()) << keyring.error().message;
    keyring_ = std::move(*keyring);
  }
  void TearDown() override {
    keyring_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::vector<uint8_t> master_;
  std::unique_ptr<Keyring> keyring_;
};

TEST_F(KeyringDerivedTest, MacIsStablePerOwnerAndPurposeAndDiffersOtherwise) {
  auto a = keyring_->mac("server", "email", "ada@example.com");
  auto again = keyring_->mac("server", "email", "ada@example.com");
  auto other_purpose = keyring_->mac("server", "ip", "ada@example.com");
  auto other_owner = keyring_->mac("ws_1", "email", "ada@example.com");
  ASSERT_TRUE(a.ok() && again.ok() && other_purpose.ok() && other_owner.ok());
  EXPECT_EQ(*a, *again);
  EXPECT_NE(*a, *other_purpose);
  EXPECT_NE(*a, *other_owner);
  EXPECT_EQ(a->size(), 32u);
}

TEST_F(KeyringDerivedTest, SignaturesVerifyWithThePublicKeyAndFailWhenAltered) {
  auto signature = keyring_->sign("audit", "checkpoint 100 abcdef");
  auto public_key = keyring_->public_signing_key("audit");
  ASSERT_TRUE(signature.ok() && public_key.ok());
  const std::string message = "checkpoint 100 abcdef";
  EXPECT_EQ(crypto_sign_verify_detached(signature->data(),
                                        reinterpret_cast<const uint8_t*>(message.data()),
                                        message.size(), public_key->data()),
            0);
  const std::string altered = "checkpoint 101 abcdef";
  EXPECT_NE(crypto_sign_verify_detached(signature->data(),
                                        reinterpret_cast<const uint8_t*>(altered.data()),
                                        altered.size(), public_key->data()),
            0);
  // Reopening gives the same key pair: checkpoints stay verifiable across restarts.
  keyring_.reset();
  auto reopened = Keyring::open(dir_ / "keyring", master_);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(*(*reopened)->public_signing_key("audit"), *public_key);
}

}  // namespace
}  // namespace parley
