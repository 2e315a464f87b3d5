// The syntax checks of a lead's email and phone fields, on their own.
#include "leads/lead_validation.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(LeadValidation, EmailAddresses) {
  for (const char* good : {"ada@example.com", "a.b+tag@sub.example.co.uk", "o'brien@example.ie",
                           "x@xn--bcher-kva.example",
                           "m\xc3\xbcller@b\xc3\xbc"
                           "cher.de"}) {
    EXPECT_TRUE(is_email_address(good)) << good;
  }
  for (const char* bad :
       {"", "ada", "ada@", "@example.com", "ada@example", "a@b@example.com", "ada@example..com",
        ".ada@example.com", "ada.@example.com", "ad a@example.com", "ada@example.com ",
        "<ada>@example.com", "ada@example.c-", "ada@example.42", "ada@exam_ple.com"}) {
    EXPECT_FALSE(is_email_address(bad)) << bad;
  }
  EXPECT_FALSE(is_email_address(std::string(65, 'a') + "@example.com"));
  EXPECT_FALSE(is_email_address("a@" + std::string(250, 'b') + ".com"));
}

TEST(LeadValidation, PhoneNumbers) {
  for (const char* good : {"12345", "+49 30 1234567", "(555) 123-4567", "+1-202-555-0143"}) {
    EXPECT_TRUE(is_phone_number(good)) << good;
  }
  for (const char* bad : {"", "1234", "+1 (2) 3", "call me", "555.123.4567", "12345 ext 6",
                          "1234567890123456789012345678901"}) {
    EXPECT_FALSE(is_phone_number(bad)) << bad;
  }
}

TEST(LeadValidation, FieldsComeBackTrimmedWithoutBlankOptionalOnes) {
  LeadFormSettings form;
  auto checked = check_lead_fields(form, {{"name", "   "}, {"email", " ada@example.com\n"}});
  ASSERT_TRUE(checked.ok()) << checked.error().message;
  EXPECT_EQ(*checked, (LeadFields{{"email", "ada@example.com"}}));
  // An unprintable key is not echoed back.
  auto refused = check_lead_fields(form, {{"email", "ada@example.com"}, {"\x1b[31m", "x"}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message.find('\x1b'), std::string::npos);
  EXPECT_NE(refused.error().message.find("(name, email)"), std::string::npos)
      << refused.error().message;
}

}  // namespace
}  // namespace parley
