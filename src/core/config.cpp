#include "core/config.h"

#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <functional>

#include "core/client_address.h"

extern char** environ;

namespace parley {
namespace {

// One configuration key: how to parse it into the Config and print it back.
struct KeyDef {
  std::string name;  // "server.port"
  std::string env;   // "PARLEY_SERVER_PORT"
  bool secret = false;
  std::function<Status(Config&, const std::string&)> set;
  std::function<std::string(Config&)> get;  // Config& only so one accessor serves both
};

Result<int64_t> parse_integer(const std::string& text, int64_t min, int64_t max) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    return make_error(ErrorCode::invalid_argument, "expected a whole number, got \"" + text + "\"");
  }
  if (value < min || value > max) {
    return make_error(
        ErrorCode::invalid_argument,
        "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + text);
  }
  return value;
}

KeyDef make_integer(std::string name, std::function<int64_t&(Config&)> field64, int64_t min,
                    int64_t max) {
  KeyDef def;
  def.name = std::move(name);
  def.set = [field64, min, max](Config& c, const std::string& text) -> Status {
    auto value = parse_integer(text, min, max);
    if (!value) return value.error();
    field64(c) = *value;
    return ok_status();
  };
  def.get = [field64](Config& c) { return std::to_string(field64(c)); };
  return def;
}

KeyDef make_int(std::string name, std::function<int&(Config&)> field, int64_t min, int64_t max) {
  KeyDef def;
  def.name = std::move(name);
  def.set = [field, min, max](Config& c, const std::string& text) -> Status {
    auto value = parse_integer(text, min, max);
    if (!value) return value.error();
    field(c) = static_cast<int>(*value);
    return ok_status();
  };
  def.get = [field](Config& c) { return std::to_string(field(c)); };
  return def;
}

KeyDef make_string(std::string name, std::function<std::string&(Config&)> field,
                   std::function<Status(const std::string&)> check = nullptr) {
  KeyDef def;
  def.name = std::move(name);
  def.set = [field, check](Config& c, const std::string& text) -> Status {
    if (check) {
      if (auto status = check(text); !status) return status;
    }
    field(c) = text;
    return ok_status();
  };
  def.get = [field](Config& c) { return field(c); };
  return def;
}

KeyDef make_path(std::string name, std::function<std::filesystem::path&(Config&)> field) {
  KeyDef def;
  def.name = std::move(name);
  def.set = [field](Config& c, const std::string& text) -> Status {
    field(c) = text;
    return ok_status();
  };
  def.get = [field](Config& c) { return field(c).string(); };
  return def;
}

KeyDef make_bool(std::string name, std::function<bool&(Config&)> field) {
  KeyDef def;
  def.name = std::move(name);
  def.set = [field](Config& c, const std::string& text) -> Status {
    if (text == "true" || text == "1" || text == "yes") {
      field(c) = true;
    } else if (text == "false" || text == "0" || text == "no") {
      field(c) = false;
    } else {
      return make_error(ErrorCode::invalid_argument,
                        "expected true or false, got \"" + text + "\"");
    }
    return ok_status();
  };
  def.get = [field](Config& c) { return field(c) ? "true" : "false"; };
  return def;
}

Status check_log_level(const std::string& text) {
  static const std::vector<std::string> levels = {"debug", "info", "warn", "error"};
  if (std::find(levels.begin(), levels.end(), text) != levels.end()) return ok_status();
  return make_error(ErrorCode::invalid_argument,
                    "expected one of debug, info, warn, error, got \"" + text + "\"");
}

Status check_database_url(const std::string& text) {
  if (text.empty() || text.rfind("postgres://", 0) == 0 || text.rfind("postgresql://", 0) == 0) {
    return ok_status();
  }
  return make_error(ErrorCode::invalid_argument,
                    "expected empty (SQLite in the data directory) or a postgresql:// URL");
}

bool has_control_or_space(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](unsigned char ch) { return ch <= ' ' || ch == 0x7f; });
}

// A version label such as "2026-11-01" or "v3": recorded with consents, so printable and
// short.
Status check_policy_version(const std::string& text) {
  if (text.empty() || text.size() > 64 || has_control_or_space(text)) {
    return make_error(ErrorCode::invalid_argument,
                      "expected a version label of 1 to 64 characters without spaces, like "
                      "2026-11-01");
  }
  return ok_status();
}

