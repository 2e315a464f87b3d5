// A lead's fields checked against its bot's form: unknown keys, required fields, email and
// phone syntax, sizes. Pure functions: the lead service calls them before sealing anything.
#pragma once

#include <string_view>

#include "core/result.h"
#include "kb/bot_settings.h"
#include "leads/lead_types.h"

namespace parley {

inline constexpr size_t kMaxLeadValueBytes = 1000;

// The fields as they will be stored: trimmed, blank optional ones dropped. invalid_argument
// naming "fields.<key>" for an unknown key, a missing required field, a malformed email or
// phone number, a value over 1000 bytes or with control characters (a textarea may hold
// line breaks and tabs). Messages never repeat the value: it is the visitor's personal data.
Result<LeadFields> check_lead_fields(const LeadFormSettings& form, const LeadFields& fields);

// A sane address: one '@', a local part of 1-64 printable characters, a domain of two or
// more labels (letters, digits, hyphens, or non-ASCII), at most 254 bytes in all.
bool is_email_address(std::string_view text);
// 5 to 30 characters of digits, spaces and + - ( ), with at least 5 digits.
bool is_phone_number(std::string_view text);

}  // namespace parley
