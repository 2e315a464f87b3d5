// The JSON of feedback: a rating's body and a rating as the API shows it. Shared by the
// feedback routes of the API and the widget (the shapes are a contract, docs/openapi.yaml).
#pragma once

#include <boost/json/object.hpp>

#include "api/json_fields.h"
#include "chat/feedback_service.h"

namespace parley {

// rating and comment of a rating's body (the caller checks which other keys it allows).
Result<FeedbackInput> feedback_input_from(const JsonFields& body);
boost::json::object feedback_json(const Feedback& feedback);

}  // namespace parley
