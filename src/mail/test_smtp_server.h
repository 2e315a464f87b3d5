// A real SMTP server on loopback for the mail tests: Debian's aiosmtpd in a child Python
// process that saves each message it accepts (raw, and parsed by Python's email package)
// into a directory. Also a closed port and a server that never answers. Included by
// *_test.cpp files only.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace parley::mail_testing {

// Debian's interpreter, where python3-aiosmtpd lives (a python3 earlier on PATH may not
// have it).
inline constexpr const char* kPython = "/usr/bin/python3";

inline constexpr const char* kSinkScript = R"PY(
import asyncio, json, os, sys, warnings
warnings.simplefilter("ignore")
from email import policy
from email.parser import BytesParser
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

out_dir, auth = sys.argv[1], sys.argv[2]

class Saver:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Saver.count += 1
        base = os.path.join(out_dir, "%04d" % Saver.count)
        raw = envelope.original_content or envelope.content
        with open(base + ".eml", "wb") as f:
            f.write(raw)
        msg = BytesParser(policy=policy.default).parsebytes(raw)
        login = session.auth_data.login.decode() if session.authenticated else ""
        summary = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                   "login": login, "from": str(msg["From"]), "to": str(msg["To"]),
                   "subject": str(msg["Subject"]), "date": str(msg["Date"]),
                   "message_id": str(msg["Message-ID"]),
                   "content_type": msg.get_content_type(),
                   "charset": msg.get_content_charset() or "",
                   "transfer_encoding": str(msg["Content-Transfer-Encoding"]),
                   "body": msg.get_content()}
        with open(base + ".json.tmp", "w") as f:
            json.dump(summary, f)
        os.rename(base + ".json.tmp", base + ".json")
        print("saved %d" % Saver.count, flush=True)
        return "250 OK"

def check(server, session, envelope, mechanism, data):
    ok = isinstance(data, LoginPassword) and \
        "%s:%s" % (data.login.decode(), data.password.decode()) == auth
    return AuthResult(success=ok, handled=False, auth_data=data)

def factory():
    if auth:
        return SMTP(Saver(), authenticator=check, auth_require_tls=False, auth_required=True)
    return SMTP(Saver())

async def main():
    server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", 0)
    print("port %d" % server.sockets[0].getsockname()[1], flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)

asyncio.run(main())
)PY";

inline bool can_connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// A loopback listener on a free port; with `listen` false, closed again at once, so that
// connecting to its port is refused.
class Listener {
 public:
  explicit Listener(bool listen) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    if (listen) {
      ::listen(fd_, 16);
    } else {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~Listener() {
    if (fd_ >= 0) ::close(fd_);
  }
  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  // True once a client has connected (the kernel completed the handshake; nobody answers).
  bool wait_for_connection(std::chrono::milliseconds timeout) const {
    pollfd pfd{fd_, POLLIN, 0};
    return ::poll(&pfd, 1, static_cast<int>(timeout.count())) == 1;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

class SmtpSink {
 public:
  // `auth` "user:password" makes AUTH required (over plain TCP: loopback only).
  explicit SmtpSink(std::string auth = "") {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "parley-smtp-sink.XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) {
      ADD_FAILURE() << "pipe failed";
      return;
    }
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      const std::string dir = dir_.string();
      ::execl(kPython, kPython, "-c", kSinkScript, dir.c_str(), auth.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    stdin_ = in[1];
    stdout_ = out[0];
    const std::string first = read_line(std::chrono::seconds(30));
    if (first.rfind("port ", 0) != 0) {
      ADD_FAILURE() << "the SMTP sink did not start (is python3-aiosmtpd installed? run "
                       "scripts/bootstrap.sh): "
                    << first;
      return;
    }
    port_ = std::stoi(first.substr(5));
    // Listening before it printed the port; one connect proves it.
    for (int i = 0; i < 50 && !can_connect(port_); ++i) {
      pollfd none{-1, 0, 0};
      ::poll(&none, 0, 20);
    }
  }
  ~SmtpSink() {
    if (stdin_ >= 0) ::close(stdin_);  // the sink exits when its stdin closes
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    if (stdout_ >= 0) ::close(stdout_);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  bool started() const { return port_ > 0; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // Blocks until the sink has saved `count` messages in all, or the timeout passes.
  bool wait_for_messages(size_t count, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (saved_ < count) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      const std::string line = read_line(left);
      if (line.rfind("saved ", 0) == 0) saved_ = std::stoul(line.substr(6));
      if (line.empty()) return false;
    }
    return true;
  }

  // What Python's email package read from each saved message, in arrival order.
  std::vector<boost::json::object> messages() const {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      if (entry.path().extension() == ".json") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    std::vector<boost::json::object> out;
    for (const auto& file : files) {
      std::ifstream in(file);
      std::stringstream text;
      text << in.rdbuf();
      out.push_back(boost::json::parse(text.str()).as_object());
    }
    return out;
  }

 private:
  std::string read_line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      if (const size_t nl = buffer_.find('\n'); nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd pfd{stdout_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&pfd, 1, static_cast<int>(left.count())) != 1) return "";
      char chunk[256];
      const ssize_t n = ::read(stdout_, chunk, sizeof chunk);
      if (n <= 0) return "";
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  std::filesystem::path dir_;
  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
  int port_ = 0;
  size_t saved_ = 0;
  std::string buffer_;
};

}  // namespace parley::mail_testing