// Empty (write .eml files), or smtp://host[:port][/ehlo-domain] or smtps://...; credentials
// go in mail.smtp_user and mail.smtp_password, not in the URL, so that the URL can be shown.
Status check_smtp_url(const std::string& text) {
  if (text.empty()) return ok_status();
  const size_t scheme = text.find("://");
  const std::string name = scheme == std::string::npos ? "" : text.substr(0, scheme);
  const std::string rest = scheme == std::string::npos ? "" : text.substr(scheme + 3);
  const std::string authority = rest.substr(0, rest.find('/'));
  if ((name != "smtp" && name != "smtps") || authority.empty() || authority[0] == ':' ||
      has_control_or_space(text)) {
    return make_error(ErrorCode::invalid_argument,
                      "expected empty (write .eml files) or a URL like smtp://host:587 or "
                      "smtps://host:465");
  }
  if (authority.find('@') != std::string::npos) {
    return make_error(ErrorCode::invalid_argument,
                      "put the SMTP user and password in mail.smtp_user and mail.smtp_password, "
                      "not in the URL");
  }
  return ok_status();
}

// "address@domain" or "Display Name <address@domain>", on one line.
Status check_mail_from(const std::string& text) {
  std::string_view address = text;
  if (const size_t open = text.rfind('<'); open != std::string::npos) {
    address = text.back() == '>' ? std::string_view(text).substr(open + 1, text.size() - open - 2)
                                 : std::string_view();
  }
  const size_t at = address.find('@');
  const bool control = std::any_of(text.begin(), text.end(),
                                   [](unsigned char ch) { return ch < ' ' || ch == 0x7f; });
  if (control || at == 0 || at == std::string_view::npos || at + 1 == address.size() ||
      address.find('@', at + 1) != std::string_view::npos || has_control_or_space(address) ||
      address.find_first_of("<>\"") != std::string_view::npos) {
    return make_error(ErrorCode::invalid_argument,
                      "expected an address like no-reply@example.com or "
                      "\"Name <no-reply@example.com>\"");
  }
  return ok_status();
}

std::string env_name_for(const std::string& key) {
  std::string env = "PARLEY_";
  for (char ch : key) env += ch == '.' ? '_' : static_cast<char>(std::toupper(ch));
  return env;
}

