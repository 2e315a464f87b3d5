// Keys made by many threads at once are written in groups (one append and one sync for
// many keys): none may be lost, doubled, or usable before it is durable.
#include "core/keyring_test_fixture.h"

namespace parley {
namespace {

using namespace keyring_testing;

TEST_F(KeyringTest, KeysMadeByManyThreadsAtOnceAllSurviveAReopen) {
  constexpr int kThreads = 16;
  constexpr int kEach = 60;
  auto keyring = open_keyring(master_);
  std::vector<std::vector<Bytes>> sealed(kThreads, std::vector<Bytes>(kEach));
  std::atomic<int> failures{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < kEach; ++i) {
        // Every fourth owner is shared by all threads: they race to create it, in one
        // group or in several.
        std::string owner = i % 4 == 3 ? "vis_shared_" + std::to_string(i)
                                       : "vis_" + std::to_string(t) + "_" + std::to_string(i);
        SealContext where{"messages", "text", std::to_string(t) + "/" + std::to_string(i)};
        auto value = keyring->seal(owner, where, "message " + owner);
        if (!value.ok()) {
          ++failures;
          continue;
        }
        sealed[t][i] = std::move(*value);
      }
    });
  }
  go = true;
  for (auto& thread : threads) thread.join();
  ASSERT_EQ(failures.load(), 0);
  const size_t expected = kThreads * (kEach - kEach / 4) + kEach / 4;
  EXPECT_EQ(keyring->key_count(), expected);

  // A second record for one owner would make the reopen fail ("holds two keys").
  keyring.reset();
  keyring = open_keyring(master_);
  ASSERT_TRUE(keyring);
  EXPECT_EQ(keyring->key_count(), expected);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kEach; ++i) {
      std::string owner = i % 4 == 3 ? "vis_shared_" + std::to_string(i)
                                     : "vis_" + std::to_string(t) + "_" + std::to_string(i);
      SealContext where{"messages", "text", std::to_string(t) + "/" + std::to_string(i)};
      auto opened = keyring->open(owner, where, sealed[t][i]);
      ASSERT_TRUE(opened.ok()) << owner << ": " << opened.error().message;
      EXPECT_EQ(*opened, "message " + owner);
    }
  }
}

TEST_F(KeyringTest, KeysMadeInGroupsWhileAnotherProcessMakesKeysLoseNone) {
  constexpr int kThreads = 8;
  constexpr int kEach = 40;
  auto keyring = open_keyring(master_);
  ForkedChild child([&](ForkedChild& channel) {
    auto other = Keyring::open(path_, master_);
    if (!other.ok()) return 2;
    channel.wait();
    for (int i = 0; i < 200; ++i) {
      if (!(*other)->ensure_key("child_" + std::to_string(i)).ok()) return 1;
    }
    return 0;
  });
  child.tell();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        if (!keyring->ensure_key("t" + std::to_string(t) + "_" + std::to_string(i)).ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(child.exit_code(), 0);
  EXPECT_EQ(failures.load(), 0);
  const size_t expected = kThreads * kEach + 200;
  EXPECT_EQ(keyring->key_count(), expected);
  keyring.reset();
  auto reopened = open_keyring(master_);
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->key_count(), expected);
  EXPECT_TRUE(reopened->has_key("child_199") && reopened->has_key("t7_39"));
}

}  // namespace
}  // namespace parley
