// Leads as CSV (core/csv_writer.h: RFC 4180, formulas defused) for spreadsheets and CRMs:
// a header row, then one row per lead. Pure; the lead service calls it for the export
// route.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "leads/lead_types.h"

namespace parley {

// Columns: id, created_at (ISO 8601 UTC), conversation_id, visitor_id, consent (true or
// false), policy_version, then the form's field keys in the form's order, then any other
// key some lead holds (a field since removed from the form), sorted. Rows end in CRLF.
std::string leads_csv(const std::vector<std::string>& form_keys,
                      const std::vector<LeadView>& leads);

}  // namespace parley
