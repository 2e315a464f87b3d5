// One keyring file shared by several Keyring objects and processes.
#include "core/keyring_test_fixture.h"

namespace parley {
namespace {

using namespace keyring_testing;

TEST_F(KeyringTest, AKeyMadeByOneKeyringOpensInAnother) {
  auto a = open_keyring(master_);
  auto b = open_keyring(master_);  // both at once: no lock is held between calls
  ASSERT_TRUE(a && b);
  auto sealed = a->seal("vis_1", kWhere, "ada@example.com");
  ASSERT_TRUE(sealed.ok());
  auto opened = b->open("vis_1", kWhere, *sealed);  // a miss in b: it reads a's append
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(*opened, "ada@example.com");

  // b uses a's key rather than appending a second one for the same owner.
  EXPECT_TRUE(b->ensure_key("vis_1").ok());
  auto from_b = b->seal("vis_1", kWhere, "bob@example.com");
  EXPECT_EQ(*a->open("vis_1", kWhere, *from_b), "bob@example.com");
  ASSERT_TRUE(b->ensure_key("vis_2").ok());
  EXPECT_TRUE(a->has_key("vis_2"));
  EXPECT_EQ(a->key_count(), 2u);

  a.reset();
  b.reset();
  auto reopened = open_keyring(master_);
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->key_count(), 2u);
}

TEST_F(KeyringTest, AKeyDestroyedByOneKeyringIsGoneFromAnotherOnItsNextCall) {
  auto a = open_keyring(master_);
  auto b = open_keyring(master_);
  auto sealed = a->seal("vis_1", kWhere, "ada@example.com");
  ASSERT_TRUE(sealed.ok());
  ASSERT_EQ(*b->open("vis_1", kWhere, *sealed), "ada@example.com");  // cached in b now

  ASSERT_TRUE(a->destroy_key("vis_1").ok());
  // b's very next call sees the rewrite (the lock file's counter moved) and reloads.
  auto opened = b->open("vis_1", kWhere, *sealed);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, ErrorCode::not_found);
  EXPECT_FALSE(b->has_key("vis_1"));

