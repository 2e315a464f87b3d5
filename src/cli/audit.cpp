#include "cli/audit.h"

#include <cstdio>

#include "audit/audit_verify.h"
#include "cli/runtime.h"

namespace parley {

int run_audit_verify(const Config& config) {
  // The keyring (which holds the signing key) allows one holder at a time, and the
  // running server is that holder: this command cannot share the data directory with it.
  auto runtime = open_runtime(config, DataDirUse::shared);
  if (!runtime) {
    std::fprintf(stderr, "parley: %s\n", runtime.error().message.c_str());
    return 1;
  }
  auto verdict = verify_audit_log((*runtime)->store->db(), *(*runtime)->keyring);
  if (!verdict) {
    std::fprintf(stderr, "parley: cannot read the audit log: %s\n",
                 verdict.error().message.c_str());
    return 1;
  }
  if (!verdict->ok) {
    std::printf("audit log is NOT intact: %s\n(%lld entries, %lld checkpoints read)\n",
                verdict->first_bad.c_str(), static_cast<long long>(verdict->entries),
                static_cast<long long>(verdict->checkpoints));
    return 1;
  }
  std::printf("audit log ok: %lld entries, %lld checkpoints\n",
              static_cast<long long>(verdict->entries),
              static_cast<long long>(verdict->checkpoints));
  return 0;
}

}  // namespace parley