const std::vector<KeyDef>& key_defs() {
  static const std::vector<KeyDef> defs = [] {
    constexpr int64_t kMaxInt = 1'000'000'000;
    std::vector<KeyDef> d;
    d.push_back(make_string(
        "server.bind", [](Config & c) -> auto& { return c.server.bind; }));
    d.push_back(make_int(
        "server.port", [](Config & c) -> auto& { return c.server.port; }, 0, 65535));
    d.push_back(make_int(
        "server.io_threads", [](Config & c) -> auto& { return c.server.io_threads; }, 0, 256));
    d.push_back(make_int(
        "server.worker_threads", [](Config & c) -> auto& { return c.server.worker_threads; }, 1,
        1024));
    d.push_back(make_int(
        "server.max_connections", [](Config & c) -> auto& { return c.server.max_connections; }, 1,
        kMaxInt));
    d.push_back(make_int(
        "server.max_header_bytes", [](Config & c) -> auto& { return c.server.max_header_bytes; },
        1024, 1024 * 1024));
    d.push_back(make_integer(
        "server.max_body_bytes", [](Config & c) -> auto& { return c.server.max_body_bytes; }, 1024,
        int64_t{4} << 30));
    d.push_back(make_int(
        "server.read_timeout_ms", [](Config & c) -> auto& { return c.server.read_timeout_ms; }, 100,
        kMaxInt));
    d.push_back(make_int(
        "server.idle_timeout_ms", [](Config & c) -> auto& { return c.server.idle_timeout_ms; }, 100,
        kMaxInt));
    d.push_back(make_int(
        "server.drain_timeout_ms", [](Config & c) -> auto& { return c.server.drain_timeout_ms; }, 0,
        kMaxInt));
    d.push_back(make_string(
        "server.trusted_proxies", [](Config & c) -> auto& { return c.server.trusted_proxies; },
        [](const std::string& list) -> Status {
          auto parsed = TrustedProxies::parse(list);
          return parsed ? ok_status() : Status(parsed.error());
        }));
    d.push_back(make_path(
        "storage.data_dir", [](Config & c) -> auto& { return c.storage.data_dir; }));
    d.push_back(make_string(
        "storage.database_url", [](Config & c) -> auto& { return c.storage.database_url; },
        check_database_url));
    d.back().secret = true;
    d.push_back(make_int(
        "storage.pg_pool_size", [](Config & c) -> auto& { return c.storage.pg_pool_size; }, 1,
        512));
    d.push_back(make_string(
        "keys.master_key", [](Config & c) -> auto& { return c.keys.master_key; }));
    d.back().secret = true;
    d.push_back(make_path(
        "keys.master_key_file", [](Config & c) -> auto& { return c.keys.master_key_file; }));
    auto auth_int = [&d](const char* name, int AuthConfig::*field, int64_t min, int64_t max) {
      d.push_back(make_int(
          name, [field](Config & c) -> auto& { return c.auth.*field; }, min, max));
    };
    auth_int("auth.argon2_ops", &AuthConfig::argon2_ops, 1, 20);
    auth_int("auth.argon2_mem_kib", &AuthConfig::argon2_mem_kib, 8, 4 * 1024 * 1024);
    auth_int("auth.session_idle_minutes", &AuthConfig::session_idle_minutes, 1, 60 * 24 * 30);
    auth_int("auth.session_absolute_hours", &AuthConfig::session_absolute_hours, 1, 24 * 365);
    auth_int("auth.verify_token_hours", &AuthConfig::verify_token_hours, 1, 24 * 30);
    auth_int("auth.reset_token_minutes", &AuthConfig::reset_token_minutes, 5, 60 * 24);
    auth_int("auth.invitation_days", &AuthConfig::invitation_days, 1, 90);
    auth_int("auth.lockout_after_failures", &AuthConfig::lockout_after_failures, 1, 1000);
    auth_int("auth.lockout_base_seconds", &AuthConfig::lockout_base_seconds, 1, 86400);
    auth_int("auth.lockout_max_seconds", &AuthConfig::lockout_max_seconds, 1, 86400 * 30);
    d.push_back(make_string(
        "auth.public_url", [](Config & c) -> auto& { return c.auth.public_url; },
        [](const std::string& url) -> Status {
          if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) return ok_status();
          return make_error(ErrorCode::invalid_argument, "expected an http:// or https:// URL");
        }));
    d.push_back(make_string(
        "log.level", [](Config & c) -> auto& { return c.log.level; }, check_log_level));
    d.push_back(make_bool(
        "log.access", [](Config & c) -> auto& { return c.log.access; }));
    d.push_back(make_string(
        "mail.smtp_url", [](Config & c) -> auto& { return c.mail.smtp_url; }, check_smtp_url));
    d.push_back(make_string(
        "mail.smtp_user", [](Config & c) -> auto& { return c.mail.smtp_user; }));
    d.push_back(make_string(
        "mail.smtp_password", [](Config & c) -> auto& { return c.mail.smtp_password; }));
    d.back().secret = true;
    d.push_back(make_string(
        "mail.from", [](Config & c) -> auto& { return c.mail.from; }, check_mail_from));
    d.push_back(make_int(
        "mail.max_attempts", [](Config & c) -> auto& { return c.mail.max_attempts; }, 1, 1000));
    d.push_back(make_integer(
        "mail.retry_base_ms", [](Config & c) -> auto& { return c.mail.retry_base_ms; }, 1,
        int64_t{24} * 3600 * 1000));
    d.push_back(make_int(
        "mail.timeout_ms", [](Config & c) -> auto& { return c.mail.timeout_ms; }, 100,
        10 * 60 * 1000));
    auto kb_int = [&d](const char* name, int KbConfig::*field, int64_t min, int64_t max) {
      d.push_back(make_int(
          name, [field](Config & c) -> auto& { return c.kb.*field; }, min, max));
    };
    auto kb_bytes = [&d](const char* name, int64_t KbConfig::*field) {
      d.push_back(make_integer(
          name, [field](Config & c) -> auto& { return c.kb.*field; }, 1024, int64_t{64} << 30));
    };
    kb_bytes("kb.max_upload_bytes", &KbConfig::max_upload_bytes);
    kb_bytes("kb.max_bulk_bytes", &KbConfig::max_bulk_bytes);
    kb_int("kb.max_sources_per_bot", &KbConfig::max_sources_per_bot, 1, kMaxInt);
    kb_bytes("kb.max_bytes_per_bot", &KbConfig::max_bytes_per_bot);
    kb_int("kb.ingest_workers", &KbConfig::ingest_workers, 1, 64);
    kb_int("kb.chunk_target_chars", &KbConfig::chunk_target_chars, 100, 100000);
    kb_int("kb.chunk_max_chars", &KbConfig::chunk_max_chars, 100, 200000);
    kb_int("kb.chunk_overlap_chars", &KbConfig::chunk_overlap_chars, 0, 10000);
    kb_int("kb.extract_cpu_seconds", &KbConfig::extract_cpu_seconds, 1, 3600);
    kb_int("kb.extract_memory_mb", &KbConfig::extract_memory_mb, 64, 65536);
    kb_int("kb.extract_wall_seconds", &KbConfig::extract_wall_seconds, 1, 3600);
    kb_int("kb.extract_max_uncompressed_mb", &KbConfig::extract_max_uncompressed_mb, 1, 65536);
    kb_int("kb.extract_max_zip_entries", &KbConfig::extract_max_zip_entries, 1, 1000000);
    kb_int("kb.search_memory_mb", &KbConfig::search_memory_mb, 1, 1024 * 1024);
    kb_int("kb.embeddings_batch_size", &KbConfig::embeddings_batch_size, 1, 2048);
    kb_int("kb.embeddings_timeout_ms", &KbConfig::embeddings_timeout_ms, 100, 600000);
    kb_int("kb.embeddings_query_timeout_ms", &KbConfig::embeddings_query_timeout_ms, 50, 60000);
    kb_int("kb.embeddings_max_attempts", &KbConfig::embeddings_max_attempts, 1, 20);
    kb_int("kb.embeddings_retry_base_ms", &KbConfig::embeddings_retry_base_ms, 0, 600000);
    kb_int("kb.embeddings_retry_cap_ms", &KbConfig::embeddings_retry_cap_ms, 0, 600000);
    auto crawl_int = [&d](const char* name, int CrawlConfig::*field, int64_t min, int64_t max) {
      d.push_back(make_int(
          name, [field](Config & c) -> auto& { return c.crawl.*field; }, min, max));
    };
    crawl_int("crawl.max_pages", &CrawlConfig::max_pages, 1, 1000000);
    crawl_int("crawl.max_depth", &CrawlConfig::max_depth, 0, 100);
    crawl_int("crawl.concurrency", &CrawlConfig::concurrency, 1, 64);
    crawl_int("crawl.per_host_delay_ms", &CrawlConfig::per_host_delay_ms, 0, 60000);
    crawl_int("crawl.timeout_seconds", &CrawlConfig::timeout_seconds, 1, 600);
    d.push_back(make_integer(
        "crawl.max_page_bytes", [](Config & c) -> auto& { return c.crawl.max_page_bytes; }, 1024,
        int64_t{1} << 30));
    d.push_back(make_string(
        "crawl.user_agent", [](Config & c) -> auto& { return c.crawl.user_agent; }));
    d.push_back(make_string(
        "crawl.allow_private", [](Config & c) -> auto& { return c.crawl.allow_private; }));
    d.push_back(make_int(
        "chat.model_timeout_ms", [](Config & c) -> auto& { return c.chat.model_timeout_ms; }, 50,
        600000));
    d.push_back(make_string(
        "privacy.policy_version", [](Config & c) -> auto& { return c.privacy.policy_version; },
        check_policy_version));
    for (auto& def : d) def.env = env_name_for(def.name);
    // The names operators already know.
    for (auto& def : d) {
      if (def.name == "keys.master_key") def.env = "PARLEY_MASTER_KEY";
      if (def.name == "storage.database_url") def.env = "PARLEY_DATABASE_URL";
      if (def.name == "storage.data_dir") def.env = "PARLEY_DATA_DIR";
    }
    return d;
  }();
  return defs;
}

