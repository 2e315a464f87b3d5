// What the knowledge services share: the store, the keyring that seals content with the
// workspace key, the clock and the limits from the configuration.
#pragma once

#include <functional>

#include "core/clock.h"
#include "core/config.h"
#include "core/keyring.h"
#include "store/store.h"

namespace parley {

struct KbContext {
  Store& store;
  Keyring& keyring;
  const Clock& clock;
  const KbConfig& config;
  const CrawlConfig& crawl;
};

}  // namespace parley
