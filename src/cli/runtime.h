// What every command that touches a data directory opens, in a safe order: the config,
// the log, the directory lock, the keyring (master key checked first), then the store
// (schema checked before anything is written).
#pragma once

#include <memory>

#include "core/clock.h"
#include "core/config.h"
#include "core/dir_lock.h"
#include "core/keyring.h"
#include "core/log.h"
#include "store/store.h"

namespace parley {

struct Runtime {
  Config config;
  SystemClock clock;
  std::unique_ptr<Log> log;
  std::unique_ptr<DirLock> lock;
  std::unique_ptr<Keyring> keyring;
  std::unique_ptr<Store> store;
};

// Who else may use the data directory meanwhile: `serve`, `migrate` and key rotation need
// it alone; commands that only add or read rows (admin bootstrap, audit verify, mail list)
// share it with a running server.
enum class DataDirUse { exclusive, shared };

// Opens everything; on failure returns a message for the operator, having changed nothing
// a later run would regret.
Result<std::unique_ptr<Runtime>> open_runtime(const Config& config, DataDirUse use);

// Opens only the keyring, for commands that must not start the store.
Result<std::unique_ptr<Keyring>> open_keyring(const Config& config);

}  // namespace parley
