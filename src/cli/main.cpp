#include "cli/main.h"

#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/admin.h"
#include "cli/audit.h"
#include "cli/extract_worker.h"
#include "cli/ingest.h"
#include "cli/keys.h"
#include "cli/mail.h"
#include "cli/runtime.h"
#include "cli/serve.h"
#include "core/config.h"

#ifndef PARLEY_VERSION
#define PARLEY_VERSION "dev"
#endif

namespace parley {
namespace {

// The flags every command that reads a data directory takes.
struct CommonFlags {
  std::string config_file;
  std::string data_dir;
  std::string port;
  std::string bind;

  void add_to(CLI::App& command, bool with_listen_flags) {
    command.add_option("--config", config_file, "TOML configuration file");
    command.add_option("--data", data_dir, "data directory (default ./data)");
    if (with_listen_flags) {
      command.add_option("--port", port, "TCP port to listen on (default 8080; 0 picks one)");
      command.add_option("--bind", bind, "address to listen on (default 127.0.0.1)");
    }
  }

  Result<Config> load() const {
    ConfigSources sources;
    if (!config_file.empty()) sources.file = config_file;
    sources.env = process_environment();
    if (!data_dir.empty()) sources.flags["storage.data_dir"] = data_dir;
    if (!port.empty()) sources.flags["server.port"] = port;
    if (!bind.empty()) sources.flags["server.bind"] = bind;
    return load_config(sources);
  }
};

int fail(const std::string& message) {
  std::fprintf(stderr, "parley: %s\n", message.c_str());
  return 1;
}

int run_migrate(const Config& config) {
  auto runtime = open_runtime(config, DataDirUse::exclusive);  // opening migrates
  if (!runtime) return fail(runtime.error().message);
  std::printf("schema version %d (%s)\n", (*runtime)->store->schema_version(),
              (*runtime)->store->backend_name().c_str());
  return 0;
}

int run_config_check(const Config& config) {
  for (const auto& line : describe_config(config)) std::printf("%s\n", line.c_str());
  return 0;
}

}  // namespace

int cli_main(int argc, char** argv) {
  CLI::App app{"Parley: a self-hosted chatbot builder whose privacy promises are provable."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("parley ") + PARLEY_VERSION);

  CommonFlags serve_flags, migrate_flags, config_flags, keys_flags, audit_flags, mail_flags;
  auto* serve = app.add_subcommand("serve", "Start the HTTP server");
  serve_flags.add_to(*serve, true);
  auto* migrate = app.add_subcommand("migrate", "Apply database migrations and exit");
  migrate_flags.add_to(*migrate, false);
  auto* config = app.add_subcommand("config", "Inspect configuration");
  config->require_subcommand(1);
  auto* check = config->add_subcommand(
      "check", "Print the effective configuration (secrets masked); fail on an invalid value");
  config_flags.add_to(*check, true);
  auto* keys = app.add_subcommand("keys", "Manage encryption keys");
  keys->require_subcommand(1);
  auto* rotate = keys->add_subcommand(
      "rotate-master", "Rewrap every data key with a new master key (server must be stopped)");
  keys_flags.add_to(*rotate, false);
  auto* audit = app.add_subcommand("audit", "Check the tamper-evident audit log");
  audit->require_subcommand(1);
  auto* audit_verify = audit->add_subcommand(
      "verify",
      "Recompute the audit log's hash chain, checkpoints and signed head; exit 1 and name the "
      "first bad entry if any (works beside a running server)");
  audit_flags.add_to(*audit_verify, false);
  auto* mail = app.add_subcommand("mail", "Inspect the mail outbox");
  mail->require_subcommand(1);
  auto* mail_list = mail->add_subcommand(
      "list",
      "One line per mail: created, id, kind, status, attempts, recipient, subject, and the .eml "
      "file without SMTP (opens the keyring; runs beside the server)");
  mail_flags.add_to(*mail_list, false);
  CommonFlags admin_flags;
  BootstrapRequest bootstrap_request;
  auto* admin = app.add_subcommand("admin", "Operator tasks");
  admin->require_subcommand(1);
  auto* bootstrap = admin->add_subcommand(
      "bootstrap",
      "Create a verified owner (the platform operator), a workspace and an admin API key; print "
      "JSON {user_id, workspace_id, api_key}");
  admin_flags.add_to(*bootstrap, false);
  bootstrap->add_option("--email", bootstrap_request.email, "the owner's email")->required();
  bootstrap->add_option("--password", bootstrap_request.password, "the owner's password")
      ->required();
  bootstrap->add_option("--workspace", bootstrap_request.workspace, "the workspace's name")
      ->required();
  CommonFlags ingest_flags;
  IngestRequest ingest_request;
  auto* ingest = app.add_subcommand(
      "ingest",
      "Add files (a directory's files too) and websites to a bot and process them now, showing "
      "progress; one line per source at the end (runs beside the server)");
  ingest_flags.add_to(*ingest, false);
  ingest->add_option("--bot", ingest_request.bot_id, "the bot's id (bot_...)")->required();
  ingest->add_option("inputs", ingest_request.inputs, "files, directories or http(s) URLs")
      ->required();
  auto* version = app.add_subcommand("version", "Print the version");
  auto* extract_worker = add_extract_worker_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  auto with_config = [](const CommonFlags& flags, auto command) {
    auto config = flags.load();
    if (!config) return fail(config.error().message);
    return command(*config);
  };
  if (*extract_worker) return run_extract_worker_command(*extract_worker);
  if (*version) {
    std::printf("parley %s\n", PARLEY_VERSION);
    return 0;
  }
  if (*serve) return with_config(serve_flags, run_serve);
  if (*migrate) return with_config(migrate_flags, run_migrate);
  if (*check) return with_config(config_flags, run_config_check);
  if (*rotate) return with_config(keys_flags, run_rotate_master);
  if (*audit_verify) return with_config(audit_flags, run_audit_verify);
  if (*mail_list) return with_config(mail_flags, run_mail_list);
  if (*ingest) {
    return with_config(ingest_flags,
                       [&](const Config& c) { return run_ingest(c, ingest_request); });
  }
  if (*bootstrap) {
    return with_config(admin_flags,
                       [&](const Config& c) { return run_admin_bootstrap(c, bootstrap_request); });
  }
  return 1;
}

}  // namespace parley
