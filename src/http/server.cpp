#include "http/server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <list>
#include <thread>

#include "core/client_address.h"
#include "core/ids.h"
#include "http/response_stream.h"
#include "http/wire.h"

namespace parley {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using net::awaitable;
using net::use_awaitable;
constexpr auto kTuple = net::as_tuple(use_awaitable);

namespace {

constexpr std::string_view kUnmatched = "unmatched";
constexpr size_t kMaxDiscardBytes = 1 << 20;
// The slowest upload we wait for: a body gets the read timeout plus its size at this rate.
constexpr int64_t kMinBodyBytesPerSecond = 256 * 1024;

}  // namespace

// One open connection, registered so that a drain can close it when it is idle. Its
// deadline cancels (never closes) a read or write that takes too long, so that a slow
// client still gets its 408.
struct Connection : std::enable_shared_from_this<Connection> {
  using Clock = std::chrono::steady_clock;

  // `granularity`: the shortest timeout the connection uses. The timer never waits longer
  // than that, so a new deadline (never shorter) needs no re-arming: setting one costs a
  // clock read, and the timer wakes at most once per granularity to look at it.
  Connection(tcp::socket s, std::chrono::milliseconds granularity)
      : socket(std::move(s)), deadline(socket.get_executor()), granularity(granularity) {}

  void arm(int milliseconds) {
    timed_out = false;
    due = Clock::now() + std::chrono::milliseconds(milliseconds);
    if (!watching || due < watching_until) watch();
  }
  void disarm() { due = Clock::time_point::max(); }
  void stop_watching() { deadline.cancel(); }

  void watch() {
    watching = true;
    watching_until = std::min(due, Clock::now() + granularity);
    deadline.expires_at(watching_until);
    deadline.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;  // re-armed or stopped
      self->watching = false;
      if (self->due == Clock::time_point::max()) return;  // disarmed: the next arm watches
      if (Clock::now() < self->due) return self->watch();
      self->timed_out = true;
      beast::error_code ignored;
      self->socket.cancel(ignored);
    });
  }

  tcp::socket socket;
  net::steady_timer deadline;
  // While a streamed body is being sent: cancelling it wakes the sender (new data, drain).
  std::shared_ptr<net::steady_timer> stream_wakeup;
  const std::chrono::milliseconds granularity;
  // Touched only on the connection's own io_context.
  bool idle = false;
  bool timed_out = false;
  bool watching = false;
  Clock::time_point due = Clock::time_point::max();
  Clock::time_point watching_until;
};

// A request whose first bytes have arrived is in flight, even if we have not read them:
// a drain lets it finish.
bool has_unread_bytes(Connection& connection) {
  beast::error_code ec;
  return connection.socket.available(ec) > 0 && !ec;
}

namespace {

// The configuration's list was checked when it was loaded; a server built without the
// loader (tests) and a bad list trusts no proxy.
TrustedProxies trusted_proxies(const std::string& list) {
  auto parsed = TrustedProxies::parse(list);
  return parsed ? std::move(*parsed) : TrustedProxies{};
}

}  // namespace

struct Server::Impl {
  Impl(const ServerConfig& config, const Router& router, Metrics& metrics, Log& log,
       Authenticator authenticator, bool access_log)
      : config(config),
        router(router),
        metrics(metrics),
        log(log),
        authenticator(std::move(authenticator)),
        access_log(access_log && log.enabled(LogLevel::info)),
        proxies(trusted_proxies(config.trusted_proxies)),
        workers(static_cast<size_t>(config.worker_threads)) {
    int threads = config.io_threads > 0 ? config.io_threads
                                        : std::max(1u, std::thread::hardware_concurrency());
    for (int i = 0; i < threads; ++i) {
      contexts.push_back(std::make_unique<net::io_context>(1));
      guards.emplace_back(contexts.back()->get_executor());
    }
    acceptor = std::make_unique<tcp::acceptor>(*contexts[0]);
    largest_body = config.max_body_bytes;
    for (const Route& route : router.routes()) {
      largest_body = std::max(largest_body, route.options.max_body_bytes);
    }
  }

