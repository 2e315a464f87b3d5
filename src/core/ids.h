// Ids for every row: a type prefix and a ULID, e.g. `ws_01JD3Z8Q4K5M6N7P8R9S0T1V2W`.
// Time-ordered so they sort and index well, random so they cannot be guessed or counted.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"

namespace parley {

// `prefix` names the type ("ws", "bot", "cnv"): lowercase letters and digits. The 26
// characters after the '_' are a Crockford base32 ULID: 48 bits of milliseconds since
// the epoch from `clock`, then 80 random bits. An id made at a later millisecond sorts
// after an earlier one as a plain string; ids made within one millisecond are unordered.
std::string new_id(std::string_view prefix, const Clock& clock);

// True when `id` is `prefix` + '_' + a canonical ULID (uppercase, no I L O U). For ids
// that arrive from outside (path parameters, request bodies) before they reach a query.
bool is_valid_id(std::string_view id, std::string_view prefix);

}  // namespace parley
