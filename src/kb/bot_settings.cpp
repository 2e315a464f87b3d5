#include "kb/bot_settings.h"

#include <boost/json.hpp>
#include <functional>
#include <map>

#include "kb/extract/text.h"

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

Result<bool> boolean(std::string_view field, const json::value& value) {
  if (!value.is_bool()) return bad(field, "give true or false");
  return value.as_bool();
}

// Characters, not bytes: limits a form's author sees are in letters.
size_t utf8_length(std::string_view text) {
  size_t n = 0;
  for (unsigned char ch : text) n += (ch & 0xC0) != 0x80;
  return n;
}

// 1 to `max_chars` characters, not blank.
Result<std::string> form_text(std::string_view field, const json::value& value, size_t max_chars) {
  const std::string expected = "give 1 to " + std::to_string(max_chars) + " characters";
  if (!value.is_string()) return bad(field, expected);
  std::string_view t = value.as_string();
  if (is_blank(t) || utf8_length(t) > max_chars) return bad(field, expected);
  return std::string(t);
}

bool is_lead_field_key(std::string_view key) {
  if (key.empty() || key.size() > 40 || key[0] < 'a' || key[0] > 'z') return false;
  for (char ch : key) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
  }
  return true;
}

bool is_lead_field_type(std::string_view type) {
  return type == "text" || type == "email" || type == "phone" || type == "textarea";
}

// The standard keys come with a label and a type; a custom key starts without a label.
LeadField lead_field_for(std::string key) {
  if (key == "name") return {key, "Name", "text", false};
  if (key == "email") return {key, "Email", "email", false};
  if (key == "phone") return {key, "Phone", "phone", false};
  if (key == "company") return {key, "Company", "text", false};
  return {std::move(key), "", "text", false};
}

Result<LeadField> lead_field(const std::string& name, const json::value& value) {
  if (!value.is_object()) return bad(name, "give an object {key, label, type, required}");
  const json::object& object = value.as_object();
  const json::value* key = object.if_contains("key");
  if (!key || !key->is_string() || !is_lead_field_key(key->as_string())) {
    return bad(name + ".key",
               "give name, email, phone, company or a custom key (a lowercase letter, then up "
               "to 39 lowercase letters, digits or _)");
  }
  LeadField field = lead_field_for(std::string(key->as_string()));
  for (const auto& [k, v] : object) {
    const std::string sub = name + "." + std::string(k);
    if (k == "key") continue;
    if (k == "label") {
      auto label = form_text(sub, v, 100);
      if (!label) return label.error();
      field.label = *label;
    } else if (k == "type") {
      if (!v.is_string() || !is_lead_field_type(v.as_string())) {
        return bad(sub, "give text, email, phone or textarea");
      }
      field.type = std::string(v.as_string());
    } else if (k == "required") {
      auto required = boolean(sub, v);
      if (!required) return required.error();
      field.required = *required;
    } else {
      return bad(sub, "is not a setting (use key, label, type, required)");
    }
  }
  if (field.label.empty()) {
    return bad(name + ".label",
               "give the custom field \"" + field.key + "\" a label of 1 to 100 characters");
  }
  return field;
}

Result<std::vector<LeadField>> lead_fields(const json::value& value) {
  const std::string expected = "give a list of 1 to 20 fields {key, label, type, required}";
  if (!value.is_array() || value.as_array().empty() || value.as_array().size() > 20) {
    return bad("lead_form.fields", expected);
  }
  std::vector<LeadField> fields;
  for (const json::value& item : value.as_array()) {
    const std::string name = "lead_form.fields[" + std::to_string(fields.size()) + "]";
    auto field = lead_field(name, item);
    if (!field) return field.error();
    for (const LeadField& earlier : fields) {
      if (earlier.key == field->key) {
        return bad(name + ".key", "\"" + field->key + "\" is already a field of the form");
      }
    }
    fields.push_back(std::move(*field));
  }
  return fields;
}