const KeyDef* find_key(const std::string& name) {
  for (const auto& def : key_defs()) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

Status apply(Config& config, const std::string& key, const std::string& value,
             const std::string& origin) {
  const KeyDef* def = find_key(key);
  if (!def) {
    return make_error(ErrorCode::invalid_argument,
                      "unknown configuration key " + key + " (" + origin + ")");
  }
  if (auto status = def->set(config, value); !status) {
    return make_error(ErrorCode::invalid_argument,
                      key + " (" + origin + "): " + status.error().message);
  }
  return ok_status();
}

// Flattens a TOML table into "section.key" -> value text.
Status collect_toml(const toml::table& table, const std::string& prefix,
                    std::vector<std::pair<std::string, std::string>>& out) {
  for (const auto& [name, node] : table) {
    std::string key =
        prefix.empty() ? std::string(name.str()) : prefix + "." + std::string(name.str());
    if (const auto* sub = node.as_table()) {
      if (auto status = collect_toml(*sub, key, out); !status) return status;
    } else if (const auto* s = node.as_string()) {
      out.emplace_back(key, s->get());
    } else if (const auto* i = node.as_integer()) {
      out.emplace_back(key, std::to_string(i->get()));
    } else if (const auto* b = node.as_boolean()) {
      out.emplace_back(key, b->get() ? "true" : "false");
    } else {
      return make_error(ErrorCode::invalid_argument,
                        key + ": expected a string, a whole number or a boolean");
    }
  }
  return ok_status();
}

}  // namespace

