#include "kb/bot_settings.h"

#include <boost/json.hpp>
#include <functional>
#include <map>

namespace parley {
namespace json = boost::json;
namespace {

using Setter = std::function<Status(BotSettings&, const json::value&)>;

Error bad(std::string_view field, std::string_view expected) {
  return make_error(ErrorCode::invalid_argument,
                    "settings." + std::string(field) + ": " + std::string(expected));
}

Result<std::string> text(std::string_view field, const json::value& value, size_t max_bytes) {
  if (!value.is_string() || value.as_string().size() > max_bytes) {
    return bad(field, "give a string of at most " + std::to_string(max_bytes) + " bytes");
  }
  return std::string(value.as_string());
}

Result<std::vector<std::string>> texts(std::string_view field, const json::value& value,
                                       size_t max_items, size_t max_bytes,
                                       bool (*valid)(std::string_view) = nullptr,
                                       std::string_view what = "") {
  std::string expected = "give a list of at most " + std::to_string(max_items) +
                         " strings of at most " + std::to_string(max_bytes) + " bytes";
  if (!value.is_array() || value.as_array().size() > max_items) return bad(field, expected);
  std::vector<std::string> out;
  for (const json::value& item : value.as_array()) {
    if (!item.is_string() || item.as_string().empty() || item.as_string().size() > max_bytes) {
      return bad(field, expected);
    }
    std::string entry(item.as_string());
    if (valid && !valid(entry)) return bad(field, "\"" + entry + "\" is not " + std::string(what));
    out.push_back(std::move(entry));
  }
  return out;
}

Result<double> number(std::string_view field, const json::value& value, double min, double max) {
  if (!value.is_number()) return bad(field, "give a number");
  double n = value.to_number<double>();
  if (n < min || n > max) {
    return bad(field, "give a number from " + json::serialize(json::value(min)) + " to " +
                          json::serialize(json::value(max)));
  }
  return n;
}

Result<int> integer(std::string_view field, const json::value& value, int min, int max) {
  if (!value.is_int64() && !value.is_uint64()) return bad(field, "give a whole number");
  int64_t n = value.is_int64() ? value.as_int64() : static_cast<int64_t>(value.as_uint64());
  if (n < min || n > max) {
    return bad(field,
               "give a whole number from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return static_cast<int>(n);
}

bool has_http_scheme(std::string_view url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

bool no_space(std::string_view text) {
  for (unsigned char ch : text) {
    if (ch <= ' ' || ch == 0x7f) return false;
  }
  return true;
}

// "https://shop.example.com" or "http://localhost:3000": scheme, host, optional port.
bool is_origin(std::string_view origin) {
  if (!has_http_scheme(origin) || !no_space(origin)) return false;
  std::string_view rest = origin.substr(origin.find("://") + 3);
  return !rest.empty() && rest.find_first_of("/?#@") == std::string_view::npos;
}

bool is_language(std::string_view code) { return is_language_code(code); }

// An OpenAI-compatible endpoint {base_url, model, api_key}; the chat model and the
// embeddings follow the same rules.
Setter endpoint_setter(std::string field, ModelEndpoint BotSettings::*member) {
  return [field, member](BotSettings& s, const json::value& v) -> Status {
    if (!v.is_object()) return bad(field, "give an object {base_url, model, api_key}");
    const ModelEndpoint& current = s.*member;
    ModelEndpoint endpoint = current;
    bool key_given = false;
    for (const auto& [key, value] : v.as_object()) {
      std::string name = field + "." + std::string(key);
      auto t = text(name, value, 2000);
      if (!t) return t.error();
      if (key == "base_url") {
        if (!t->empty() && (!has_http_scheme(*t) || !no_space(*t))) {
          return bad(name, "give an http:// or https:// URL");
        }
        endpoint.base_url = *t;
      } else if (key == "model") {
        endpoint.model = *t;
      } else if (key == "api_key") {
        endpoint.api_key = *t;
        key_given = true;
      } else {
        return bad(name, "is not a setting (use base_url, model, api_key)");
      }
    }
    // The stored key goes only to the endpoint it was given for: pointing the bot
    // elsewhere without a new key drops it, so nobody can redirect it to their server.
    if (endpoint.base_url != current.base_url && !key_given) endpoint.api_key.clear();
    s.*member = endpoint;
    return ok_status();
  };
}

// Each settable field, with its check. A field missing here is refused by name.
const std::map<std::string, Setter, std::less<>>& setters() {
  static const std::map<std::string, Setter, std::less<>> table = {
      {"instructions",
       [](BotSettings& s, const json::value& v) -> Status {
         auto t = text("instructions", v, 8000);
         if (!t) return t.error();
         s.instructions = *t;
         return ok_status();
       }},
      {"welcome_message",
       [](BotSettings& s, const json::value& v) -> Status {
         auto t = text("welcome_message", v, 1000);
         if (!t) return t.error();
         s.welcome_message = *t;
         return ok_status();
       }},
      {"suggested_questions",
       [](BotSettings& s, const json::value& v) -> Status {
         auto t = texts("suggested_questions", v, 10, 200);
         if (!t) return t.error();
         s.suggested_questions = *t;
         return ok_status();
       }},
      {"fallback_message",
       [](BotSettings& s, const json::value& v) -> Status {
         auto t = text("fallback_message", v, 1000);
         if (!t) return t.error();
         if (t->empty()) return bad("fallback_message", "must not be empty");
         s.fallback_message = *t;
         return ok_status();
       }},
      {"confidence_threshold",
       [](BotSettings& s, const json::value& v) -> Status {
         auto n = number("confidence_threshold", v, 0, 1);
         if (!n) return n.error();
         s.confidence_threshold = *n;
         return ok_status();
       }},
      {"answer_mode",
       [](BotSettings& s, const json::value& v) -> Status {
         if (!v.is_string() || (v.as_string() != "extractive" && v.as_string() != "generative")) {
           return bad("answer_mode", "give \"extractive\" or \"generative\"");
         }
         s.answer_mode = std::string(v.as_string());
         return ok_status();
       }},
      {"model", endpoint_setter("model", &BotSettings::model)},
      {"embeddings", endpoint_setter("embeddings", &BotSettings::embeddings)},
      {"temperature",
       [](BotSettings& s, const json::value& v) -> Status {
         auto n = number("temperature", v, 0, 2);
         if (!n) return n.error();
         s.temperature = *n;
         return ok_status();
       }},
      {"max_tokens",
       [](BotSettings& s, const json::value& v) -> Status {
         auto n = integer("max_tokens", v, 16, 32768);
         if (!n) return n.error();
         s.max_tokens = *n;
         return ok_status();
       }},
      {"languages",
       [](BotSettings& s, const json::value& v) -> Status {
         auto t = texts("languages", v, 20, 16, is_language, "a language code such as \"en\"");
         if (!t) return t.error();
         s.languages = *t;
         return ok_status();
       }},
      {"allowed_origins",
       [](BotSettings& s, const json::value& v) -> Status {
         auto t = texts("allowed_origins", v, 50, 300, is_origin,
                        "an origin such as \"https://shop.example.com\" (no path)");
         if (!t) return t.error();
         s.allowed_origins = *t;
         return ok_status();
       }},
      {"synonyms",
       [](BotSettings& s, const json::value& v) -> Status {
         const std::string expected =
             "give a list of at most 500 groups, each a list of 2 to 20 words or phrases "
             "(at most 100 bytes each) that mean the same, e.g. [[\"refund\", \"money back\"]]";
         if (!v.is_array() || v.as_array().size() > 500) return bad("synonyms", expected);
         std::vector<std::vector<std::string>> groups;
         for (const json::value& group : v.as_array()) {
           auto words = texts("synonyms", group, 20, 100);
           if (!words || words->size() < 2) return bad("synonyms", expected);
           groups.push_back(std::move(*words));
         }
         s.synonyms = std::move(groups);
         return ok_status();
       }},
      {"messages_per_minute",
       [](BotSettings& s, const json::value& v) -> Status {
         auto n = integer("messages_per_minute", v, 1, 600);
         if (!n) return n.error();
         s.messages_per_minute = *n;
         return ok_status();
       }},
  };
  return table;
}

json::array to_array(const std::vector<std::string>& items) {
  json::array out;
  for (const std::string& item : items) out.emplace_back(item);
  return out;
}

json::array synonyms_to_array(const std::vector<std::vector<std::string>>& groups) {
  json::array out;
  for (const auto& group : groups) out.emplace_back(to_array(group));
  return out;
}

json::object endpoint_to_object(const ModelEndpoint& endpoint, bool with_secret) {
  json::object out{{"base_url", endpoint.base_url}, {"model", endpoint.model}};
  if (with_secret) {
    out["api_key"] = endpoint.api_key;
  } else {
    out["api_key_set"] = !endpoint.api_key.empty();
  }
  return out;
}

json::object to_object(const BotSettings& s, bool with_secret) {
  return {{"instructions", s.instructions},
          {"welcome_message", s.welcome_message},
          {"suggested_questions", to_array(s.suggested_questions)},
          {"fallback_message", s.fallback_message},
          {"confidence_threshold", s.confidence_threshold},
          {"answer_mode", s.answer_mode},
          {"model", endpoint_to_object(s.model, with_secret)},
          {"embeddings", endpoint_to_object(s.embeddings, with_secret)},
          {"temperature", s.temperature},
          {"max_tokens", s.max_tokens},
          {"languages", to_array(s.languages)},
          {"allowed_origins", to_array(s.allowed_origins)},
          {"synonyms", synonyms_to_array(s.synonyms)},
          {"messages_per_minute", s.messages_per_minute}};
}

}  // namespace

bool is_language_code(std::string_view code) {
  auto lower = [](char ch) { return ch >= 'a' && ch <= 'z'; };
  auto upper = [](char ch) { return ch >= 'A' && ch <= 'Z'; };
  size_t dash = code.find('-');
  std::string_view language = code.substr(0, dash);
  if (language.size() < 2 || language.size() > 3) return false;
  for (char ch : language) {
    if (!lower(ch)) return false;
  }
  if (dash == std::string_view::npos) return true;
  std::string_view region = code.substr(dash + 1);
  return region.size() == 2 && upper(region[0]) && upper(region[1]);
}

Status apply_settings(BotSettings& settings, const json::object& patch) {
  BotSettings updated = settings;
  for (const auto& [key, value] : patch) {
    auto setter = setters().find(std::string_view(key));
    if (setter == setters().end()) {
      return make_error(ErrorCode::invalid_argument,
                        "settings." + std::string(key) + " is not a setting");
    }
    if (auto status = setter->second(updated, value); !status) return status;
  }
  if (updated.answer_mode == "generative" &&
      (updated.model.base_url.empty() || updated.model.model.empty())) {
    return make_error(ErrorCode::invalid_argument,
                      "settings.model: the generative answer mode needs model.base_url and "
                      "model.model");
  }
  settings = std::move(updated);
  return ok_status();
}

json::object settings_to_json(const BotSettings& settings) { return to_object(settings, false); }

std::string settings_to_storage(const BotSettings& settings) {
  return json::serialize(to_object(settings, true));
}

Result<BotSettings> settings_from_storage(std::string_view stored) {
  boost::system::error_code ec;
  json::value value = json::parse(stored, ec);
  if (ec || !value.is_object()) {
    return make_error(ErrorCode::internal, "stored bot settings are not a JSON object");
  }
  BotSettings settings;
  json::object fields = value.as_object();
  // The stored form always carries the key; the public form's api_key_set is not a setting.
  if (auto status = apply_settings(settings, fields); !status) {
    return make_error(ErrorCode::internal, "stored bot settings: " + status.error().message);
  }
  return settings;
}

}  // namespace parley
