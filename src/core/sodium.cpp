#include "core/sodium.h"

#include <sodium.h>

#include <stdexcept>

namespace parley {

void ensure_sodium() {
  // sodium_init is safe to repeat; the static makes it once per process, thread-safely.
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium could not be initialised");
}

}  // namespace parley