  // The body limit of the matched route (the server's when it sets none).
  int64_t body_limit_of(const Router::Match& match) const {
    if (match.route && match.route->options.max_body_bytes > 0) {
      return match.route->options.max_body_bytes;
    }
    return config.max_body_bytes;
  }

  const ServerConfig config;
  const Router& router;
  Metrics& metrics;
  Log& log;
  Authenticator authenticator;
  bool access_log;
  TrustedProxies proxies;  // checked when the configuration was loaded
  SystemClock clock;
  std::vector<std::unique_ptr<net::io_context>> contexts;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  net::thread_pool workers;
  std::unique_ptr<tcp::acceptor> acceptor;
  int64_t largest_body = 0;  // over every route: the parser's limit until the route is known
  std::atomic<bool> draining{false};
  std::atomic<bool> finished{false};
  size_t next_context = 0;

  std::mutex connections_mutex;
  std::list<std::shared_ptr<Connection>> connections;

  awaitable<void> accept_loop();
  awaitable<void> refuse(tcp::socket socket);
  awaitable<void> serve(std::shared_ptr<Connection> connection);
  awaitable<void> discard_rest(Connection& connection);
  awaitable<bool> write_all(Connection& connection, const std::string& bytes, size_t& written);
  awaitable<bool> send_stream(Connection& connection, const Request& request, Response& response,
                              bool& keep_alive, std::string& out, size_t& written);
  void start_producer(const std::shared_ptr<ResponseStream>& stream, const Request& request);
  Request to_request(http::request<http::string_body>& message, const std::string& remote_ip);
  void begin_drain();
  void finish_if_drained();
  void finish();
};

Server::Server(const ServerConfig& config, const Router& router, Metrics& metrics, Log& log,
               bool access_log, Authenticator authenticator)
    : impl_(std::make_unique<Impl>(config, router, metrics, log, std::move(authenticator),
                                   access_log)) {}

Server::~Server() {
  impl_->finish();
  impl_->workers.join();
}

Result<int> Server::listen() {
  beast::error_code ec;
  auto address = net::ip::make_address(impl_->config.bind, ec);
  if (ec) {
    return make_error(ErrorCode::invalid_argument,
                      "server.bind: \"" + impl_->config.bind + "\" is not an IP address");
  }
  tcp::endpoint endpoint(address, static_cast<unsigned short>(impl_->config.port));
  auto& acceptor = *impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error(ErrorCode::unavailable, "cannot listen on " + impl_->config.bind + ":" +
                                                  std::to_string(impl_->config.port) + ": " +
                                                  ec.message());
  }
  return static_cast<int>(acceptor.local_endpoint().port());
}

void Server::run() {
  net::co_spawn(*impl_->contexts[0], impl_->accept_loop(), net::detached);
  net::signal_set signals(*impl_->contexts[0], SIGINT, SIGTERM);
  signals.async_wait([this](beast::error_code ec, int) {
    if (!ec) stop();
  });
  std::vector<std::thread> threads;
  for (size_t i = 1; i < impl_->contexts.size(); ++i) {
    threads.emplace_back([this, i] { impl_->contexts[i]->run(); });
  }
  impl_->contexts[0]->run();
  for (auto& thread : threads) thread.join();
  impl_->workers.join();
}

void Server::stop() {
  net::post(*impl_->contexts[0], [impl = impl_.get()] { impl->begin_drain(); });
}

bool Server::draining() const { return impl_->draining.load(); }

