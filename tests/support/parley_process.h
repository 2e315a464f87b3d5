// Starts the real `parley` binary for integration tests: a fresh data directory, a free
// port (the server picks it; we read it from its first line), signals, exit status.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace parley::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string output;  // stdout and stderr, interleaved
};

// Runs `args` to completion and returns its output and exit code.
ProcessResult run_command(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env = {});

class ParleyServer {
 public:
  // Starts `parley serve --port 0 --data DIR extra_args...` and waits for its listening line.
  // `binary`: the parley executable; empty: the one built with the tests.
  explicit ParleyServer(std::filesystem::path data_dir, std::vector<std::string> extra_args = {},
                        std::map<std::string, std::string> env = {}, std::string binary = {});
  ~ParleyServer();  // SIGKILL if still running

  bool started() const { return port_ > 0; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }

  void signal(int sig);
  // Waits for the process to exit; returns the collected output and status.
  ProcessResult wait();
  const std::string& output_so_far() const { return output_; }

 private:
  void read_until_listening();
  std::filesystem::path data_dir_;
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int port_ = 0;
  std::string output_;
  bool exited_ = false;
};

// A fresh, empty temporary directory, removed by the caller when it wants.
std::filesystem::path make_temp_dir(const std::string& tag);

// A base64 master key for PARLEY_MASTER_KEY in tests.
std::string test_master_key();

// The environment that hands `parley` a master key (the test one unless told otherwise).
std::map<std::string, std::string> master_key_env(std::string key = test_master_key());

bool contains(const std::string& text, const std::string& part);

}  // namespace parley::testing
