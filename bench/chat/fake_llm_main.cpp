// bench_fake_llm: the tests' fake OpenAI-compatible chat endpoint (tests/support/
// test_llm_server.*) as a process, for benchmarks of the generative answer mode: POST
// /v1/chat/completions (whole or streamed) and GET /v1/models on 127.0.0.1, a free port,
// Bearer key "sk-test-chat-key", model "test-chat-1". Answers a fixed text, after a fixed
// delay when asked. Prints its base URL on the first line, then serves until SIGINT or
// SIGTERM.
//
//   bench_fake_llm [--reply TEXT] [--delay-ms N]
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/support/test_llm_server.h"

namespace {

constexpr const char* kDefaultReply =
    "From [1]: the passages say so, and [2] agrees with the first one on this point.";

int usage(const char* program) {
  std::fprintf(stderr, "usage: %s [--reply TEXT] [--delay-ms N]\n", program);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string reply = kDefaultReply;
  int delay_ms = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--reply" && i + 1 < argc) {
      reply = argv[++i];
    } else if (arg == "--delay-ms" && i + 1 < argc) {
      delay_ms = std::atoi(argv[++i]);
    } else {
      return usage(argv[0]);
    }
  }
  // Blocked before the server's threads start, so that they inherit the mask and only
  // sigwait below sees the signals.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  parley::test::TestLlmServer server;
  server.set_reply(reply);
  server.set_first_token_delay(std::chrono::milliseconds(delay_ms));
  std::printf("%s\n", server.base_url().c_str());
  std::fflush(stdout);
  int signal = 0;
  sigwait(&stop, &signal);
  std::fprintf(stderr, "bench_fake_llm: %d chat requests\n", server.chat_requests());
  return 0;
}