std::filesystem::path Config::master_key_path() const {
  return keys.master_key_file.empty() ? storage.data_dir / "master.key" : keys.master_key_file;
}

std::filesystem::path Config::keyring_path() const { return storage.data_dir / "keyring"; }

Result<Config> load_config(const ConfigSources& sources) {
  Config config;
  if (sources.file) {
    toml::table table;
    try {
      table = toml::parse_file(sources.file->string());
    } catch (const toml::parse_error& e) {
      return make_error(ErrorCode::invalid_argument, "cannot read config file " +
                                                         sources.file->string() + ": " +
                                                         std::string(e.description()));
    }
    std::vector<std::pair<std::string, std::string>> values;
    if (auto status = collect_toml(table, "", values); !status) {
      return make_error(ErrorCode::invalid_argument,
                        sources.file->string() + ": " + status.error().message);
    }
    for (const auto& [key, value] : values) {
      if (auto status = apply(config, key, value, "config file " + sources.file->string());
          !status) {
        return status.error();
      }
    }
  }
  for (const auto& def : key_defs()) {
    auto it = sources.env.find(def.env);
    if (it == sources.env.end()) continue;
    if (auto status = apply(config, def.name, it->second, "environment " + def.env); !status) {
      return status.error();
    }
  }
  for (const auto& [key, value] : sources.flags) {
    if (auto status = apply(config, key, value, "command line"); !status) return status.error();
  }
  return config;
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string_view line(*entry);
    auto eq = line.find('=');
    if (eq == std::string_view::npos || line.rfind("PARLEY_", 0) != 0) continue;
    env.emplace(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
  }
  return env;
}

std::string redact_database_url(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const size_t authority = scheme + 3;
  const size_t at = url.find('@', authority);
  const size_t path = url.find('/', authority);
  if (at == std::string_view::npos || (path != std::string_view::npos && at > path)) {
    return std::string(url.substr(0, url.find('?')));
  }
  std::string out(url.substr(0, authority));
  const std::string_view userinfo = url.substr(authority, at - authority);
  const size_t colon = userinfo.find(':');
  out += userinfo.substr(0, colon);
  if (colon != std::string_view::npos) out += ":***";
  // The query string may carry a password too (?password=...): drop it whole.
  const std::string_view rest = url.substr(at);
  out += rest.substr(0, rest.find('?'));
  return out;
}

std::vector<std::string> describe_config(const Config& config) {
  Config copy = config;
  std::vector<std::string> lines;
  for (const auto& def : key_defs()) {
    std::string value = def.get(copy);
    if (def.secret && !value.empty()) {
      value = def.name == "storage.database_url" ? redact_database_url(value) : "****";
    }
    lines.push_back(def.name + " = " + value);
  }
  return lines;
}

}  // namespace parley
