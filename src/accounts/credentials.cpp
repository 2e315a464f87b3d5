#include "accounts/credentials.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>

namespace parley {
namespace {

constexpr size_t kMinPasswordChars = 10;
constexpr size_t kMaxPasswordBytes = 1024;
constexpr size_t kMaxEmailBytes = 254;
constexpr int kMinimumAge = 16;

// The most common passwords of at least ten characters: refused whatever their length.
constexpr std::array<std::string_view, 24> kCommonPasswords = {
    "1234567890",  "0123456789",  "12345678910",  "password1234", "password123",      "qwertyuiop",
    "1q2w3e4r5t",  "qwerty1234",  "1qaz2wsx3edc", "iloveyou12",   "passwordpassword", "abcdefghij",
    "aaaaaaaaaa",  "0987654321",  "letmein123",   "welcome123",   "administrator",    "changeme123",
    "football123", "baseball123", "qwerty123456", "password12",   "superman123",      "1111111111"};

size_t utf8_chars(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<std::string> normalize_email(std::string_view email) {
  while (!email.empty() && std::isspace(static_cast<unsigned char>(email.front()))) {
    email.remove_prefix(1);
  }
  while (!email.empty() && std::isspace(static_cast<unsigned char>(email.back()))) {
    email.remove_suffix(1);
  }
  auto invalid = [](std::string why) {
    return make_error(ErrorCode::invalid_argument, "email: " + why);
  };
  if (email.empty()) return invalid("an email address is required");
  if (email.size() > kMaxEmailBytes) return invalid("the address is longer than 254 characters");
  auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 ||
      email.find('@', at + 1) != std::string_view::npos) {
    return invalid("expected one '@' between a name and a domain, like ada@example.com");
  }
  std::string_view domain = email.substr(at + 1);
  if (domain.size() < 3 || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
      domain.back() == '.' || domain.find("..") != std::string_view::npos) {
    return invalid("the domain after '@' must look like example.com");
  }
  for (unsigned char c : email) {
    if (c <= ' ' || c == 0x7F || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' ||
        c == ';' || c == ':' || c == '\\' || c == '"' || c == '[' || c == ']') {
      return invalid("the address contains a character that is not allowed in an email address");
    }
  }
  return lower(email);
}

Status check_password_strength(std::string_view password, std::string_view email) {
  auto weak = [](std::string why) {
    return make_error(ErrorCode::invalid_argument, "password: " + why);
  };
  if (password.empty()) return weak("a password is required");
  if (password.size() > kMaxPasswordBytes) return weak("at most 1024 bytes, please");
  if (utf8_chars(password) < kMinPasswordChars) return weak("use at least 10 characters");
  std::string folded = lower(password);
  if (std::find(kCommonPasswords.begin(), kCommonPasswords.end(), folded) !=
      kCommonPasswords.end()) {
    return weak("this is one of the most common passwords; choose another");
  }
  if (std::all_of(folded.begin(), folded.end(), [&](char c) { return c == folded.front(); })) {
    return weak("a single repeated character is too easy to guess");
  }
  std::string name = lower(email.substr(0, email.find('@')));
  if (name.size() >= 4 && folded.find(name) != std::string::npos) {
    return weak("do not build the password from your email address");
  }
  return ok_status();
}

const char* age_statement_name(AgeStatement statement) {
  return statement == AgeStatement::birth_date ? "birth_date" : "confirmed_16_or_over";
}

Result<AgeStatement> check_age(std::optional<std::string> birth_date,
                               std::optional<bool> confirmed_16_or_over, const Clock& clock) {
  const std::string under_age =
      "Parley is not available to anyone under 16, so we cannot create this account. Nothing "
      "you entered has been kept.";
  if (birth_date) {
    int year = 0, month = 0, day = 0;
    if (birth_date->size() != 10 ||
        std::sscanf(birth_date->c_str(), "%4d-%2d-%2d", &year, &month, &day) != 3 || month < 1 ||
        month > 12 || day < 1 || day > 31 || year < 1900) {
      return make_error(ErrorCode::invalid_argument,
                        "birth_date: expected a date as YYYY-MM-DD, like 1990-04-23");
    }
    std::time_t now = std::chrono::system_clock::to_time_t(clock.now());
    std::tm today{};
    gmtime_r(&now, &today);
    int age = today.tm_year + 1900 - year;
    if (today.tm_mon + 1 < month || (today.tm_mon + 1 == month && today.tm_mday < day)) --age;
    if (age < 0) return make_error(ErrorCode::invalid_argument, "birth_date: is in the future");
    if (age < kMinimumAge) return make_error(ErrorCode::forbidden, under_age);
    return AgeStatement::birth_date;
  }
  if (confirmed_16_or_over) {
    if (!*confirmed_16_or_over) return make_error(ErrorCode::forbidden, under_age);
    return AgeStatement::confirmed_16_or_over;
  }
  return make_error(ErrorCode::invalid_argument,
                    "give birth_date (YYYY-MM-DD) or age_confirmed_16_or_over: true; Parley is "
                    "for people 16 and over");
}

}  // namespace parley
