// `parley audit verify`: checks the audit log's hash chain, checkpoints and signed head,
// and names the first bad entry. Reads a snapshot, so it runs beside a server.
#pragma once

#include "core/config.h"

namespace parley {
// Exit 0 when the log is intact, 1 when it is not (or cannot be read).
int run_audit_verify(const Config& config);
}  // namespace parley
