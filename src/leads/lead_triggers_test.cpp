// When the lead form is offered unprompted: each trigger on its own, switched off, the
// form disabled, and never again once the visitor left their details.
#include "leads/lead_triggers.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(LeadTriggers, DefaultsOfferTheFormOnAFallbackAndAHandoffOnly) {
  LeadFormSettings form;
  EXPECT_FALSE(lead_form_due(form, {}));
  EXPECT_TRUE(lead_form_due(form, {.fallback = true}));
  EXPECT_TRUE(lead_form_due(form, {.handoff_requested = true}));
  EXPECT_FALSE(lead_form_due(form, {.visitor_messages = 5}));
}

TEST(LeadTriggers, EachTriggerCanBeSwitchedOff) {
  LeadFormSettings form;
  form.triggers.on_fallback = false;
  EXPECT_FALSE(lead_form_due(form, {.fallback = true}));
  EXPECT_TRUE(lead_form_due(form, {.handoff_requested = true}));
  form.triggers.on_handoff = false;
  EXPECT_FALSE(lead_form_due(form, {.fallback = true, .handoff_requested = true}));
}

TEST(LeadTriggers, AfterNMessagesFiresAtTheNthMessageOnce) {
  LeadFormSettings form;
  form.triggers.after_messages = 3;
  EXPECT_FALSE(lead_form_due(form, {.visitor_messages = 1}));
  EXPECT_FALSE(lead_form_due(form, {.visitor_messages = 2}));
  EXPECT_TRUE(lead_form_due(form, {.visitor_messages = 3}));
  EXPECT_FALSE(lead_form_due(form, {.visitor_messages = 4}));
  // A fallback later still offers it.
  EXPECT_TRUE(lead_form_due(form, {.fallback = true, .visitor_messages = 7}));
}

TEST(LeadTriggers, NeverWhenDisabledOrAlreadyGiven) {
  LeadFormSettings form;
  form.triggers.after_messages = 1;
  const LeadMoment everything{true, true, 1, false};
  EXPECT_TRUE(lead_form_due(form, everything));
  LeadMoment given = everything;
  given.lead_already_given = true;
  EXPECT_FALSE(lead_form_due(form, given));
  form.enabled = false;
  EXPECT_FALSE(lead_form_due(form, everything));
}

}  // namespace
}  // namespace parley
