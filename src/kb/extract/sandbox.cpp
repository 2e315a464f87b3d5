#include "kb/extract/sandbox.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <utility>

#include "kb/extract/document_json.h"
#include "kb/extract/extract_worker.h"

namespace parley {
namespace json = boost::json;
namespace {

constexpr rlim_t kMaxOpenFiles = 64;  // the readers open a few (libmagic's database, fonts)

// A file descriptor closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

Error system_error(std::string_view what) {
  return make_error(ErrorCode::unavailable, "could not start the extraction process (" +
                                                std::string(what) + ": " + std::strerror(errno) +
                                                "); try again later");
}

std::string megabytes(int64_t bytes) { return std::to_string(bytes / (1024 * 1024)); }

constexpr const char* kTooComplex = ": the file is too large or too complex";

Error cpu_error(const SandboxLimits& limits) {
  return make_error(ErrorCode::payload_too_large, "extraction took more than " +
                                                      std::to_string(limits.cpu_seconds) +
                                                      " CPU seconds" + kTooComplex);
}
Error memory_error(const SandboxLimits& limits) {
  return make_error(ErrorCode::payload_too_large, "extraction needed more than " +
                                                      megabytes(limits.memory_bytes) +
                                                      " MB of memory" + kTooComplex);
}
Error crash_error() {
  return make_error(ErrorCode::invalid_argument, "the file could not be read (the reader crashed)");
}

// The input as a sealed memory file: seekable for the child, and no pipe to keep fed.
Result<int> make_input_file(std::string_view input) {
  Fd fd(::memfd_create("parley-extract-input", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (fd.get() < 0) return system_error("memfd_create");
  for (size_t done = 0; done < input.size();) {
    ssize_t n = ::write(fd.get(), input.data() + done, input.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return system_error("writing the input");
    done += static_cast<size_t>(n);
  }
  if (::lseek(fd.get(), 0, SEEK_SET) != 0) return system_error("lseek");
  ::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
  return fd.release();
}

// Between fork and exec only async-signal-safe calls: everything is prepared before.
[[noreturn]] void exec_child(pid_t parent, int input_fd, int output_fd, int null_fd,
                             char* const* argv, char* const* envp, const SandboxLimits& limits) {
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(126);  // the parent died before PDEATHSIG was set
  ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (::dup2(input_fd, 0) < 0 || ::dup2(output_fd, 1) < 0 || ::dup2(null_fd, 2) < 0) ::_exit(126);
  if (::syscall(SYS_close_range, 3u, ~0u, 0u) != 0) {
    for (int fd = 3; fd < 65536; ++fd) ::close(fd);
  }
  // Signals ignored or blocked by the server would stay so across exec.
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction defaults {};
  defaults.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &defaults, nullptr);

  // Never above the hard limits the server runs under, which only root could raise.
  auto limit = [](int resource, rlim_t soft, rlim_t hard) {
    struct rlimit current {};
    if (::getrlimit(resource, &current) != 0) ::_exit(126);
    hard = std::min(hard, current.rlim_max);
    struct rlimit wanted {
      std::min(soft, hard), hard
    };
    if (::setrlimit(resource, &wanted) != 0) ::_exit(126);
  };
  // SIGXCPU at the soft limit; the hard limit a second later is SIGKILL for a child that
  // catches it.
  auto cpu = static_cast<rlim_t>(limits.cpu_seconds);
  limit(RLIMIT_CPU, cpu, cpu + 1);
  if (limits.memory_bytes > 0) {
    auto memory = static_cast<rlim_t>(limits.memory_bytes);
    limit(RLIMIT_AS, memory, memory);
  }
  limit(RLIMIT_FSIZE, 0, 0);
  limit(RLIMIT_CORE, 0, 0);
  limit(RLIMIT_NOFILE, kMaxOpenFiles, kMaxOpenFiles);
  if (::chdir("/") != 0) ::_exit(126);
  ::execve(argv[0], argv, envp);
  ::_exit(127);
}

enum class Stop { none, wall, output, failed };

struct ChildOutcome {
  std::string output;
  Stop stop = Stop::none;
  int status = 0;
  struct rusage usage {};
};

bool has_exited(pid_t pid) {
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid;
}

// Reads what is there now; false once the output passed the cap.
bool read_available(int fd, int64_t cap, std::string& out, bool& eof) {
  char buffer[64 * 1024];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return true;
    if (n <= 0) {
      eof = true;
      return true;
    }
    out.append(buffer, static_cast<size_t>(n));
    if (static_cast<int64_t>(out.size()) > cap) return false;
  }
}

// Collects the child's stdout until it exits, a limit is hit or the deadline passes; then
// kills its process group (stragglers included) and reaps it.
ChildOutcome supervise(pid_t pid, int output_fd, const SandboxLimits& limits) {
  ChildOutcome outcome;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(limits.wall_seconds);
  Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  bool eof = false;
  while (true) {
    auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      outcome.stop = Stop::wall;
      break;
    }
    // Without a pidfd (an old kernel), exit is noticed by looking every 50 ms.
    int timeout = static_cast<int>(std::min<int64_t>(left.count(), pidfd.get() < 0 ? 50 : INT_MAX));
    pollfd fds[2] = {{eof ? -1 : output_fd, POLLIN, 0}, {pidfd.get(), POLLIN, 0}};
    if (::poll(fds, 2, timeout) < 0 && errno != EINTR) {
      outcome.stop = Stop::failed;
      break;
    }
    if (fds[0].revents != 0 &&
        !read_available(output_fd, limits.output_bytes, outcome.output, eof)) {
      outcome.stop = Stop::output;
      break;
    }
    if (fds[1].revents != 0 || (pidfd.get() < 0 && has_exited(pid))) {
      // Gone: take what it left in the pipe, without waiting on a grandchild holding it.
      if (!eof && !read_available(output_fd, limits.output_bytes, outcome.output, eof)) {
        outcome.stop = Stop::output;
      }
      break;
    }
  }
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);
  while (::wait4(pid, &outcome.status, 0, &outcome.usage) < 0) {
    if (errno != EINTR) {  // SIGCHLD ignored: the kernel reaped it, and its status is lost
      outcome.stop = Stop::failed;
      break;
    }
  }
  return outcome;
}

double cpu_seconds_used(const struct rusage& usage) {
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

Result<std::string> judge(ChildOutcome outcome, const SandboxLimits& limits) {
  if (outcome.stop == Stop::output) {
    return make_error(ErrorCode::payload_too_large, "extraction produced more than " +
                                                        megabytes(limits.output_bytes) +
                                                        " MB of text: split the file into "
                                                        "smaller ones");
  }
  if (outcome.stop == Stop::wall) {
    return make_error(ErrorCode::payload_too_large, "extraction took longer than " +
                                                        std::to_string(limits.wall_seconds) +
                                                        " seconds" + kTooComplex);
  }
  if (outcome.stop == Stop::failed) {
    return make_error(ErrorCode::internal, "lost track of the extraction process");
  }
  int status = outcome.status;
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    if (sig == SIGXCPU) return cpu_error(limits);
    if (sig == SIGKILL) {
      // Not ours: the CPU hard limit, or else the kernel's out-of-memory killer.
      if (cpu_seconds_used(outcome.usage) >= limits.cpu_seconds) return cpu_error(limits);
      return memory_error(limits);
    }
    // A reader that hit the address-space limit often dies of a failed allocation it did
    // not check; a peak near the limit says that was the cause.
    int64_t peak_bytes = static_cast<int64_t>(outcome.usage.ru_maxrss) * 1024;
    if (limits.memory_bytes > 0 && peak_bytes >= limits.memory_bytes / 4 * 3) {
      return memory_error(limits);
    }
    return crash_error();
  }
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code == 0) return std::move(outcome.output);
  if (code == 126 || code == 127) {
    return make_error(ErrorCode::internal, "the extraction program could not be started");
  }
  return make_error(ErrorCode::internal,
                    "the extraction program failed (exit status " + std::to_string(code) + ")");
}

