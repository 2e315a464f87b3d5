// The HTTP/1.1 server: one io_context per core, keep-alive, limits on headers, bodies,
// time and connections, graceful drain on SIGINT/SIGTERM. The only place that speaks
// Beast; it hands handlers plain Request/Response values.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "core/config.h"
#include "core/log.h"
#include "core/result.h"
#include "http/metrics.h"
#include "http/route_call.h"
#include "http/router.h"

namespace parley {

class Server {
 public:
  // With access_log, each request is logged as one line of ids and numbers.
  Server(const ServerConfig& config, const Router& router, Metrics& metrics, Log& log,
         bool access_log, Authenticator authenticator = nullptr);
  ~Server();

  // Binds and listens; returns the bound port (the chosen one when the config says 0).
  Result<int> listen();
  // Serves until stop() or SIGINT/SIGTERM, then drains: stops accepting, lets in-flight
  // requests finish (up to the drain timeout), closes idle connections, and returns.
  void run();
  // Starts the drain from any thread.
  void stop();
  bool draining() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley
