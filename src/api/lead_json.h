// The JSON of leads: a submission's body and a lead as the API shows it. Shared by the
// lead routes of the API and the widget (the shapes are a contract, docs/openapi.yaml).
#pragma once

#include <boost/json/object.hpp>

#include "api/json_fields.h"
#include "leads/lead_types.h"

namespace parley {

// conversation_id, fields and consent of a submission's body (the caller checks which
// other keys it allows).
Result<LeadInput> lead_input_from(const JsonFields& body);
boost::json::object lead_json(const LeadView& lead);

}  // namespace parley
