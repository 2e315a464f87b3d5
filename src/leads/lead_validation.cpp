#include "leads/lead_validation.h"

#include <algorithm>

namespace parley {
namespace {

Error field_error(std::string_view key, std::string_view message) {
  return make_error(ErrorCode::invalid_argument,
                    "fields." + std::string(key) + std::string(message));
}

std::string_view trimmed(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

bool has_control(std::string_view text, bool multiline) {
  return std::any_of(text.begin(), text.end(), [multiline](unsigned char ch) {
    if (multiline && (ch == '\n' || ch == '\r' || ch == '\t')) return false;
    return ch < 0x20 || ch == 0x7f;
  });
}

bool is_domain_label(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
    return false;
  }
  return std::all_of(label.begin(), label.end(), [](unsigned char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch >= 0x80;
  });
}

bool is_local_part(std::string_view local) {
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos) {
    return false;
  }
  constexpr std::string_view kSpecials = "()<>[]\\,;:\"@";
  return std::all_of(local.begin(), local.end(), [&](unsigned char ch) {
    return ch >= 0x80 || (ch > ' ' && ch < 0x7f && kSpecials.find(ch) == std::string_view::npos);
  });
}

std::string form_keys(const LeadFormSettings& form) {
  std::string keys;
  for (const LeadField& field : form.fields) keys += (keys.empty() ? "" : ", ") + field.key;
  return keys;
}

// Why the value does not suit its field's type, or empty when it does.
std::string_view type_problem(const LeadField& field, std::string_view value) {
  if (field.type == "email" && !is_email_address(value)) {
    return ": give a valid email address, like name@example.com";
  }
  if (field.type == "phone" && !is_phone_number(value)) {
    return ": give a phone number of 5 to 30 characters (digits, spaces, + - ( ), at least 5 "
           "digits)";
  }
  if (has_control(value, field.type == "textarea")) {
    return ": remove the control characters (line breaks only in a multi-line field)";
  }
  return {};
}

}  // namespace

bool is_email_address(std::string_view text) {
  if (text.size() > 254) return false;
  const size_t at = text.find('@');
  if (at == std::string_view::npos || text.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  if (!is_local_part(text.substr(0, at))) return false;
  std::string_view domain = text.substr(at + 1);
  int labels = 0;
  std::string_view last;
  while (true) {
    const size_t dot = domain.find('.');
    last = domain.substr(0, dot);
    if (!is_domain_label(last)) return false;
    ++labels;
    if (dot == std::string_view::npos) break;
    domain.remove_prefix(dot + 1);
  }
  // "a@b" is a host, not an address one can write to; "a@b.123" is no domain either.
  const bool numeric_tld = std::all_of(last.begin(), last.end(),
                                       [](unsigned char ch) { return ch >= '0' && ch <= '9'; });
  return labels >= 2 && !numeric_tld;
}

bool is_phone_number(std::string_view text) {
  if (text.size() < 5 || text.size() > 30) return false;
  int digits = 0;
  for (unsigned char ch : text) {
    if (ch >= '0' && ch <= '9') {
      ++digits;
    } else if (ch != ' ' && ch != '+' && ch != '-' && ch != '(' && ch != ')') {
      return false;
    }
  }
  return digits >= 5;
}

Result<LeadFields> check_lead_fields(const LeadFormSettings& form, const LeadFields& fields) {
  for (const auto& [key, value] : fields) {
    if (!form.field(key)) {
      // The key came from the visitor's client: named only when it is a sane key.
      const bool printable = key.size() <= 40 && !has_control(key, false);
      return make_error(ErrorCode::invalid_argument,
                        (printable ? "fields." + key : std::string("a field")) +
                            " is not a field of this bot's lead form (" + form_keys(form) + ")");
    }
  }
  LeadFields out;
  for (const LeadField& field : form.fields) {
    auto given = fields.find(field.key);
    std::string_view value = given == fields.end() ? "" : trimmed(given->second);
    if (value.empty()) {
      if (field.required) return field_error(field.key, " is required (" + field.label + ")");
      continue;
    }
    if (value.size() > kMaxLeadValueBytes) {
      return field_error(field.key, ": at most " + std::to_string(kMaxLeadValueBytes) + " bytes");
    }
    if (auto problem = type_problem(field, value); !problem.empty()) {
      return field_error(field.key, problem);
    }
    out.emplace(field.key, std::string(value));
  }
  return out;
}

}  // namespace parley
