// What a person types at signup and login, checked before anything is stored: the email
// address (syntax, normalized form for lookup), the password (strength, size) and the
// age statement (nobody under 16). Called by the account service.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace parley {

// Trimmed, lower-cased address, or invalid_argument saying what is wrong with it.
Result<std::string> normalize_email(std::string_view email);

// At least 10 characters, at most 1 KiB, not a well-known password, not the email's name.
Status check_password_strength(std::string_view password, std::string_view email);

// How a person stated their age; the birth date itself is not kept (minimal data).
enum class AgeStatement { birth_date, confirmed_16_or_over };
const char* age_statement_name(AgeStatement statement);

// Checks the signup's age fields: a YYYY-MM-DD birth date at least 16 years before today
// (UTC), or an explicit confirmation. Under 16: forbidden, with a message saying so.
Result<AgeStatement> check_age(std::optional<std::string> birth_date,
                               std::optional<bool> confirmed_16_or_over, const Clock& clock);

}  // namespace parley