ErrorCode error_code_from_name(std::string_view name) {
  for (ErrorCode code :
       {ErrorCode::invalid_argument, ErrorCode::unauthenticated, ErrorCode::forbidden,
        ErrorCode::not_found, ErrorCode::conflict, ErrorCode::payload_too_large,
        ErrorCode::unsupported_media, ErrorCode::rate_limited, ErrorCode::unavailable}) {
    if (name == error_code_name(code)) return code;
  }
  return ErrorCode::internal;
}

Result<Document> read_reply(std::string_view reply, const SandboxLimits& limits) {
  json::parse_options options;
  options.allow_invalid_utf8 = true;  // an error message may quote bytes from the file
  boost::system::error_code ec;
  json::value value = json::parse(reply, ec, {}, options);
  const json::object* object = ec ? nullptr : value.if_object();
  const json::value* ok = object ? object->if_contains("ok") : nullptr;
  if (!ok || !ok->is_bool()) {
    return make_error(ErrorCode::internal, "the extraction program gave no readable answer");
  }
  if (ok->get_bool()) {
    const json::value* doc = object->if_contains("document");
    if (!doc) return make_error(ErrorCode::internal, "the extraction program sent no document");
    return document_from_json(*doc);
  }
  const json::value* code = object->if_contains("code");
  const json::value* message = object->if_contains("message");
  std::string_view code_name = code && code->is_string() ? std::string_view(code->get_string())
                                                         : std::string_view("internal");
  if (code_name == kWorkerOutOfMemory) return memory_error(limits);
  std::string text = message && message->is_string() ? std::string(message->get_string())
                                                     : "the file could not be read";
  return make_error(error_code_from_name(code_name), std::move(text));
}

}  // namespace

