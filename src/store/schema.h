// Parley's schema, as the ordered list of migrations that builds it. Store::open applies
// it. Append a migration for each change (never edit a shipped one) and describe every
// new table in the data map (data_map.cpp): a test fails until you do.
#pragma once

#include <vector>

#include "store/migrations.h"

namespace parley {

const std::vector<Migration>& parley_migrations();

}  // namespace parley
