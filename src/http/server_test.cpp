// The HTTP server on a real socket, with test routes: limits, malformed input, keep-alive,
// pipelining and draining, each answered in the one error shape.
#include "http/server.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>
#include <thread>

#include "tests/support/http_client.h"

namespace parley {
namespace {

using testing::http_request;
using testing::HttpConnection;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.port = 0;
    config_.io_threads = 2;
    config_.worker_threads = 4;
    config_.max_header_bytes = 4096;
    config_.max_body_bytes = 64 * 1024;
    config_.read_timeout_ms = 300;
    const RouteOptions open_inline{Access::public_route(), BodyKind::none, false};
    router_.add("GET", "/hello", open_inline, [](Request& request) {
      return body_response(200, "text/plain", "hello " + request.query_param("name"));
    });
    router_.add("POST", "/echo", {Access::public_route(), BodyKind::json, true},
                [](Request& request) {
                  return json_response(200, boost::json::object{{"got", *request.json}});
                });
    router_.add("GET", "/items/{item_id}", {Access::public_route(), BodyKind::none, true},
                [](Request& request) {
                  return body_response(200, "text/plain", std::string(request.param("item_id")));
                });
    router_.add("DELETE", "/items/{item_id}", open_inline, [](Request&) { return Response{}; });
    router_.add("GET", "/private", {Access::signed_in(), BodyKind::none, true},
                [](Request&) { return body_response(200, "text/plain", "secret"); });
    router_.add("GET", "/wait", {Access::public_route(), BodyKind::none, true}, [this](Request&) {
      entered_.set_value();
      release_.get_future().wait();
      return body_response(200, "text/plain", "done");
    });
    router_.add("GET", "/boom", open_inline,
                [](Request&) -> Response { throw std::runtime_error("bug"); });
    start();
  }

  void start() {
    server_ = std::make_unique<Server>(config_, router_, metrics_, log_, true);
    auto port = server_->listen();
    ASSERT_TRUE(port.ok()) << port.error().message;
    port_ = *port;
    thread_ = std::thread([this] { server_->run(); });
  }

  void TearDown() override {
    server_->stop();
    thread_.join();
  }

  static void expect_error_shape(const testing::HttpResponse& response, int status,
                                 const std::string& code) {
    EXPECT_EQ(response.status, status);
    EXPECT_EQ(response.header("content-type"), "application/json");
    auto body = boost::json::parse(response.body).as_object();
    EXPECT_EQ(body.at("error").at("code").as_string(), code);
    EXPECT_FALSE(body.at("error").at("message").as_string().empty());
  }

  ServerConfig config_;
  Router router_;
  Metrics metrics_;
  Log log_{LogLevel::error};
  std::unique_ptr<Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::promise<void> entered_;  // the /wait handler has started
  std::promise<void> release_;  // lets the /wait handler finish
};

TEST_F(ServerTest, AnswersAndEchoesRequestIds) {
  auto response = http_request(port_, "GET", "/hello?name=ada", "", {{"X-Request-Id", "abc-123"}});
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "hello ada");
  EXPECT_EQ(response->header("x-request-id"), "abc-123");

  auto generated = http_request(port_, "GET", "/hello");
  ASSERT_TRUE(generated);
  EXPECT_EQ(generated->header("x-request-id").rfind("req_", 0), 0u);
  // An id that could smuggle anything into logs is replaced, not echoed.
  auto hostile = http_request(port_, "GET", "/hello", "", {{"X-Request-Id", "a\"b{c}"}});
  ASSERT_TRUE(hostile);
  EXPECT_EQ(hostile->header("x-request-id").rfind("req_", 0), 0u);
}

TEST_F(ServerTest, PathParametersReachTheHandler) {
  auto response = http_request(port_, "GET", "/items/it_42");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "it_42");
}

TEST_F(ServerTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  auto missing = http_request(port_, "GET", "/nope");
  ASSERT_TRUE(missing);
  expect_error_shape(*missing, 404, "not_found");
  auto wrong = http_request(port_, "PUT", "/items/1", "x");
  ASSERT_TRUE(wrong);
  expect_error_shape(*wrong, 405, "method_not_allowed");
  EXPECT_EQ(wrong->header("allow"), "GET, DELETE");
}

