#include "tests/support/json_fields.h"

namespace parley::testing {

boost::json::value parse_json(const std::string& body) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec);
  return ec ? boost::json::value() : value;
}

std::string text_of(const boost::json::value& value, std::string_view key) {
  if (!value.is_object() || !value.as_object().contains(key)) return {};
  const boost::json::value& field = value.as_object().at(key);
  return field.is_string() ? std::string(field.as_string()) : std::string();
}

}  // namespace parley::testing
