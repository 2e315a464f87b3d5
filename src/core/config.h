// The effective configuration: defaults < TOML file < PARLEY_* environment < flags.
// Loaded once by the CLI and handed to each component; nothing reads the environment later.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace parley {

struct ServerConfig {
  std::string bind = "127.0.0.1";
  int port = 8080;
  int io_threads = 0;       // 0: one per core
  int worker_threads = 32;  // for handlers that may block (store writes, outbound calls)
  int max_connections = 10000;
  int max_header_bytes = 16 * 1024;
  int64_t max_body_bytes = 10 * 1024 * 1024;
  int read_timeout_ms = 15000;   // a started request must arrive whole within this
  int idle_timeout_ms = 60000;   // a keep-alive connection with no request is closed after this
  int drain_timeout_ms = 10000;  // at shutdown, in-flight requests get this long
};

struct StorageConfig {
  std::filesystem::path data_dir = "data";
  std::string database_url;  // empty: SQLite in data_dir; postgres://... for PostgreSQL
  int pg_pool_size = 8;
};

struct KeysConfig {
  std::string master_key;                 // base64 of 32 bytes; secret
  std::filesystem::path master_key_file;  // empty: <data_dir>/master.key
};

struct LogConfig {
  std::string level = "info";
  bool access = true;
};

struct Config {
  ServerConfig server;
  StorageConfig storage;
  KeysConfig keys;
  LogConfig log;

  std::filesystem::path master_key_path() const;
  std::filesystem::path keyring_path() const;
};

// Where values come from, lowest precedence first.
struct ConfigSources {
  std::optional<std::filesystem::path> file;  // --config
  std::map<std::string, std::string> env;     // the process environment (PARLEY_* only matter)
  std::map<std::string, std::string> flags;   // key ("server.port") -> value, from the CLI
};

// Builds the effective config. An unknown key, a value of the wrong type or out of range
// fails with a message that names the key and where it came from.
Result<Config> load_config(const ConfigSources& sources);

// The process environment as a map, for ConfigSources::env.
std::map<std::string, std::string> process_environment();

// `url` with any password replaced by "***" and the query dropped, for messages.
std::string redact_database_url(std::string_view url);

// "key = value" lines of the effective config, secrets masked, for `parley config check`.
std::vector<std::string> describe_config(const Config& config);

}  // namespace parley