Status apply_lead_triggers(LeadTriggers& triggers, const json::value& value) {
  if (!value.is_object()) {
    return bad("lead_form.triggers", "give an object {on_fallback, on_handoff, after_messages}");
  }
  for (const auto& [key, v] : value.as_object()) {
    const std::string name = "lead_form.triggers." + std::string(key);
    if (key == "on_fallback" || key == "on_handoff") {
      auto on = boolean(name, v);
      if (!on) return on.error();
      (key == "on_fallback" ? triggers.on_fallback : triggers.on_handoff) = *on;
    } else if (key == "after_messages") {
      if (v.is_null()) {
        triggers.after_messages.reset();
        continue;
      }
      auto n = integer(name, v, 1, 100);
      if (!n) return bad(name, "give null (never) or a whole number from 1 to 100");
      triggers.after_messages = *n;
    } else {
      return bad(name, "is not a setting (use on_fallback, on_handoff, after_messages)");
    }
  }
  return ok_status();
}

// A partial form: the fields given change, the others stay; `fields` is replaced whole.
Status apply_lead_form(BotSettings& s, const json::value& v) {
  if (!v.is_object()) {
    return bad("lead_form",
               "give an object {enabled, fields, consent_text, consent_required, triggers}");
  }
  LeadFormSettings form = s.lead_form;
  for (const auto& [key, value] : v.as_object()) {
    const std::string name = "lead_form." + std::string(key);
    if (key == "enabled" || key == "consent_required") {
      auto on = boolean(name, value);
      if (!on) return on.error();
      (key == "enabled" ? form.enabled : form.consent_required) = *on;
    } else if (key == "fields") {
      auto fields = lead_fields(value);
      if (!fields) return fields.error();
      form.fields = std::move(*fields);
    } else if (key == "consent_text") {
      auto consent = form_text(name, value, 1000);
      if (!consent) return consent.error();
      form.consent_text = *consent;
    } else if (key == "triggers") {
      if (Status st = apply_lead_triggers(form.triggers, value); !st) return st;
    } else {
      return bad(name,
                 "is not a setting (use enabled, fields, consent_text, consent_required, "
                 "triggers)");
    }
  }
  s.lead_form = std::move(form);
  return ok_status();
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
      {"handoff_message",
       [](BotSettings& s, const json::value& v) -> Status {
         auto t = text("handoff_message", v, 1000);
         if (!t) return t.error();
         if (t->empty()) return bad("handoff_message", "must not be empty");
         s.handoff_message = *t;
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
      {"lead_form", apply_lead_form},
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

json::object lead_form_to_object(const LeadFormSettings& form) {
  json::array fields;
  for (const LeadField& f : form.fields) {
    fields.push_back(json::object{
        {"key", f.key}, {"label", f.label}, {"type", f.type}, {"required", f.required}});
  }
  json::value after = nullptr;
  if (form.triggers.after_messages) after = *form.triggers.after_messages;
  return {{"enabled", form.enabled},
          {"fields", std::move(fields)},
          {"consent_text", form.consent_text},
          {"consent_required", form.consent_required},
          {"triggers", json::object{{"on_fallback", form.triggers.on_fallback},
                                    {"on_handoff", form.triggers.on_handoff},
                                    {"after_messages", std::move(after)}}}};
}

json::object to_object(const BotSettings& s, bool with_secret) {
  return {{"instructions", s.instructions},
          {"welcome_message", s.welcome_message},
          {"suggested_questions", to_array(s.suggested_questions)},
          {"fallback_message", s.fallback_message},
          {"handoff_message", s.handoff_message},
          {"confidence_threshold", s.confidence_threshold},
          {"answer_mode", s.answer_mode},
          {"model", endpoint_to_object(s.model, with_secret)},
          {"embeddings", endpoint_to_object(s.embeddings, with_secret)},
          {"temperature", s.temperature},
          {"max_tokens", s.max_tokens},
          {"languages", to_array(s.languages)},
          {"allowed_origins", to_array(s.allowed_origins)},
          {"synonyms", synonyms_to_array(s.synonyms)},
          {"messages_per_minute", s.messages_per_minute},
          {"lead_form", lead_form_to_object(s.lead_form)}};
}

}  // namespace

const LeadField* LeadFormSettings::field(std::string_view key) const {
  for (const LeadField& f : fields) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

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
