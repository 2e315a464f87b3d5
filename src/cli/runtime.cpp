#include "cli/runtime.h"

#include <system_error>

namespace parley {

Result<std::unique_ptr<Keyring>> open_keyring(const Config& config) {
  std::optional<std::string> env_key;
  if (!config.keys.master_key.empty()) env_key = config.keys.master_key;
  auto master = load_master_key(env_key, config.master_key_path(), config.keyring_path());
  if (!master) return master.error();
  std::string hint = config.keys.master_key.empty()
                         ? "the key file " + config.master_key_path().string()
                         : "PARLEY_MASTER_KEY";
  return Keyring::open(config.keyring_path(), *master, hint);
}

Result<std::unique_ptr<Runtime>> open_runtime(const Config& config, DataDirUse use) {
  auto runtime = std::make_unique<Runtime>();
  runtime->config = config;
  runtime->log = std::make_unique<Log>(parse_log_level(config.log.level));

  std::error_code ec;
  std::filesystem::create_directories(config.storage.data_dir, ec);
  if (ec) {
    return make_error(ErrorCode::unavailable, "cannot create the data directory " +
                                                  config.storage.data_dir.string() + ": " +
                                                  ec.message());
  }
  std::filesystem::permissions(config.storage.data_dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);

  if (use == DataDirUse::exclusive) {
    auto lock = DirLock::acquire(config.storage.data_dir);
    if (!lock) return lock.error();
    runtime->lock = std::move(*lock);
  }

  auto keyring = open_keyring(config);
  if (!keyring) return keyring.error();
  runtime->keyring = std::move(*keyring);

  StoreOptions options;
  options.data_dir = config.storage.data_dir;
  options.database_url = config.storage.database_url;
  options.pg_pool_size = config.storage.pg_pool_size;
  auto store = Store::open(options, runtime->clock);
  if (!store) return store.error();
  runtime->store = std::move(*store);
  return runtime;
}

}  // namespace parley
