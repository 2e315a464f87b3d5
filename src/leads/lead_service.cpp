#include "leads/lead_service.h"

#include <algorithm>

#include "core/ids.h"
#include "kb/bot_service.h"
#include "leads/lead_codec.h"
#include "leads/lead_csv.h"
#include "leads/lead_validation.h"
#include "store/bots_repo.h"
#include "store/conversations_repo.h"
#include "store/leads_repo.h"

namespace parley {
namespace {

constexpr int kScanBatch = 200;
constexpr size_t kMaxQueryBytes = 200;

Error no_bot() { return make_error(ErrorCode::not_found, "no such bot"); }
Error no_conversation() { return make_error(ErrorCode::not_found, "no such conversation"); }

char fold(char ch) { return ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch; }

bool contains_folded(std::string_view text, std::string_view folded_query) {
  auto found = std::search(text.begin(), text.end(), folded_query.begin(), folded_query.end(),
                           [](char a, char b) { return fold(a) == b; });
  return found != text.end();
}

bool matches(const LeadView& lead, std::string_view folded_query) {
  if (folded_query.empty()) return true;
  return std::any_of(lead.fields.begin(), lead.fields.end(), [&](const auto& field) {
    return contains_folded(field.second, folded_query);
  });
}

LeadView view_of(const LeadRow& row, LeadFields fields) {
  return {row.id,      row.bot_id,       row.conversation_id, row.visitor_id, std::move(fields),
          row.consent, row.consent_text, row.policy_version,  row.created_at};
}

}  // namespace

Result<LeadView> LeadService::submit(std::string_view workspace_id, std::string_view bot_id,
                                     const LeadInput& input) {
  if (!is_valid_id(bot_id, "bot")) return no_bot();
  if (input.conversation_id.empty()) {
    return make_error(ErrorCode::invalid_argument,
                      "conversation_id: give the conversation the form was shown in");
  }
  if (!is_valid_id(input.conversation_id, "cnv")) return no_conversation();

  std::optional<BotRow> bot;
  std::optional<ConversationRow> conversation;
  Status read = store_.db().read([&](Tx& tx) -> Status {
    auto found_bot = find_bot(tx, workspace_id, bot_id);
    if (!found_bot) return found_bot.error();
    bot = std::move(*found_bot);
    auto found = find_conversation(tx, workspace_id, input.conversation_id);
    if (!found) return found.error();
    conversation = std::move(*found);
    return ok_status();
  });
  if (!read) return read.error();
  if (!bot) return no_bot();
  // Another bot's conversation is as unknown here as another workspace's.
  if (!conversation || conversation->bot_id != bot_id) return no_conversation();

  auto settings = open_bot_settings(keyring_, *bot);
  if (!settings) return settings.error();
  const LeadFormSettings& form = settings->lead_form;
  if (!form.enabled) {
    return make_error(ErrorCode::conflict,
                      "this bot's lead form is switched off (settings.lead_form.enabled)");
  }
  auto fields = check_lead_fields(form, input.fields);
  if (!fields) return fields.error();
  if (fields->empty()) {
    return make_error(ErrorCode::invalid_argument, "fields: fill in at least one field");
  }
  if (form.consent_required && !input.consent) {
    return make_error(ErrorCode::invalid_argument,
                      "consent is required: the visitor must agree to the form's consent text "
                      "(\"consent\": true)");
  }

  LeadRow row;
  row.id = new_id("lead", clock_);
  row.workspace_id = std::string(workspace_id);
  row.bot_id = std::string(bot_id);
  row.conversation_id = conversation->id;
  row.visitor_id = conversation->visitor_id;
  row.consent = input.consent;
  row.consent_text = form.consent_text;
  row.policy_version = options_.policy_version;
  row.created_at = clock_.now_ms();
  // Sealed before the write: a visitor's first key costs a keyring fsync, which must not
  // hold up the writer.
  if (Status s = seal_lead_fields(keyring_, row, *fields); !s) return s.error();
  Status wrote = store_.db().write([&](Tx& tx) { return insert_lead(tx, row); });
  if (!wrote) return wrote.error();
  return view_of(row, std::move(*fields));
}

Result<std::vector<LeadView>> LeadService::open_rows(const std::vector<LeadRow>& rows) const {
  std::vector<LeadView> leads;
  for (const LeadRow& row : rows) {
    auto fields = open_lead_fields(keyring_, row);
    // The visitor was erased (their key destroyed): the lead is gone for everyone.
    if (!fields && fields.error().code == ErrorCode::not_found) continue;
    if (!fields) return fields.error();
    leads.push_back(view_of(row, std::move(*fields)));
  }
  return leads;
}

Result<LeadPage> LeadService::list(std::string_view workspace_id, std::string_view bot_id,
                                   std::string_view q, std::string_view cursor, int limit) {
  if (!is_valid_id(bot_id, "bot")) return no_bot();
  if (!cursor.empty() && !is_valid_id(cursor, "lead")) {
    return make_error(ErrorCode::invalid_argument, "cursor: give the next_cursor of a page");
  }
  if (q.size() > kMaxQueryBytes) {
    return make_error(ErrorCode::invalid_argument,
                      "q: at most " + std::to_string(kMaxQueryBytes) + " bytes");
  }
  std::string folded_query(q);
  std::transform(folded_query.begin(), folded_query.end(), folded_query.begin(), fold);
  // A search opens at most max_scanned leads; a plain list fills its page.
  const int budget =
      q.empty() ? std::max(options_.max_scanned, limit + 1) : std::max(options_.max_scanned, 1);
  const int batch_size = q.empty() ? limit + 1 : kScanBatch;

  LeadPage page;
  std::string position(cursor);
  int scanned = 0;
  bool bot_known = false;
  while (true) {
    const int batch = std::min(batch_size, budget - scanned);
    std::vector<LeadRow> rows;
    Status read = store_.db().read([&](Tx& tx) -> Status {
      if (!bot_known) {
        auto bot = find_bot(tx, workspace_id, bot_id);
        if (!bot) return bot.error();
        if (!*bot) return no_bot();
      }
      auto found = list_leads(tx, workspace_id, bot_id, position, batch);
      if (!found) return found.error();
      rows = std::move(*found);
      return ok_status();
    });
    if (!read) return read.error();
    bot_known = true;
    auto opened = open_rows(rows);
    if (!opened) return opened.error();
    for (LeadView& lead : *opened) {
      if (!matches(lead, folded_query)) continue;
      if (static_cast<int>(page.leads.size()) == limit) {
        page.next_cursor = page.leads.back().id;  // one more matches: there is a next page
        return page;
      }
      page.leads.push_back(std::move(lead));
    }
    scanned += static_cast<int>(rows.size());
    if (static_cast<int>(rows.size()) < batch) return page;  // no lead left
    position = rows.back().id;
    if (scanned >= budget) {
      // The scan's bound: the caller goes on from where it stopped.
      page.next_cursor =
          page.leads.size() == static_cast<size_t>(limit) ? page.leads.back().id : position;
      return page;
    }
  }
}

Result<bool> LeadService::lead_given(std::string_view workspace_id,
                                     std::string_view conversation_id) {
  auto count = read_one(store_.db(), [&](Tx& tx) {
    return count_conversation_leads(tx, workspace_id, conversation_id);
  });
  if (!count) return count.error();
  return *count > 0;
}

Result<std::string> LeadService::export_csv(std::string_view workspace_id,
                                            std::string_view bot_id) {
  if (!is_valid_id(bot_id, "bot")) return no_bot();
  std::optional<BotRow> bot;
  std::vector<LeadRow> rows;
  // One snapshot: the export is consistent even while leads arrive.
  Status read = store_.db().read([&](Tx& tx) -> Status {
    auto found = find_bot(tx, workspace_id, bot_id);
    if (!found) return found.error();
    bot = std::move(*found);
    rows.clear();
    if (!bot) return ok_status();
    std::string position;
    while (static_cast<int>(rows.size()) < options_.max_exported) {
      const int batch = std::min(1000, options_.max_exported - static_cast<int>(rows.size()));
      auto more = list_leads(tx, workspace_id, bot_id, position, batch);
      if (!more) return more.error();
      rows.insert(rows.end(), more->begin(), more->end());
      if (static_cast<int>(more->size()) < batch) break;
      position = rows.back().id;
    }
    return ok_status();
  });
  if (!read) return read.error();
  if (!bot) return no_bot();
  auto settings = open_bot_settings(keyring_, *bot);
  if (!settings) return settings.error();
  std::vector<std::string> form_keys;
  for (const LeadField& field : settings->lead_form.fields) form_keys.push_back(field.key);
  auto leads = open_rows(rows);
  if (!leads) return leads.error();
  return leads_csv(form_keys, *leads);
}

}  // namespace parley
