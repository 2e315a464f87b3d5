// Leads as CSV (RFC 4180) for spreadsheets and CRMs: a header row, then one row per lead;
// a cell that a spreadsheet would run as a formula is defused. Pure; the lead service
// calls it for the export route.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "leads/lead_types.h"

namespace parley {

// One cell: prefixed with ' when it starts with = + - @ tab or CR (so a spreadsheet shows
// it as text instead of running it), then quoted when it holds a comma, a quote or a line
// break, quotes doubled.
std::string csv_cell(std::string_view value);

// Columns: id, created_at (ISO 8601 UTC), conversation_id, visitor_id, consent (true or
// false), policy_version, then the form's field keys in the form's order, then any other
// key some lead holds (a field since removed from the form), sorted. Rows end in CRLF.
std::string leads_csv(const std::vector<std::string>& form_keys,
                      const std::vector<LeadView>& leads);

}  // namespace parley
