// `parley mail list`: the mail outbox, one line per mail, for the operator of this data
// directory (recipients and subjects are opened with the keyring). Shares the data
// directory with a running server: it only reads.
#pragma once

#include "core/config.h"

namespace parley {
int run_mail_list(const Config& config);
}
