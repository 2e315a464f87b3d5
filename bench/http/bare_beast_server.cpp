// bench_bare_beast: the baseline for bench/http/run.sh. A bare Boost.Beast HTTP/1.1 server
// built the way Parley's is (one io_context per core, C++20 coroutines, keep-alive), that
// answers every request with {"status":"ok"} and does nothing else: no routing, timeouts,
// metrics or logging. Parley's /healthz throughput is reported as a fraction of this one's.
//
//   bench_bare_beast [--port P] [--threads N]   (binds 127.0.0.1; prints the bound port)
#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
constexpr auto kTuple = net::as_tuple(net::use_awaitable);
constexpr std::string_view kBody = R"({"status":"ok"})";

net::awaitable<void> serve(tcp::socket socket) {
  beast::flat_buffer buffer;
  while (true) {
    http::request<http::string_body> request;
    auto [read_ec, read] = co_await http::async_read(socket, buffer, request, kTuple);
    if (read_ec) break;
    http::response<http::string_body> response{http::status::ok, request.version()};
    response.set(http::field::content_type, "application/json");
    response.keep_alive(request.keep_alive());
    response.body() = kBody;
    response.prepare_payload();
    auto [write_ec, written] = co_await http::async_write(socket, response, kTuple);
    if (write_ec || !response.keep_alive()) break;
  }
  beast::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
}

// Hands accepted connections to the io_contexts in turn, as Parley's accept loop does.
net::awaitable<void> accept_loop(tcp::acceptor& acceptor,
                                 std::vector<std::unique_ptr<net::io_context>>& contexts) {
  for (size_t next = 0;; ++next) {
    auto& target = *contexts[next % contexts.size()];
    auto [ec, socket] = co_await acceptor.async_accept(target, kTuple);
    if (ec == net::error::operation_aborted) break;
    if (ec) continue;
    socket.set_option(tcp::no_delay(true), ec);
    net::co_spawn(target, serve(std::move(socket)), net::detached);
  }
}

int usage(const char* program) {
  std::fprintf(stderr, "usage: %s [--port P] [--threads N]\n", program);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (i + 1 >= argc) return usage(argv[0]);
    if (arg == "--port") {
      port = std::atoi(argv[++i]);
    } else if (arg == "--threads") {
      threads = std::max(1, std::atoi(argv[++i]));
    } else {
      return usage(argv[0]);
    }
  }

  std::vector<std::unique_ptr<net::io_context>> contexts;
  for (int i = 0; i < threads; ++i) contexts.push_back(std::make_unique<net::io_context>(1));
  tcp::acceptor acceptor(*contexts[0]);
  try {
    tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
    acceptor.open(endpoint.protocol());
    acceptor.set_option(net::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(net::socket_base::max_listen_connections);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_bare_beast: cannot listen on 127.0.0.1:%d: %s\n", port, e.what());
    return 1;
  }
  std::printf("%d\n", static_cast<int>(acceptor.local_endpoint().port()));
  std::fflush(stdout);

  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  for (auto& context : contexts) guards.emplace_back(context->get_executor());
  net::signal_set signals(*contexts[0], SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) {
    for (auto& context : contexts) context->stop();
  });
  net::co_spawn(*contexts[0], accept_loop(acceptor, contexts), net::detached);

  std::vector<std::thread> runners;
  for (size_t i = 1; i < contexts.size(); ++i) {
    runners.emplace_back([&contexts, i] { contexts[i]->run(); });
  }
  contexts[0]->run();
  for (auto& runner : runners) runner.join();
  return 0;
}