  // A new key for the owner, made by b, does not bring the old data back.
  ASSERT_TRUE(b->seal("vis_1", kWhere, "new").ok());
  EXPECT_EQ(a->open("vis_1", kWhere, *sealed).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(b->open("vis_1", kWhere, *sealed).error().code, ErrorCode::invalid_argument);
}

TEST_F(KeyringTest, AKeyDestroyedInAnotherProcessIsGoneThereOnItsNextCall) {
  auto keyring = open_keyring(master_);
  auto sealed = keyring->seal("vis_1", kWhere, "ada@example.com");
  ASSERT_TRUE(sealed.ok());
  ForkedChild other([&](ForkedChild& channel) {
    auto mine = Keyring::open(path_, master_);
    if (!mine.ok() || !(*mine)->open("vis_1", kWhere, *sealed).ok()) return 2;
    channel.tell();  // the key is cached here
    channel.wait();  // and destroyed there
    auto opened = (*mine)->open("vis_1", kWhere, *sealed);
    if (opened.ok()) return 1;
    return opened.error().code == ErrorCode::not_found ? 0 : 3;
  });
  ASSERT_TRUE(other.wait());
  ASSERT_TRUE(keyring->destroy_key("vis_1").ok());
  other.tell();
  EXPECT_EQ(other.exit_code(), 0);
}

TEST_F(KeyringTest, AppendsAfterAnotherKeyringsRewriteLandInTheNewFile) {
  auto a = open_keyring(master_);
  auto b = open_keyring(master_);
  ASSERT_TRUE(a->ensure_key("a_1").ok());
  ASSERT_TRUE(b->ensure_key("b_1").ok());
  ASSERT_TRUE(a->destroy_key("a_1").ok());  // a's rewrite keeps b's key
  ASSERT_TRUE(b->ensure_key("b_2").ok());   // into the file a put in place
  ASSERT_TRUE(a->ensure_key("a_2").ok());
  ASSERT_TRUE(b->destroy_key("b_1").ok());  // b's rewrite keeps a's key
  ASSERT_TRUE(b->ensure_key("b_3").ok());
  EXPECT_TRUE(a->has_key("b_2"));
  EXPECT_TRUE(a->has_key("b_3"));
  EXPECT_FALSE(a->has_key("b_1"));
  EXPECT_EQ(a->key_count(), 3u);
  EXPECT_EQ(b->key_count(), 3u);

  a.reset();
  b.reset();
  for (int i = 0; i < 2; ++i) {
    auto reopened = open_keyring(master_);
    ASSERT_TRUE(reopened);
    EXPECT_EQ(reopened->key_count(), 3u);
    for (const char* owner : {"a_2", "b_2", "b_3"}) EXPECT_TRUE(reopened->has_key(owner)) << owner;
    for (const char* owner : {"a_1", "b_1"}) EXPECT_FALSE(reopened->has_key(owner)) << owner;
  }
}

TEST_F(KeyringTest, AReaderTakesAnIncompleteLastRecordForNotThereYet) {
  ASSERT_TRUE(open_keyring(master_));
  std::string header = read_bytes(path_);
  // A record made elsewhere under the same master key, to be written here slowly.
  {
    auto scratch = Keyring::open(dir_ / "scratch", master_);
    ASSERT_TRUE(scratch.ok());
    ASSERT_TRUE((*scratch)->ensure_key("vis_late").ok());
  }
  std::string record = read_bytes(dir_ / "scratch").substr(header.size());
  ASSERT_GT(record.size(), 40u);

  auto reader = open_keyring(master_);
  // A writer in another process is half-way through its append.
  write_bytes(path_, header + record.substr(0, 40));
  EXPECT_FALSE(reader->has_key("vis_late"));
  EXPECT_EQ(read_bytes(path_).size(), header.size() + 40) << "a reader must not cut it off";
  auto other_reader = open_keyring(master_);
  ASSERT_TRUE(other_reader);
  EXPECT_EQ(read_bytes(path_).size(), header.size() + 40) << "nor may opening";

  // The writer finishes: the next miss reads the whole record.
  write_bytes(path_, header + record);
  EXPECT_TRUE(reader->has_key("vis_late"));
  EXPECT_TRUE(other_reader->has_key("vis_late"));

  // A writer that died half-way: the next writer, holding the lock, cuts its tail off.
  write_bytes(path_, header + record + record.substr(0, 40));
  ASSERT_TRUE(reader->ensure_key("vis_next").ok());
  EXPECT_EQ(other_reader->key_count(), 2u);
  reader.reset();
  other_reader.reset();
  EXPECT_EQ(open_keyring(master_)->key_count(), 2u);
}

TEST_F(KeyringTest, TwoProcessesMakingKeysAtOnceLoseNone) {
  constexpr int kEach = 200;   // keys only one process makes
  constexpr int kShared = 50;  // keys both make, racing
  auto parent = open_keyring(master_);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(parent->ensure_key("gone_" + std::to_string(i)).ok());

  auto make_keys = [&](const std::string& prefix) {
    return [&, prefix](ForkedChild& channel) {
      auto keyring = Keyring::open(path_, master_);
      if (!keyring.ok()) return 2;
      channel.wait();  // both start together
      for (int i = 0; i < kEach + kShared; ++i) {
        std::string owner =
            i % 5 == 4 ? "shared_" + std::to_string(i / 5) : prefix + std::to_string(i - i / 5);
        if (Status s = (*keyring)->ensure_key(owner); !s) {
          std::fprintf(stderr, "%s: %s\n", owner.c_str(), s.error().message.c_str());
          return 1;
        }
      }
      return 0;
    };
  };
  ForkedChild first(make_keys("p1_"));
  ForkedChild second(make_keys("p2_"));
  first.tell();
  second.tell();
  // Meanwhile, erasures here rewrite the file under them.
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(parent->destroy_key("gone_" + std::to_string(i)).ok());
  EXPECT_EQ(first.exit_code(), 0);
  EXPECT_EQ(second.exit_code(), 0);

  size_t expected = 2 * kEach + kShared;
  EXPECT_EQ(parent->key_count(), expected);
  parent.reset();
  auto reopened = open_keyring(master_);
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->key_count(), expected);
  EXPECT_TRUE(reopened->has_key("p1_1") && reopened->has_key("p2_199"));
  EXPECT_TRUE(reopened->has_key("shared_49"));
  EXPECT_FALSE(reopened->has_key("gone_0"));
}

