// Streamed bodies on a real socket: chunks reach the client while the producer is still
// running, an error before the first chunk keeps its status, a client that leaves stops the
// producer, an idle stream sends its keepalive, and a drain ends an open stream.
#include "http/response_stream.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "http/server.h"
#include "tests/support/http_client.h"

namespace parley {
namespace {

using testing::HttpConnection;

class ResponseStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.port = 0;
    config_.io_threads = 1;
    config_.worker_threads = 4;
    const RouteOptions open{Access::public_route(), BodyKind::none, true};
    // Writes "one", waits for the test, writes "two".
    router_.add("GET", "/two-steps", open, [this](Request&) {
      return streamed_response("text/event-stream", [this](ResponseStream& out) {
        out.write("one");
        next_.get_future().wait();
        out.write("two");
      });
    });
    router_.add("GET", "/refused", open, [](Request&) {
      return streamed_response("text/event-stream", [](ResponseStream& out) {
        out.fail(error_response(409, "conflict", "not now"));
      });
    });
    // Writes until the client has gone, then reports how it ended.
    router_.add("GET", "/endless", open, [this](Request&) {
      return streamed_response("text/plain", [this](ResponseStream& out) {
        while (out.write(std::string(1024, 'x'))) std::this_thread::sleep_for(kPause);
        stopped_.set_value();
      });
    });
    // Held by the test: nothing is written until it says so.
    router_.add("GET", "/held", open, [this](Request&) {
      Response response = streamed_response("text/event-stream", nullptr, 1, ": ping\n\n");
      held_.set_value(response.stream);
      return response;
    });
    server_ = std::make_unique<Server>(config_, router_, metrics_, log_, false);
    auto port = server_->listen();
    ASSERT_TRUE(port.ok());
    port_ = *port;
    thread_ = std::thread([this] { server_->run(); });
  }

  void TearDown() override {
    if (!thread_.joinable()) return;  // a test drained it
    server_->stop();
    thread_.join();
  }

  static constexpr std::chrono::milliseconds kPause{1};
  ServerConfig config_;
  Router router_;
  Metrics metrics_;
  Log log_{LogLevel::error};
  std::unique_ptr<Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::promise<void> next_;
  std::promise<void> stopped_;
  std::promise<std::shared_ptr<ResponseStream>> held_;
};

TEST_F(ResponseStreamTest, ChunksArriveWhileTheProducerRunsAndTheConnectionStaysOpen) {
  HttpConnection connection(port_);
  ASSERT_TRUE(connection.send_raw("GET /two-steps HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto head = connection.read_head();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-type"), "text/event-stream");
  EXPECT_EQ(head->header("transfer-encoding"), "chunked");
  EXPECT_EQ(head->header("cache-control"), "no-cache");
  // The producer is still waiting for us: the first chunk came on its own.
  EXPECT_EQ(connection.read_chunk(), "one");
  next_.set_value();
  EXPECT_EQ(connection.read_chunk(), "two");
  EXPECT_EQ(connection.read_chunk(), "");  // the end
  // The same connection serves the next request.
  ASSERT_TRUE(connection.send_raw("GET /refused HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto next = connection.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 409);
}

TEST_F(ResponseStreamTest, AFailureBeforeTheFirstChunkKeepsItsStatus) {
  auto response = testing::http_request(port_, "GET", "/refused");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 409);
  EXPECT_NE(response->body.find("not now"), std::string::npos);
}

TEST_F(ResponseStreamTest, AClientThatLeavesStopsTheProducer) {
  {
    HttpConnection connection(port_);
    ASSERT_TRUE(connection.send_raw("GET /endless HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(connection.read_head());
    ASSERT_TRUE(connection.read_chunk());
  }                              // closed
  stopped_.get_future().wait();  // the producer saw write() fail and returned
}

TEST_F(ResponseStreamTest, AnIdleStreamSendsItsKeepaliveAndADrainEndsIt) {
  HttpConnection connection(port_);
  ASSERT_TRUE(connection.send_raw("GET /held HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto stream = held_.get_future().get();
  ASSERT_TRUE(stream->write("hello\n\n"));
  ASSERT_TRUE(connection.read_head());
  EXPECT_EQ(connection.read_chunk(), "hello\n\n");
  EXPECT_EQ(connection.read_chunk(), ": ping\n\n");  // nothing else came for a while
  server_->stop();
  // The stream ends whole (its last chunk), the connection closes, the producer is told.
  std::optional<std::string> chunk;
  while ((chunk = connection.read_chunk()) && !chunk->empty()) EXPECT_EQ(*chunk, ": ping\n\n");
  EXPECT_EQ(chunk, "");
  EXPECT_TRUE(connection.closed_by_peer());
  EXPECT_FALSE(stream->write("late"));
  thread_.join();
}

}  // namespace
}  // namespace parley
