// A real OpenAI-compatible chat endpoint on 127.0.0.1 for tests of the generative answerer:
// HTTP/1.1 on a LoopbackHttpServer, POST /v1/chat/completions and GET /v1/models with a
// Bearer key. Its answer is deterministic ("From [1]:" and the last words of the last user
// message, or a reply it is given), whole or streamed word by word as Server-Sent Events,
// with usage. Switches make it fail, hang, stall before the first token or drop the
// connection mid-stream; it counts requests and keeps the last request body.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/loopback_http_server.h"
#include "tests/support/openai_fake.h"

namespace parley::test {

// How streamed events are framed, to exercise a client's SSE reading.
struct SseStyle {
  bool crlf = false;          // lines end in CRLF instead of LF
  bool comments = true;       // ": keepalive" comments and blank lines between events
  bool split_events = false;  // each event sent in two writes, cut mid-line, with a pause
};

class TestLlmServer {
 public:
  static constexpr const char* kApiKey = "sk-test-chat-key";
  static constexpr const char* kModel = "test-chat-1";

  TestLlmServer();  // listens on 127.0.0.1, a free port
  ~TestLlmServer();
  TestLlmServer(const TestLlmServer&) = delete;
  TestLlmServer& operator=(const TestLlmServer&) = delete;

  // "http://127.0.0.1:<port>/v1": what a bot's settings.model.base_url is set to.
  std::string base_url() const;

  // The next `requests` chat requests answer `status` (with Retry-After when >= 0).
  void fail_next(int requests, int status = 500, int retry_after_seconds = -1);
  // The next `requests` chat requests are never answered (until the server stops).
  void hang_next(int requests);
  // Waits before the first token (streamed) or before the whole answer.
  void set_first_token_delay(std::chrono::milliseconds delay);
  // Waits between streamed tokens.
  void set_token_delay(std::chrono::milliseconds delay);
  // The next streamed answer closes its connection after `tokens` tokens, without [DONE].
  void drop_next_stream_after(int tokens);
  // The next streamed answer stops after `tokens` tokens until release_stream(): a test
  // can see the first pieces arrive while the answer is still being written.
  void hold_next_stream_after(int tokens);
  void release_stream();
  // Answers `text` instead of the echo; an empty text restores the echo.
  void set_reply(std::string text);
  void set_sse_style(SseStyle style);

  // The echo answer to a last user message: "From [1]:" and its last 12 words.
  static std::string echo_reply(const std::string& last_user_message);

  int requests() const;               // every request that reached the server
  int chat_requests() const;          // POST /v1/chat/completions with the right key
  int unauthorized() const;           // requests without the right Bearer key
  int streams_completed() const;      // streamed answers sent to their [DONE]
  int streams_cut_by_client() const;  // streamed answers the client stopped reading
  int tokens_sent() const;            // streamed tokens, every request
  std::string last_request_body() const;
  // The messages of the last chat request: (role, content).
  std::vector<std::pair<std::string, std::string>> last_messages() const;
  void reset_counts();

 private:
  struct Plan;  // what one request is to get, read under the lock
  std::optional<LoopbackResponse> handle(const LoopbackRequest& request,
                                         LoopbackExchange& exchange);
  std::optional<LoopbackResponse> chat(const LoopbackRequest& request, LoopbackExchange& exchange);
  void stream(LoopbackExchange& exchange, const Plan& plan);

  mutable std::mutex mutex_;
  FailureSwitch failures_;
  int hang_remaining_ = 0;
  int drop_after_ = -1;
  int hold_after_ = -1;
  bool released_ = false;
  std::chrono::milliseconds first_token_delay_{0};
  std::chrono::milliseconds token_delay_{0};
  std::string reply_;
  SseStyle style_;
  int requests_ = 0;
  int chat_requests_ = 0;
  int unauthorized_ = 0;
  int streams_completed_ = 0;
  int streams_cut_ = 0;
  int tokens_sent_ = 0;
  std::string last_body_;
  LoopbackHttpServer server_;  // last: stopped before the counts its handler writes go
};

}  // namespace parley::test
