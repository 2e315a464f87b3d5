// Reading the JSON a test got back without a throw on every line: a body that is not JSON
// parses to null, and a missing or non-string field reads as "".
#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>

namespace parley::testing {

boost::json::value parse_json(const std::string& body);

// The string field `key` of an object, or "".
std::string text_of(const boost::json::value& value, std::string_view key);

}  // namespace parley::testing