TEST_F(KeyringTest, AProcessStillOnTheOldMasterKeyFailsSafelyAfterARotation) {
  auto keyring = open_keyring(master_);
  auto sealed = keyring->seal("vis_1", kWhere, "ada@example.com");
  ASSERT_TRUE(sealed.ok());
  ForkedChild other([&](ForkedChild& channel) {
    auto old = Keyring::open(path_, master_);
    if (!old.ok() || !(*old)->open("vis_1", kWhere, *sealed).ok()) return 2;
    channel.tell();  // open, with the old master key
    channel.wait();  // rotated meanwhile
    Status made = (*old)->ensure_key("vis_after");
    if (made) return 1;
    std::fprintf(stderr, "the child was told: %s\n", made.error().message.c_str());
    if (made.error().message.find("master key") == std::string::npos ||
        made.error().message.find("restart") == std::string::npos) {
      return 3;
    }
    // Nor does it go on with the keys it held: it can no longer see what is destroyed.
    if ((*old)->open("vis_1", kWhere, *sealed).ok()) return 4;
    return 0;
  });
  ASSERT_TRUE(other.wait());
  Bytes new_master = random_key();
  ASSERT_TRUE(keyring->rotate_master(new_master).ok());
  other.tell();
  EXPECT_EQ(other.exit_code(), 0);

  // The file holds no record wrapped under the old key.
  keyring.reset();
  auto reopened = open_keyring(new_master);
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->key_count(), 1u);
  EXPECT_FALSE(reopened->has_key("vis_after"));
  EXPECT_EQ(*reopened->open("vis_1", kWhere, *sealed), "ada@example.com");
}

TEST_F(KeyringTest, ThreadsUsingOneKeyringWhileAnotherRewritesTheFile) {
  auto keyring = open_keyring(master_);
  auto other = open_keyring(master_);
  constexpr int kThreads = 4;
  constexpr int kRounds = 100;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        std::string owner = "vis_" + std::to_string(i % 20);
        std::string row = "row_" + std::to_string(t) + "_" + std::to_string(i);
        SealContext where{"messages", "text", row};
        auto sealed = keyring->seal(owner, where, row);
        auto opened = sealed.ok() ? keyring->open(owner, where, *sealed) : sealed.error();
        if (!opened.ok() || *opened != row) ++failures;
      }
    });
  }
  // The other Keyring's erasures replace the file under them, and its appends race theirs.
  threads.emplace_back([&] {
    for (int i = 0; i < 20; ++i) {
      std::string owner = "gone_" + std::to_string(i);
      if (!other->ensure_key(owner).ok() || !other->destroy_key(owner).ok()) ++failures;
      if (!other->ensure_key("vis_" + std::to_string(i)).ok()) ++failures;
    }
  });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(keyring->key_count(), 20u);
  EXPECT_EQ(other->key_count(), 20u);
  keyring.reset();
  other.reset();
  EXPECT_EQ(open_keyring(master_)->key_count(), 20u);
}

// ---- load_master_key ---------------------------------------------------------------------

}  // namespace
}  // namespace parley
