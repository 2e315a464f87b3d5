// A real OpenAI-compatible embeddings endpoint on 127.0.0.1 for hybrid-search tests:
// HTTP/1.1 on a LoopbackHttpServer, POST /v1/embeddings with a Bearer key. Its vectors are
// deterministic: a hashed bag of concepts, where a small synonym table maps words to
// concepts, so that "reimbursement" lands near "refunds" although they share no word (what
// BM25 cannot see). It counts requests and inputs, and can be told to fail or to be slow.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/loopback_http_server.h"
#include "tests/support/openai_fake.h"

namespace parley::test {

class TestEmbeddingsServer {
 public:
  static constexpr const char* kApiKey = "sk-test-embeddings-key";
  static constexpr size_t kDimensions = 64;

  TestEmbeddingsServer();  // listens on 127.0.0.1, a free port
  ~TestEmbeddingsServer();
  TestEmbeddingsServer(const TestEmbeddingsServer&) = delete;
  TestEmbeddingsServer& operator=(const TestEmbeddingsServer&) = delete;

  // "http://127.0.0.1:<port>/v1": what a bot's settings.embeddings.base_url is set to.
  std::string base_url() const;

  // The next `requests` requests answer `status` (with Retry-After when given, >= 0).
  void fail_next(int requests, int status = 500, int retry_after_seconds = -1);
  // Every answer waits this long first (until the server stops).
  void set_delay(std::chrono::milliseconds delay);

  int requests() const;                       // every request that reached the server
  int inputs() const;                         // inputs of the requests answered 200
  int batches_of(size_t size) const;          // answered requests that carried `size` inputs
  int unauthorized() const;                   // requests without the right Bearer key
  std::vector<std::string> received() const;  // every input answered, in order
  void reset_counts();

  // The vector the server gives `text` (unit length).
  static std::vector<float> embed(std::string_view text);

 private:
  std::optional<LoopbackResponse> handle(const LoopbackRequest& request,
                                         LoopbackExchange& exchange);
  LoopbackResponse answer(const LoopbackRequest& request);

  mutable std::mutex mutex_;
  FailureSwitch failures_;
  std::chrono::milliseconds delay_{0};
  int requests_ = 0;
  int unauthorized_ = 0;
  std::vector<size_t> batch_sizes_;
  std::vector<std::string> received_;
  LoopbackHttpServer server_;  // last: stopped before the counts its handler writes go
};

}  // namespace parley::test
