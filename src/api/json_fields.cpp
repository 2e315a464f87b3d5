#include "api/json_fields.h"

#include <algorithm>
#include <ctime>

namespace parley {
namespace {

Error field_error(std::string_view name, std::string message) {
  return make_error(ErrorCode::invalid_argument, std::string(name) + ": " + message);
}

}  // namespace

Result<JsonFields> JsonFields::of(const Request& request) {
  if (!request.json || !request.json->is_object()) {
    return make_error(ErrorCode::invalid_argument, "the body must be a JSON object");
  }
  return JsonFields(&request.json->as_object());
}

Status JsonFields::only(std::initializer_list<std::string_view> names,
                        std::string_view what) const {
  for (const auto& [key, value] : *object_) {
    if (std::find(names.begin(), names.end(), std::string_view(key)) != names.end()) continue;
    std::string list;
    for (std::string_view name : names) list += (list.empty() ? "" : ", ") + std::string(name);
    return make_error(ErrorCode::invalid_argument, std::string(key) + " is not a " +
                                                       std::string(what) + " field (" + list + ")");
  }
  return ok_status();
}

Result<std::optional<std::string>> JsonFields::optional_string(std::string_view name,
                                                               size_t max_bytes) const {
  auto it = object_->find(name);
  if (it == object_->end() || it->value().is_null()) return std::optional<std::string>{};
  if (!it->value().is_string()) return field_error(name, "expected a string");
  const auto& text = it->value().as_string();
  if (text.size() > max_bytes) {
    return field_error(name, "at most " + std::to_string(max_bytes) + " bytes");
  }
  return std::optional<std::string>(std::string(text));
}

Result<std::string> JsonFields::required_string(std::string_view name, size_t max_bytes) const {
  auto value = optional_string(name, max_bytes);
  if (!value) return value.error();
  if (!*value) return field_error(name, "is required");
  return **value;
}

Result<std::optional<bool>> JsonFields::optional_bool(std::string_view name) const {
  auto it = object_->find(name);
  if (it == object_->end() || it->value().is_null()) return std::optional<bool>{};
  if (!it->value().is_bool()) return field_error(name, "expected true or false");
  return std::optional<bool>(it->value().as_bool());
}

Result<std::optional<int64_t>> JsonFields::optional_integer(std::string_view name) const {
  auto it = object_->find(name);
  if (it == object_->end() || it->value().is_null()) return std::optional<int64_t>{};
  if (it->value().is_int64()) return std::optional<int64_t>(it->value().as_int64());
  if (it->value().is_uint64() && it->value().as_uint64() <= INT64_MAX) {
    return std::optional<int64_t>(static_cast<int64_t>(it->value().as_uint64()));
  }
  return field_error(name, "expected a whole number");
}

Result<std::vector<std::string>> JsonFields::string_list(std::string_view name,
                                                         size_t max_items) const {
  std::vector<std::string> out;
  auto it = object_->find(name);
  if (it == object_->end() || it->value().is_null()) return out;
  if (!it->value().is_array()) return field_error(name, "expected a list of strings");
  const auto& items = it->value().as_array();
  if (items.size() > max_items) {
    return field_error(name, "at most " + std::to_string(max_items) + " items");
  }
  for (const auto& item : items) {
    if (!item.is_string()) return field_error(name, "expected a list of strings");
    out.emplace_back(item.as_string());
  }
  return out;
}

boost::json::object list_page(boost::json::array data, std::optional<std::string> next_cursor) {
  boost::json::object page;
  page["data"] = std::move(data);
  page["next_cursor"] =
      next_cursor ? boost::json::value(*next_cursor) : boost::json::value(nullptr);
  return page;
}

boost::json::value optional_text(const std::optional<std::string>& text) {
  return text ? boost::json::value(*text) : boost::json::value(nullptr);
}

}  // namespace parley
