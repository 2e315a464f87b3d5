#include "tests/support/parley_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <stdexcept>

#ifndef PARLEY_BINARY
#define PARLEY_BINARY "parley"
#endif

namespace parley::testing {
namespace {

pid_t spawn(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
            int* out_fd) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(pipe_fds[1], 1);
    ::dup2(pipe_fds[1], 2);
    for (const auto& [key, value] : env) ::setenv(key.c_str(), value.c_str(), 1);
    std::vector<char*> argv;
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    std::perror("execv");
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  *out_fd = pipe_fds[0];
  return pid;
}

void read_all(int fd, std::string& out) {
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
}

ProcessResult collect(pid_t pid, int fd, std::string output) {
  read_all(fd, output);
  ::close(fd);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ProcessResult result;
  result.output = std::move(output);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

}  // namespace

ProcessResult run_command(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env) {
  int fd = -1;
  pid_t pid = spawn(args, env, &fd);
  return collect(pid, fd, {});
}

std::filesystem::path make_temp_dir(const std::string& tag) {
  std::string pattern = (std::filesystem::temp_directory_path() / ("parley_" + tag + "_XXXXXX"));
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

std::string test_master_key() { return "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="; }

std::map<std::string, std::string> master_key_env(std::string key) {
  return {{"PARLEY_MASTER_KEY", std::move(key)}};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

ParleyServer::ParleyServer(std::filesystem::path data_dir, std::vector<std::string> extra_args,
                           std::map<std::string, std::string> env, std::string binary)
    : data_dir_(std::move(data_dir)) {
  if (binary.empty()) binary = PARLEY_BINARY;
  std::vector<std::string> args = {binary, "serve", "--port", "0", "--data", data_dir_.string()};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pid_ = spawn(args, env, &out_fd_);
  read_until_listening();
}

void ParleyServer::read_until_listening() {
  // The server prints "Parley is listening on http://HOST:PORT ..." once it accepts.
  const std::string marker = "listening on http://";
  char buf[1024];
  while (true) {
    auto at = output_.find(marker);
    if (at != std::string::npos) {
      auto colon = output_.find(':', at + marker.size());
      auto end = output_.find_first_not_of("0123456789", colon + 1);
      if (colon != std::string::npos && end != std::string::npos) {
        port_ = std::atoi(output_.substr(colon + 1, end - colon - 1).c_str());
        return;
      }
    }
    ssize_t n = ::read(out_fd_, buf, sizeof buf);
    if (n <= 0) return;  // exited before listening: started() is false, output_ says why
    output_.append(buf, static_cast<size_t>(n));
  }
}

void ParleyServer::signal(int sig) {
  if (!exited_) ::kill(pid_, sig);
}

ProcessResult ParleyServer::wait() {
  exited_ = true;
  ProcessResult result = collect(pid_, out_fd_, output_);
  out_fd_ = -1;
  return result;
}

ParleyServer::~ParleyServer() {
  if (!exited_) {
    ::kill(pid_, SIGKILL);
    wait();
  }
}

}  // namespace parley::testing