awaitable<void> Server::Impl::accept_loop() {
  while (!draining) {
    auto& target = *contexts[next_context++ % contexts.size()];
    auto [ec, socket] = co_await acceptor->async_accept(target, kTuple);
    if (ec) {
      if (draining || ec == net::error::operation_aborted) break;
      log.warn("http.accept_failed", {{"error", ec.message()}});
      continue;
    }
    if (metrics.open_connections() >= config.max_connections) {
      metrics.connection_refused();
      net::co_spawn(target, refuse(std::move(socket)), net::detached);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto connection = std::make_shared<Connection>(
        std::move(socket),
        std::chrono::milliseconds(std::min(config.read_timeout_ms, config.idle_timeout_ms)));
    {
      std::lock_guard lock(connections_mutex);
      connections.push_back(connection);
    }
    metrics.connection_opened();
    net::co_spawn(target, serve(connection), net::detached);
  }
}

awaitable<void> Server::Impl::refuse(tcp::socket socket) {
  static const std::string kBusy = [] {
    std::string body =
        R"({"error":{"code":"unavailable","message":"too many connections; try again soon"}})";
    return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
           "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }();
  co_await net::async_write(socket, net::buffer(kBusy), kTuple);
  beast::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
}

awaitable<void> Server::Impl::serve(std::shared_ptr<Connection> connection) {
  auto& socket = connection->socket;
  beast::flat_buffer buffer;
  std::string reply;  // each response's bytes, the buffer reused
  std::string remote_ip;
  {
    beast::error_code ec;
    auto endpoint = socket.remote_endpoint(ec);
    if (!ec) remote_ip = endpoint.address().to_string();
  }

  while (true) {
    // Wait for the first byte of the next request under the idle timeout.
    if (buffer.size() == 0) {
      if (draining && !has_unread_bytes(*connection)) break;
      connection->idle = true;
      connection->arm(config.idle_timeout_ms);
      auto [ec, n] = co_await socket.async_read_some(buffer.prepare(4096), kTuple);
      connection->idle = false;
      if (ec) break;  // idle timeout, the client left, or a drain closed us
      buffer.commit(n);
    }

    auto started = std::chrono::steady_clock::now();
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(config.max_header_bytes));
    parser.body_limit(static_cast<std::uint64_t>(largest_body));
    connection->arm(config.read_timeout_ms);
    auto [ec, n] = co_await http::async_read_header(socket, buffer, parser, kTuple);
    connection->disarm();

    // The route decides how large a body may be, so it is matched before the body is read.
    Router::Match match;
    int64_t body_limit = config.max_body_bytes;
    bool body_too_large = ec == http::error::body_limit;  // over every route's limit
    if (!ec || body_too_large) {
      const auto& header = parser.get();
      std::string_view target = header.target();
      match = router.match(header.method_string(), target.substr(0, target.find('?')));
      body_limit = body_limit_of(match);
      auto length = body_too_large ? boost::none : parser.content_length();
      if (body_too_large || (length && *length > static_cast<std::uint64_t>(body_limit))) {
        body_too_large = true;
      } else if (!parser.is_done()) {
        parser.body_limit(static_cast<std::uint64_t>(body_limit));
        // Large uploads get time in proportion to their size, at a modest minimum rate.
        int64_t expected = length ? static_cast<int64_t>(*length) : body_limit;
        connection->arm(config.read_timeout_ms + expected * 1000 / kMinBodyBytesPerSecond);
        auto [body_ec, body_n] = co_await http::async_read(socket, buffer, parser, kTuple);
        connection->disarm();
        ec = body_ec;
        body_too_large = ec == http::error::body_limit;
      }
    }

    Request request;
    Response response;
    std::string_view method = kUnmatched;
    std::string_view route = kUnmatched;
    bool keep_alive = false;
    if (body_too_large) {
      response =
          error_response(413, "payload_too_large",
                         "request body is larger than " + std::to_string(body_limit) + " bytes");
      ec = http::error::body_limit;
      if (match.route) response = shaped_for(match.route->options, std::move(response));
    } else if (ec == http::error::end_of_stream || ec == net::error::eof ||
               ec == net::error::connection_reset) {
      break;
    } else if (connection->timed_out) {
      response = error_response(408, "request_timeout",
                                "the request did not arrive in time; send it whole and faster");
      if (match.route) response = shaped_for(match.route->options, std::move(response));
    } else if (ec == http::error::header_limit) {
      response = error_response(
          431, "header_too_large",
          "request headers are larger than " + std::to_string(config.max_header_bytes) + " bytes");
    } else if (ec) {
      response = error_response(400, "bad_request", "malformed HTTP request");
    } else {
      auto& message = parser.get();
      request = to_request(message, remote_ip);
      keep_alive = message.keep_alive();
      if (match.route) {
        method = match.route->method;
        route = match.route->pattern;
        request.path_params = std::move(match.params);
        // Checking credentials reads the store, so only public, non-blocking routes run
        // inline; the rest run on the worker pool and this connection resumes on its own
        // io_context when they are done.
        const RouteOptions& options = match.route->options;
        if (!options.blocking && options.access.kind == AuthKind::none) {
          response = call_route(*match.route, request, authenticator, log);
        } else {
          response = co_await net::co_spawn(
              workers,
              [&]() -> awaitable<Response> {
                co_return call_route(*match.route, request, authenticator, log);
              },
              use_awaitable);
        }
      } else if (!match.allow.empty()) {
        response = error_response(405, "method_not_allowed",
                                  request.method + " is not allowed here; use " + match.allow);
        response.headers.emplace_back("Allow", match.allow);
      } else {
        response = error_response(404, "not_found", "no such resource: " + request.path);
      }
    }
    keep_alive = keep_alive && !draining;

    size_t written = 0;
    bool wrote = false;
    if (response.stream) {
      wrote = co_await send_stream(*connection, request, response, keep_alive, reply, written);
    } else {
      write_response(response, request, keep_alive, reply);
      wrote = co_await write_all(*connection, reply, written);
    }

    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    int status = response.status;
    metrics.record_request(method, route, status, seconds);
    if (access_log) {
      log.info("http.request", {{"request_id", request.request_id},
                                {"method", method},
                                {"route", route},
                                {"status", status},
                                {"ms", seconds * 1000},
                                {"bytes", static_cast<int64_t>(written)}});
    }
    if (!wrote || !keep_alive) {
      if (wrote && ec) co_await discard_rest(*connection);
      break;
    }
  }

  beast::error_code ignored;
  connection->stop_watching();
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
  {
    std::lock_guard lock(connections_mutex);
    connections.remove(connection);
  }
  metrics.connection_closed();
  if (draining) net::post(*contexts[0], [this] { finish_if_drained(); });
}

// After an error answered before the request was read whole: tell the client we are done,
// then swallow what it still sends (bounded in bytes and time), so that it reads our
// error instead of a connection reset.
awaitable<void> Server::Impl::discard_rest(Connection& connection) {
  beast::error_code ignored;
  connection.socket.shutdown(tcp::socket::shutdown_send, ignored);
  connection.arm(config.read_timeout_ms);
  size_t discarded = 0;
  char sink[16384];
  while (discarded < kMaxDiscardBytes) {
    auto [ec, got] = co_await connection.socket.async_read_some(net::buffer(sink), kTuple);
    if (ec) break;
    discarded += got;
  }
  connection.disarm();
}

awaitable<bool> Server::Impl::write_all(Connection& connection, const std::string& bytes,
                                        size_t& written) {
  connection.arm(config.read_timeout_ms);
  auto [ec, n] = co_await net::async_write(connection.socket, net::buffer(bytes), kTuple);
  connection.disarm();
  written += n;
  co_return !ec;
}

// A streamed body: the head goes out with the first chunk (until then the producer may
// still answer an error instead), each chunk as it comes, the end when the producer
// finishes or the server drains. False when a write failed (the client left).
awaitable<bool> Server::Impl::send_stream(Connection& connection, const Request& request,
                                          Response& response, bool& keep_alive, std::string& out,
                                          size_t& written) {
  const std::shared_ptr<ResponseStream> stream = response.stream;
  auto wakeup = std::make_shared<net::steady_timer>(connection.socket.get_executor());
  stream->on_ready([wakeup, executor = connection.socket.get_executor()] {
    net::post(executor, [wakeup] { wakeup->cancel(); });
  });
  connection.stream_wakeup = wakeup;
  start_producer(stream, request);
  const auto idle = stream->keepalive_ms() > 0 ? std::chrono::milliseconds(stream->keepalive_ms())
                                               : std::chrono::hours(24);
  bool head_sent = false;
  bool ok = true;
  while (ok) {
    auto taken = stream->take();
    out.clear();
    if (!head_sent && (taken.replacement || (draining && taken.bytes.empty()))) {
      response = taken.replacement ? std::move(*taken.replacement)
                                   : error_response(503, "unavailable",
                                                    "the server is restarting; try again soon");
      write_response(response, request, keep_alive, out);
      ok = co_await write_all(connection, out, written);
      break;
    }
    const bool ending = taken.finished || draining;
    if (!head_sent && (!taken.bytes.empty() || ending)) {
      write_response(response, request, keep_alive, out);
      head_sent = true;
    }
    if (!taken.bytes.empty()) append_chunk(out, taken.bytes);
    if (ending) out += kLastChunk;
    if (!out.empty()) ok = co_await write_all(connection, out, written);
    if (ending) break;
    // A wake while writing found no wait to cancel: look again before waiting.
    if (!taken.bytes.empty()) continue;
    wakeup->expires_after(idle);
    auto [wait_ec] = co_await wakeup->async_wait(kTuple);
    if (!wait_ec && head_sent && !stream->keepalive_chunk().empty()) {
      out.clear();
      append_chunk(out, stream->keepalive_chunk());
      ok = co_await write_all(connection, out, written);
    }
  }
  stream->mark_gone();
  connection.stream_wakeup.reset();
  if (draining) keep_alive = false;
  co_return ok;
}

// The producer, if the handler gave one, runs on the worker pool; a throw ends the body
// (or becomes a 500 when nothing was sent yet).
void Server::Impl::start_producer(const std::shared_ptr<ResponseStream>& stream,
                                  const Request& request) {
  auto producer = stream->take_producer();
  if (!producer) return;
  net::post(workers,
            [this, stream, producer = std::move(producer), request_id = request.request_id] {
              try {
                producer(*stream);
              } catch (const std::exception&) {
                log.error("http.stream_failed", {{"request_id", std::string_view(request_id)}});
                stream->fail(error_response(
                    500, "internal", "something went wrong on our side; request id " + request_id));
              }
              stream->finish();
            });
}

Request Server::Impl::to_request(http::request<http::string_body>& message,
                                 const std::string& remote_ip) {
  Request request;
  request.method = std::string(message.method_string());
  std::string_view target = message.target();
  auto question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  request.headers.reserve(16);
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (auto& ch : name) {
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  request.body = std::move(message.body());
  std::string_view given_id = request.header("x-request-id");
  request.request_id = valid_request_id(given_id) ? std::string(given_id) : new_id("req", clock);
  request.remote_ip = proxies.client_address(remote_ip, request.header("x-forwarded-for"));
  return request;
}

void Server::Impl::begin_drain() {
  if (draining.exchange(true)) return;
  log.info("http.draining", {{"open_connections", metrics.open_connections()}});
  beast::error_code ignored;
  acceptor->close(ignored);
  // Idle connections close now; busy ones close after their current response. A request
  // whose first bytes have arrived but are not read yet counts as busy: it is in flight.
  {
    std::lock_guard lock(connections_mutex);
    for (auto& connection : connections) {
      net::post(connection->socket.get_executor(), [connection] {
        if (connection->idle && !has_unread_bytes(*connection)) {
          beast::error_code ignored;
          connection->socket.cancel(ignored);
        }
        if (connection->stream_wakeup) connection->stream_wakeup->cancel();
      });
    }
  }
  auto timer = std::make_shared<net::steady_timer>(*contexts[0]);
  timer->expires_after(std::chrono::milliseconds(config.drain_timeout_ms));
  timer->async_wait([this, timer](beast::error_code) { finish(); });
  finish_if_drained();
}

void Server::Impl::finish_if_drained() {
  if (draining && metrics.open_connections() == 0) finish();
}

void Server::Impl::finish() {
  if (finished.exchange(true)) return;
  {
    // Past the drain timeout, whoever is still connected is cut off.
    std::lock_guard lock(connections_mutex);
    for (auto& connection : connections) {
      net::post(connection->socket.get_executor(), [connection] {
        beast::error_code ignored;
        connection->socket.close(ignored);
      });
    }
  }
  for (auto& guard : guards) guard.reset();
  for (auto& context : contexts) context->stop();
}

}  // namespace parley
