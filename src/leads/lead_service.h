// Leads: contact details a visitor leaves through a bot's lead form, checked against the
// form, sealed with the visitor's key, stored with the proof of consent (the form's
// consent text word for word, the answer, the privacy policy version). The business lists,
// searches and exports them. Called by the lead routes; the chat service decides when the
// form is offered (lead_triggers.h).
#pragma once

#include <string>

#include "core/clock.h"
#include "core/keyring.h"
#include "leads/lead_types.h"
#include "store/store.h"

namespace parley {

struct LeadOptions {
  std::string policy_version = "2026-11-01";  // privacy.policy_version
  // The fields are sealed, so a search opens and filters leads in the service: one page
  // of a search opens at most this many. When it runs out before the page is full, the page
  // comes back short with a next_cursor where the scan stopped, and the next page goes on.
  int max_scanned = 2000;
  // An export holds at most this many leads, the newest (a CSV of them all is built in
  // memory: about 100 MB at 1 KB a lead).
  int max_exported = 100000;
};

class LeadService {
 public:
  LeadService(Store& store, Keyring& keyring, const Clock& clock, LeadOptions options = {})
      : store_(store), keyring_(keyring), clock_(clock), options_(std::move(options)) {}

  // not_found for an unknown bot, or a conversation of another bot or workspace;
  // conflict when the bot's lead form is switched off; invalid_argument naming the field
  // for a bad value, and "consent is required" when the form requires consent and it was
  // not given. A second lead in one conversation is kept beside the first: each is its own
  // consent record.
  Result<LeadView> submit(std::string_view workspace_id, std::string_view bot_id,
                          const LeadInput& input);

  // Newest first. A non-empty `q` keeps the leads some field of which contains it, case
  // insensitively (ASCII letters folded); see LeadOptions::max_scanned. Leads whose visitor
  // was erased (key destroyed) are left out.
  Result<LeadPage> list(std::string_view workspace_id, std::string_view bot_id, std::string_view q,
                        std::string_view cursor, int limit);

  // Whether the conversation already has a lead: LeadMoment::lead_already_given, for the
  // chat service's lead_form_due.
  Result<bool> lead_given(std::string_view workspace_id, std::string_view conversation_id);

  // The bot's leads as CSV (lead_csv.h), newest first.
  Result<std::string> export_csv(std::string_view workspace_id, std::string_view bot_id);

 private:
  // Opens a page of rows; erased visitors' leads are skipped.
  Result<std::vector<LeadView>> open_rows(const std::vector<struct LeadRow>& rows) const;

  Store& store_;
  Keyring& keyring_;
  const Clock& clock_;
  LeadOptions options_;
};

}  // namespace parley