Result<std::string> run_sandboxed(const std::vector<std::string>& argv, std::string_view input,
                                  const SandboxLimits& requested) {
  SandboxLimits limits = requested;  // a limit of 0 seconds or bytes would fail every file
  limits.cpu_seconds = std::max(limits.cpu_seconds, 1);
  limits.wall_seconds = std::max(limits.wall_seconds, 1);
  limits.output_bytes = std::max<int64_t>(limits.output_bytes, 1);
  if (argv.empty() || argv[0].empty()) {
    return make_error(ErrorCode::internal, "no extraction program was given");
  }
  auto input_fd = make_input_file(input);
  if (!input_fd) return input_fd.error();
  Fd input_file(*input_fd);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return system_error("pipe");
  Fd output_read(pipe_fds[0]), output_write(pipe_fds[1]);
  Fd null_fd(::open("/dev/null", O_WRONLY | O_CLOEXEC));
  if (null_fd.get() < 0) return system_error("/dev/null");

  std::vector<char*> child_argv;
  for (const auto& arg : argv) child_argv.push_back(const_cast<char*>(arg.c_str()));
  child_argv.push_back(nullptr);
  // Nothing of the server's environment (master key, database URL) reaches the child.
  static char path[] = "PATH=/usr/local/bin:/usr/bin:/bin";
  static char lang[] = "LANG=C.UTF-8";
  char* envp[] = {path, lang, nullptr};

  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) return system_error("fork");
  if (pid == 0) {
    exec_child(parent, input_file.get(), output_write.get(), null_fd.get(), child_argv.data(), envp,
               limits);
  }
  ::setpgid(pid, pid);  // also here, so the group exists before anything is sent to it
  output_write.reset();
  input_file.reset();
  null_fd.reset();
  ::fcntl(output_read.get(), F_SETFL, ::fcntl(output_read.get(), F_GETFL) | O_NONBLOCK);
  return judge(supervise(pid, output_read.get(), limits), limits);
}

Result<Document> extract_in_sandbox(const std::vector<std::string>& worker_argv,
                                    std::string_view bytes, std::string_view filename_hint,
                                    const ExtractOptions& options, const SandboxLimits& limits) {
  std::vector<std::string> argv = worker_argv;
  for (auto& arg : extract_worker_args(filename_hint, options)) argv.push_back(std::move(arg));
  auto reply = run_sandboxed(argv, bytes, limits);
  if (!reply) return reply.error();
  return read_reply(*reply, limits);
}

}  // namespace parley
