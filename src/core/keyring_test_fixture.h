// Shared by the keyring's tests: a temporary keyring per test, file helpers, and a forked
// child process for the tests that share a keyring between processes.
#pragma once

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
#include "core/keyring.h"

namespace parley::keyring_testing {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

inline Bytes random_key() {
  Bytes key(32);
  randombytes_buf(key.data(), key.size());
  return key;
}

inline std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

inline void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

inline unsigned mode_of(const fs::path& path) {
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

inline const SealContext kWhere{"leads", "email", "lead_01JD3Z8Q4K5M6N7P8R9S0T1V2W"};

}  // namespace parley::keyring_testing
