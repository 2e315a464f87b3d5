// Reading a JSON request body field by field, with errors that name the field: what every
// API handler does before it calls a service.
#pragma once

#include <boost/json.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "core/iso_time.h"  // iso_time, for the API's times
#include "core/result.h"
#include "http/request.h"

namespace parley {

class JsonFields {
 public:
  // The body as an object; invalid_argument when it is another JSON type.
  static Result<JsonFields> of(const Request& request);

  // invalid_argument for a key not in `names`: "<key> is not a <what> field (<names>)".
  Status only(std::initializer_list<std::string_view> names, std::string_view what) const;
  // The body itself, for fields of other shapes.
  const boost::json::object& object() const { return *object_; }

  Result<std::string> required_string(std::string_view name, size_t max_bytes = 4096) const;
  Result<std::optional<std::string>> optional_string(std::string_view name,
                                                     size_t max_bytes = 4096) const;
  Result<std::optional<bool>> optional_bool(std::string_view name) const;
  Result<std::optional<int64_t>> optional_integer(std::string_view name) const;
  Result<std::vector<std::string>> string_list(std::string_view name, size_t max_items = 32) const;

 private:
  explicit JsonFields(const boost::json::object* object) : object_(object) {}
  const boost::json::object* object_;
};

// A list page: {"data":[...],"next_cursor":...}.
boost::json::object list_page(boost::json::array data, std::optional<std::string> next_cursor);

// The text, or JSON null when there is none.
boost::json::value optional_text(const std::optional<std::string>& text);

}  // namespace parley
