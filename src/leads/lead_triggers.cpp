#include "leads/lead_triggers.h"

namespace parley {

bool lead_form_due(const LeadFormSettings& form, const LeadMoment& moment) {
  if (!form.enabled || moment.lead_already_given) return false;
  const LeadTriggers& on = form.triggers;
  if (on.on_fallback && moment.fallback) return true;
  if (on.on_handoff && moment.handoff_requested) return true;
  return on.after_messages && moment.visitor_messages == *on.after_messages;
}

}  // namespace parley
