// libsodium must be initialised once before use; every caller goes through here.
#pragma once

namespace parley {
// Initialises libsodium once per process, thread-safely; throws if it cannot.
void ensure_sodium();
}  // namespace parley
