// The real `parley` binary on a free port: health, readiness, metrics, error shapes,
// graceful shutdown, and refusals to start on a data directory it must not touch.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "tests/support/http_client.h"
#include "tests/support/parley_process.h"

namespace parley {
namespace {

using testing::http_request;
using testing::HttpConnection;
using testing::make_temp_dir;
using testing::ParleyServer;

std::filesystem::path write_config(const std::filesystem::path& dir, const std::string& text) {
  auto path = dir / "parley.toml";
  std::ofstream(path) << text;
  return path;
}

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("serve");
    auto config = write_config(dir_, "[server]\nmax_header_bytes = 4096\nmax_body_bytes = 65536\n");
    server_ = std::make_unique<ParleyServer>(dir_ / "data",
                                             std::vector<std::string>{"--config", config.string()},
                                             testing::master_key_env());
    ASSERT_TRUE(server_->started()) << server_->output_so_far();
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<ParleyServer> server_;
};

void expect_error(const std::optional<testing::HttpResponse>& response, int status,
                  const std::string& code) {
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, status);
  EXPECT_EQ(response->header("content-type"), "application/json");
  EXPECT_NE(response->body.find("{\"error\":{\"code\":\"" + code + "\",\"message\":\""),
            std::string::npos)
      << response->body;
}

TEST_F(ServeTest, HealthzAnswers) {
  auto response = http_request(server_->port(), "GET", "/healthz");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, R"({"status":"ok"})");
  EXPECT_FALSE(response->header("x-request-id").empty());
}

TEST_F(ServeTest, ReadyzReportsTheStore) {
  auto response = http_request(server_->port(), "GET", "/readyz");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_NE(response->body.find("\"store\":\"sqlite\""), std::string::npos) << response->body;
  EXPECT_NE(response->body.find("\"schema_version\":"), std::string::npos);
}

TEST_F(ServeTest, MetricsAreInPrometheusFormat) {
  ASSERT_TRUE(http_request(server_->port(), "GET", "/healthz"));
  ASSERT_TRUE(http_request(server_->port(), "GET", "/readyz"));  // makes a store read
  auto response = http_request(server_->port(), "GET", "/metrics");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->header("content-type").rfind("text/plain", 0), 0u);
  const std::string& text = response->body;
  EXPECT_NE(
      text.find("parley_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE parley_http_request_duration_seconds histogram"), std::string::npos);
  // At least this connection is open (earlier ones may still be closing).
  const std::string gauge_line = "\nparley_http_open_connections ";
  auto gauge = text.find(gauge_line);
  ASSERT_NE(gauge, std::string::npos);
  EXPECT_GE(std::atoi(text.c_str() + gauge + gauge_line.size()), 1);
  EXPECT_NE(text.find("# TYPE parley_store_commit_seconds histogram"), std::string::npos);
  EXPECT_NE(text.find("# TYPE parley_store_commit_batch_size histogram"), std::string::npos);
}

TEST_F(ServeTest, ErrorShapes) {
  int port = server_->port();
  expect_error(http_request(port, "GET", "/no/such/thing"), 404, "not_found");
  auto wrong_method = http_request(port, "POST", "/healthz", "{}");
  expect_error(wrong_method, 405, "method_not_allowed");
  EXPECT_EQ(wrong_method->header("allow"), "GET");

  HttpConnection big_body(port);
  ASSERT_TRUE(
      big_body.send_raw("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n"));
  expect_error(big_body.read_response(), 413, "payload_too_large");

  HttpConnection big_headers(port);
  ASSERT_TRUE(big_headers.send_raw(
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(10000, 'p') + "\r\n\r\n"));
  expect_error(big_headers.read_response(), 431, "header_too_large");

  HttpConnection malformed(port);
  ASSERT_TRUE(malformed.send_raw("HELLO THERE\r\n\r\n"));
  expect_error(malformed.read_response(), 400, "bad_request");

  // The OpenAI-compatible routes' clients read OpenAI's shape, the server's own errors too.
  HttpConnection big_completion(port);
  ASSERT_TRUE(big_completion.send_raw(
      "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 100000000\r\n\r\n"));
  auto refused = big_completion.read_response();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 413);
  EXPECT_NE(refused->body.find("\"type\":\"invalid_request_error\""), std::string::npos)
      << refused->body;
  EXPECT_NE(refused->body.find("\"param\":null"), std::string::npos) << refused->body;
  EXPECT_NE(refused->body.find("\"code\":\"payload_too_large\""), std::string::npos)
      << refused->body;

  // And the server still serves.
  auto after = http_request(port, "GET", "/healthz");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
}

TEST_F(ServeTest, SigtermFinishesTheRequestInFlightThenExitsCleanly) {
  HttpConnection idle(server_->port());
  ASSERT_TRUE(idle.request("GET", "/healthz"));
  HttpConnection in_flight(server_->port());
  ASSERT_TRUE(in_flight.request("GET", "/healthz"));  // accepted and served once
  // Half of the next request has arrived when the signal comes; the rest after.
  ASSERT_TRUE(in_flight.send_raw("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
  server_->signal(SIGTERM);
  EXPECT_TRUE(idle.closed_by_peer());
  ASSERT_TRUE(in_flight.send_raw("\r\n"));
  auto response = in_flight.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->header("connection"), "close");
  auto result = server_->wait();
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("Parley stopped."), std::string::npos);
}

TEST_F(ServeTest, AccessLogCarriesIdsNotPersonalData) {
  ASSERT_TRUE(http_request(server_->port(), "GET", "/healthz?email=ada@example.com", "",
                           {{"X-Request-Id", "trace-77"}}));
  server_->signal(SIGTERM);
  auto result = server_->wait();
  EXPECT_NE(result.output.find("\"request_id\":\"trace-77\""), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("\"route\":\"/healthz\""), std::string::npos);
  EXPECT_EQ(result.output.find("ada@example.com"), std::string::npos);
  EXPECT_EQ(result.output.find("127.0.0.1\","), std::string::npos);  // no client IP field
}

}  // namespace
}  // namespace parley
