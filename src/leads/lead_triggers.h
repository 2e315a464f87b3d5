// When a bot offers its lead form by itself: after a turn, the chat service describes the
// moment and asks lead_form_due. A visitor can always open the form on request (when the
// form is enabled); this only decides the unprompted offers.
#pragma once

#include "kb/bot_settings.h"

namespace parley {

struct LeadMoment {
  bool fallback = false;            // the bot's answer was its fallback (it did not know)
  bool handoff_requested = false;   // the visitor asked for a human
  int visitor_messages = 0;         // the visitor's messages so far, this one included
  bool lead_already_given = false;  // a lead was submitted in this conversation
};

// False when the form is disabled or the visitor already left their details (no nagging);
// otherwise true on a fallback or a handoff request when those triggers are on, and at the
// visitor's `after_messages`-th message (once: a visitor who ignored it is not asked again
// at every turn).
bool lead_form_due(const LeadFormSettings& form, const LeadMoment& moment);

}  // namespace parley
