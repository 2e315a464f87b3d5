// The embeddings client against a real OpenAI-compatible server on loopback: batching,
// vectors placed by index, retries on 500 and 429 (Retry-After honoured under the cap),
// giving up with an error that names neither the key nor the text.
#include "model/embeddings_client.h"

#include <gtest/gtest.h>

#include "tests/support/test_embeddings_server.h"

namespace parley {
namespace {

using test::TestEmbeddingsServer;

class EmbeddingsClientTest : public ::testing::Test {
 protected:
  ModelEndpoint endpoint(std::string key = TestEmbeddingsServer::kApiKey) const {
    return {server_.base_url(), "test-embed-1", std::move(key)};
  }
  HttpPolicy policy(int attempts = 4) const {
    HttpPolicy p;
    p.max_attempts = attempts;
    p.retry_base_ms = 100;
    p.retry_cap_ms = 2000;
    p.timeout_ms = 5000;
    return p;
  }
  // Records the waits instead of sleeping.
  SleepFn recorder() {
    return [this](std::chrono::milliseconds delay) { waits_.push_back(delay.count()); };
  }

  TestEmbeddingsServer server_;
  std::vector<int64_t> waits_;
};

std::vector<std::string> numbered(size_t n) {
  std::vector<std::string> texts;
  for (size_t i = 0; i < n; ++i) texts.push_back("passage number " + std::to_string(i));
  return texts;
}

TEST_F(EmbeddingsClientTest, SendsBatchesAndKeepsTheInputOrder) {
  EmbeddingsClient client(endpoint(), policy(), 64, recorder());
  const auto texts = numbered(150);
  auto vectors = client.embed(texts);
  ASSERT_TRUE(vectors.ok()) << vectors.error().message;
  EXPECT_EQ(server_.requests(), 3);  // 64 + 64 + 22
  EXPECT_EQ(server_.batches_of(64), 2);
  EXPECT_EQ(server_.batches_of(22), 1);
  ASSERT_EQ(vectors->size(), 150u);
  // The server lists each batch backwards: the client places vectors by their index.
  for (size_t i : {size_t{0}, size_t{63}, size_t{64}, size_t{149}}) {
    EXPECT_EQ((*vectors)[i], TestEmbeddingsServer::embed(texts[i])) << i;
  }
  EXPECT_TRUE(waits_.empty());
  EXPECT_TRUE(client.embed({}).ok());
  EXPECT_EQ(server_.requests(), 3);  // nothing to embed, nothing sent
}

TEST_F(EmbeddingsClientTest, RetriesAfterServerErrorsWithBackoff) {
  server_.fail_next(2, 500);
  EmbeddingsClient client(endpoint(), policy(), 64, recorder());
  auto vectors = client.embed({"refund policy"});
  ASSERT_TRUE(vectors.ok()) << vectors.error().message;
  EXPECT_EQ(server_.requests(), 3);
  EXPECT_EQ(waits_, (std::vector<int64_t>{100, 200}));  // exponential
}

TEST_F(EmbeddingsClientTest, HonoursRetryAfterUpToTheCap) {
  server_.fail_next(1, 429, /*retry_after_seconds=*/1);
  EmbeddingsClient client(endpoint(), policy(), 64, recorder());
  ASSERT_TRUE(client.embed({"a"}).ok());
  server_.fail_next(1, 429, /*retry_after_seconds=*/3600);
  ASSERT_TRUE(client.embed({"b"}).ok());
  EXPECT_EQ(waits_, (std::vector<int64_t>{1000, 2000}));  // the hour is cut to the cap
}

TEST_F(EmbeddingsClientTest, GivesUpAfterTheLastAttemptWithAClearError) {
  server_.fail_next(100, 503);
  EmbeddingsClient client(endpoint(), policy(3), 64, recorder());
  auto vectors = client.embed({"the secret text of a customer"});
  ASSERT_FALSE(vectors.ok());
  EXPECT_EQ(vectors.error().code, ErrorCode::unavailable);
  EXPECT_EQ(server_.requests(), 3);
  EXPECT_EQ(waits_.size(), 2u);
  const std::string& message = vectors.error().message;
  EXPECT_NE(message.find("3 attempts"), std::string::npos) << message;
  EXPECT_NE(message.find("HTTP 503"), std::string::npos) << message;
  EXPECT_EQ(message.find(TestEmbeddingsServer::kApiKey), std::string::npos) << message;
  EXPECT_EQ(message.find("secret text"), std::string::npos) << message;
}

TEST_F(EmbeddingsClientTest, AWrongKeyIsNotRetried) {
  EmbeddingsClient client(endpoint("sk-wrong"), policy(), 64, recorder());
  auto vectors = client.embed({"a"});
  ASSERT_FALSE(vectors.ok());
  EXPECT_EQ(vectors.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(vectors.error().message.find("401"), std::string::npos);
  EXPECT_EQ(vectors.error().message.find("sk-wrong"), std::string::npos);
  EXPECT_EQ(server_.requests(), 1);
  EXPECT_EQ(server_.unauthorized(), 1);
}

TEST_F(EmbeddingsClientTest, NetworkErrorsAreRetriedThenReported) {
  ModelEndpoint nowhere{"http://127.0.0.1:1/v1", "m", "sk-x"};  // nothing listens on port 1
  EmbeddingsClient client(nowhere, policy(2), 64, recorder());
  auto vectors = client.embed({"a"});
  ASSERT_FALSE(vectors.ok());
  EXPECT_EQ(vectors.error().code, ErrorCode::unavailable);
  EXPECT_EQ(waits_.size(), 1u);
}

TEST(EmbeddingsAnswer, RefusesMalformedAnswers) {
  EXPECT_TRUE(parse_embeddings_answer(
                  R"({"data":[{"index":1,"embedding":[1,2]},{"index":0,"embedding":[3,4]}]})", 2)
                  .ok());
  auto placed = parse_embeddings_answer(
      R"({"data":[{"index":1,"embedding":[1,2]},{"index":0,"embedding":[3,4]}]})", 2);
  EXPECT_EQ((*placed)[0], (Embedding{3, 4}));
  for (std::string_view bad :
       {R"(not json)",
        R"({"data":[{"index":0,"embedding":[1,2]}]})",                                  // 1 of 2
        R"({"data":[{"index":0,"embedding":[1,2]},{"index":1,"embedding":[1,2,3]}]})",  // dims
        R"({"data":[{"index":0,"embedding":[1,2]},{"index":0,"embedding":[1,2]}]})",    // twice
        R"({"data":[{"index":0,"embedding":[]},{"index":1,"embedding":[]}]})",
        R"({"data":[{"index":0,"embedding":["x",2]},{"index":1,"embedding":[1,2]}]})"}) {
    auto parsed = parse_embeddings_answer(bad, 2);
    EXPECT_FALSE(parsed.ok()) << bad;
  }
}

TEST(RetryDelay, DoublesAndIsCapped) {
  HttpPolicy policy;
  policy.retry_base_ms = 500;
  policy.retry_cap_ms = 3000;
  EXPECT_EQ(retry_delay(policy, 0, std::nullopt).count(), 500);
  EXPECT_EQ(retry_delay(policy, 2, std::nullopt).count(), 2000);
  EXPECT_EQ(retry_delay(policy, 3, std::nullopt).count(), 3000);
  EXPECT_EQ(retry_delay(policy, 40, std::nullopt).count(), 3000);
  EXPECT_EQ(retry_delay(policy, 0, 2).count(), 2000);
}

}  // namespace
}  // namespace parley
