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
  // Reverse proxies whose X-Forwarded-For is believed (core/client_address.h): addresses or
  // CIDR ranges, comma-separated; empty: the connection's peer is the client.
  std::string trusted_proxies;
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

// Sign-in: password hashing cost, session lifetimes, one-time token lifetimes, lockout.
struct AuthConfig {
  int argon2_ops = 2;              // argon2id passes (libsodium "interactive")
  int argon2_mem_kib = 64 * 1024;  // argon2id memory per hash
  int session_idle_minutes = 30;
  int session_absolute_hours = 12;
  int verify_token_hours = 48;
  int reset_token_minutes = 30;
  int invitation_days = 7;
  int lockout_after_failures = 5;  // then the account (or address) waits, doubling each time
  int lockout_base_seconds = 60;
  int lockout_max_seconds = 3600;
  std::string public_url = "http://127.0.0.1:8080";  // links in emails point here
};

struct LogConfig {
  std::string level = "info";
  bool access = true;
};

// Account emails (verification, password reset, invitations): see src/mail/mailer.h.
struct MailConfig {
  std::string smtp_url;       // empty: write .eml files under <data_dir>/mail; smtp:// or smtps://
  std::string smtp_user;      // empty: no SMTP AUTH
  std::string smtp_password;  // secret
  std::string from = "Parley <no-reply@localhost>";
  int max_attempts = 8;           // then the mail is marked failed
  int64_t retry_base_ms = 30000;  // delay after the first failed attempt; doubles, capped at 1 h
  int timeout_ms = 15000;         // one SMTP delivery, connection included
};

// Knowledge sources: upload and per-bot limits, chunk sizes, the extraction child's limits.
struct KbConfig {
  int64_t max_upload_bytes = 64ll * 1024 * 1024;  // one uploaded file
  int64_t max_bulk_bytes = 64ll * 1024 * 1024;    // one JSON Lines import
  int max_sources_per_bot = 20000;
  int64_t max_bytes_per_bot = 1024ll * 1024 * 1024;
  int ingest_workers = 2;  // sources processed at once
  int chunk_target_chars = 1000;
  int chunk_max_chars = 1600;
  int chunk_overlap_chars = 150;
  int extract_cpu_seconds = 30;
  int extract_memory_mb = 1024;
  int extract_wall_seconds = 120;
  int extract_max_uncompressed_mb = 256;  // DOCX/XLSX: zip-bomb guard
  int extract_max_zip_entries = 10000;
  int search_memory_mb = 1024;  // all bots' search indexes; the least recently used go first
  // Hybrid search: calls to a bot's embeddings endpoint (see src/model/).
  int embeddings_batch_size = 64;          // inputs per request
  int embeddings_timeout_ms = 30000;       // one ingest request
  int embeddings_query_timeout_ms = 2000;  // embedding a query; then BM25 answers alone
  int embeddings_max_attempts = 4;         // ingest requests, on 429, 5xx, network errors
  int embeddings_retry_base_ms = 500;      // first backoff; doubles each attempt
  int embeddings_retry_cap_ms = 8000;      // longest backoff (and Retry-After) honoured
};

// Website crawling: limits, politeness and the SSRF guard's allow-list.
struct CrawlConfig {
  int max_pages = 1000;  // the most a crawl may ask for
  int max_depth = 10;
  int concurrency = 4;
  int per_host_delay_ms = 250;
  int timeout_seconds = 20;  // one page
  int64_t max_page_bytes = 10ll * 1024 * 1024;
  std::string user_agent = "ParleyBot/0.1 (+https://github.com/parley/parley)";
  // CIDRs a crawl may reach although they are private or loopback, comma-separated, e.g.
  // "127.0.0.0/8" for tests. Empty: only public addresses.
  std::string allow_private;
};

// Chat turns: how long a generative bot's model may take before the extractive answer
// is given instead.
struct ChatConfig {
  int model_timeout_ms = 20000;  // one answer, every attempt included
};

// The privacy policy in force: recorded with every consent (a lead's, for now) until the
// versioned policy store replaces this key.
struct PrivacyConfig {
  std::string policy_version = "2026-11-01";
};

struct Config {
  ServerConfig server;
  StorageConfig storage;
  KeysConfig keys;
  AuthConfig auth;
  LogConfig log;
  MailConfig mail;
  KbConfig kb;
  CrawlConfig crawl;
  ChatConfig chat;
  PrivacyConfig privacy;

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