TEST_F(ServerTest, KeepAliveAndPipelinedRequestsAnswerInOrder) {
  HttpConnection connection(port_);
  ASSERT_TRUE(
      connection.send_raw("GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n"
                          "GET /hello?name=b HTTP/1.1\r\nHost: x\r\n\r\n"
                          "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          "Content-Length: 7\r\n\r\n{\"a\":1}"
                          "GET /items/3 HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto first = connection.read_response();
  auto second = connection.read_response();
  auto third = connection.read_response();
  auto fourth = connection.read_response();
  ASSERT_TRUE(first && second && third && fourth);
  EXPECT_EQ(first->body, "1");
  EXPECT_EQ(second->body, "hello b");
  EXPECT_EQ(third->body, R"({"got":{"a":1}})");
  EXPECT_EQ(fourth->body, "3");
  // Still open for more.
  auto fifth = connection.request("GET", "/items/5");
  ASSERT_TRUE(fifth);
  EXPECT_EQ(fifth->body, "5");
}

TEST_F(ServerTest, MalformedRequestIs400AndOthersAreStillServed) {
  HttpConnection bad(port_);
  ASSERT_TRUE(bad.send_raw("GARBAGE\x01\x02 / HTTP/9.9\r\n\r\n"));
  auto response = bad.read_response();
  ASSERT_TRUE(response);
  expect_error_shape(*response, 400, "bad_request");
  EXPECT_TRUE(bad.closed_by_peer());

  auto good = http_request(port_, "GET", "/hello");
  ASSERT_TRUE(good);
  EXPECT_EQ(good->status, 200);
}

TEST_F(ServerTest, OversizedHeadersAre431) {
  HttpConnection connection(port_);
  std::string huge(8000, 'a');
  ASSERT_TRUE(connection.send_raw("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + huge + "\r\n\r\n"));
  auto response = connection.read_response();
  ASSERT_TRUE(response);
  expect_error_shape(*response, 431, "header_too_large");
}

TEST_F(ServerTest, OversizedBodyIs413WithoutReadingIt) {
  HttpConnection connection(port_);
  ASSERT_TRUE(
      connection.send_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          "Content-Length: 100000000\r\n\r\n{\"a\":"));
  auto response = connection.read_response();
  ASSERT_TRUE(response);
  expect_error_shape(*response, 413, "payload_too_large");
}

TEST_F(ServerTest, SlowClientGets408WhileOthersAreServed) {
  HttpConnection slow(port_);
  ASSERT_TRUE(slow.send_raw("GET /hello HTTP/1.1\r\nHost: x\r\nX-Half: "));
  // Another client is served while the slow one dawdles.
  auto other = http_request(port_, "GET", "/hello?name=fast");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->body, "hello fast");
  auto response = slow.read_response();  // arrives when the read timeout fires
  ASSERT_TRUE(response);
  expect_error_shape(*response, 408, "request_timeout");
}

TEST_F(ServerTest, InvalidJsonIs400) {
  auto response =
      http_request(port_, "POST", "/echo", "{\"a\":", {{"Content-Type", "application/json"}});
  ASSERT_TRUE(response);
  expect_error_shape(*response, 400, "invalid_json");
}

TEST_F(ServerTest, WrongContentTypeIs415) {
  auto response = http_request(port_, "POST", "/echo", "a=1", {{"Content-Type", "text/plain"}});
  ASSERT_TRUE(response);
  expect_error_shape(*response, 415, "unsupported_media_type");
  auto with_charset = http_request(port_, "POST", "/echo", "[1]",
                                   {{"Content-Type", "application/json; charset=utf-8"}});
  ASSERT_TRUE(with_charset);
  EXPECT_EQ(with_charset->status, 200);
}

TEST_F(ServerTest, RoutesThatNeedCredentialsAreRefusedWithoutThem) {
  auto response = http_request(port_, "GET", "/private");
  ASSERT_TRUE(response);
  expect_error_shape(*response, 401, "unauthenticated");
  EXPECT_EQ(response->body.find("secret"), std::string::npos);
}

TEST_F(ServerTest, AThrowingHandlerIs500AndTheServerGoesOn) {
  auto response = http_request(port_, "GET", "/boom");
  ASSERT_TRUE(response);
  expect_error_shape(*response, 500, "internal");
  auto after = http_request(port_, "GET", "/hello");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
}

TEST_F(ServerTest, MetricsCountRequestsByRoutePattern) {
  // A request is counted once its response is written, so the client may see a response
  // before its count. One connection serves in order: when the third answer arrives, the
  // first two are counted.
  HttpConnection connection(port_);
  ASSERT_TRUE(connection.request("GET", "/items/7"));
  ASSERT_TRUE(connection.request("GET", "/nope"));
  ASSERT_TRUE(connection.request("GET", "/hello"));
  std::string text = metrics_.render();
  EXPECT_NE(text.find("parley_http_requests_total{method=\"GET\",route=\"/items/{item_id}\","
                      "status=\"200\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("route=\"unmatched\",status=\"404\"} 1"), std::string::npos) << text;
  EXPECT_EQ(text.find("/items/7"), std::string::npos);  // patterns, never raw paths
}

class ConnectionLimitTest : public ServerTest {
 protected:
  void SetUp() override {
    config_.max_connections = 2;
    ServerTest::SetUp();
  }
};

TEST_F(ConnectionLimitTest, ConnectionsBeyondTheLimitGet503) {
  HttpConnection first(port_);
  HttpConnection second(port_);
  ASSERT_TRUE(first.request("GET", "/hello"));  // both are open and counted
  ASSERT_TRUE(second.request("GET", "/hello"));
  HttpConnection third(port_);
  auto response = third.read_response();
  ASSERT_TRUE(response);
  expect_error_shape(*response, 503, "unavailable");
}

TEST_F(ServerTest, DrainFinishesTheRequestInFlightAndClosesIdleConnections) {
  HttpConnection idle(port_);
  ASSERT_TRUE(idle.request("GET", "/hello"));
  HttpConnection busy(port_);
  ASSERT_TRUE(busy.send_raw("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n"));
  entered_.get_future().wait();  // the request is in flight
  server_->stop();
  EXPECT_TRUE(idle.closed_by_peer());
  EXPECT_FALSE(testing::HttpConnection(port_).connected() &&
               http_request(port_, "GET", "/hello").has_value());  // no longer accepting
  release_.set_value();
  auto response = busy.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "done");
  EXPECT_EQ(response->header("connection"), "close");
  EXPECT_TRUE(busy.closed_by_peer());
}

}  // namespace
}  // namespace parley
