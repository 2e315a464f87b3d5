// A Document as JSON: how the extraction child (extract_worker) hands its result to the
// server over a pipe (sandbox.cpp), and how tests and tools look at one.
#pragma once

#include <boost/json/fwd.hpp>
#include <string>
#include <string_view>

#include "core/result.h"
#include "kb/extract/document.h"

namespace parley {

// Strings that are not valid UTF-8 are repaired (U+FFFD) so the JSON always parses.
boost::json::object document_to_json_object(const Document& doc);
std::string document_to_json(const Document& doc);

// invalid_argument, naming the field, when the JSON is not a Document. Missing fields take
// their defaults, so an older or newer worker still talks to this server.
Result<Document> document_from_json(const boost::json::value& json);
Result<Document> document_from_json(std::string_view json);

}  // namespace parley
