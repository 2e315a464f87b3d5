#include "core/keyring.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <thread>

#include "core/base64.h"

namespace parley {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

Bytes random_key() {
  Bytes key(32);
  randombytes_buf(key.data(), key.size());
  return key;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

// A forked child running `body`, with a pipe each way so that parent and child can wait
// for each other. The child reports by its exit code (gtest assertions do not cross fork).
class ForkedChild {
 public:
  explicit ForkedChild(const std::function<int(ForkedChild&)>& body) {
    int down[2];
    int up[2];
    if (::pipe(down) != 0 || ::pipe(up) != 0) std::abort();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(down[1]);
      ::close(up[0]);
      in_ = down[0];
      out_ = up[1];
      ::_exit(body(*this));
    }
    ::close(down[0]);
    ::close(up[1]);
    in_ = up[0];
    out_ = down[1];
  }
  ~ForkedChild() {
    if (pid_ > 0) exit_code();
  }
  void tell() {
    char c = 1;
    (void)!::write(out_, &c, 1);
  }
  bool wait() {
    char c;
    return ::read(in_, &c, 1) == 1;
  }
  // Waits for the child; a child that was still waiting is told to go on first.
  int exit_code() {
    ::close(out_);
    ::close(in_);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
  int in_ = -1;
  int out_ = -1;
};

class KeyringTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    std::string templ = (fs::temp_directory_path() / "parley_keyring_XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    path_ = dir_ / "keyring";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Keyring> open_keyring(const Bytes& master) {
    auto keyring = Keyring::open(path_, master);
    EXPECT_TRUE(keyring.ok()) << keyring.error().message;
    return keyring.ok() ? std::move(keyring).value() : nullptr;
  }

  fs::path dir_;
  fs::path path_;
  Bytes master_ = random_key();
};

const SealContext kWhere{"leads", "email", "lead_01JD3Z8Q4K5M6N7P8R9S0T1V2W"};

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
