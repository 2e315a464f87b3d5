// Bots: a workspace's chatbots, each with a public id for the widget, a language and
// validated settings. Names and settings are sealed with the workspace key; every change
// writes an audit entry. Called by the HTTP API; chat and the widget read bots through it.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "accounts/workspace_service.h"
#include "kb/bot_settings.h"
#include "kb/bot_view.h"
#include "kb/kb_context.h"
#include "kb/knowledge_events.h"

namespace parley {

// What a create or update carries; on update, absent fields stay as they are.
struct BotInput {
  std::optional<std::string> name;
  std::optional<std::string> language;
  boost::json::object settings;  // a partial settings object (see bot_settings.h)
};

struct BotPage {
  std::vector<BotView> bots;
  std::optional<std::string> next_cursor;
};

// A stored bot's name and settings, opened with the workspace key.
Result<BotView> open_bot(const Keyring& keyring, const struct BotRow& row);

// A stored bot's settings, opened with the workspace key: for the services that need a
// bot's configuration without the whole view (the embeddings endpoint, at search).
Result<BotSettings> open_bot_settings(const Keyring& keyring, const struct BotRow& row);

// The workspace's stored bot, or nothing when it has none by that id; read in a
// transaction of its own.
Result<std::optional<struct BotRow>> read_bot(const KbContext& ctx, std::string_view workspace_id,
                                              std::string_view bot_id);

class BotService {
 public:
  BotService(KbContext context, const KnowledgeEvents& events) : ctx_(context), events_(events) {}

  // name is required (1-200 bytes); language defaults to "en".
  Result<BotView> create(std::string_view workspace_id, const BotInput& input, const Actor& actor);
  Result<BotPage> list(std::string_view workspace_id, std::string_view cursor, int limit);
  Result<BotView> get(std::string_view workspace_id, std::string_view bot_id);
  Result<BotView> update(std::string_view workspace_id, std::string_view bot_id,
                         const BotInput& input, const Actor& actor);
  Status remove(std::string_view workspace_id, std::string_view bot_id, const Actor& actor);

  // The bot a widget names by its public id; not_found for a malformed or unknown one.
  Result<BotView> get_by_public_id(std::string_view public_id);
  // A new public id for the bot, for when its embed code leaked to a site it should not be
  // on: the old one names nothing once this returns. Audited.
  Result<BotView> rotate_public_id(std::string_view workspace_id, std::string_view bot_id,
                                   const Actor& actor);

  // The workspace that owns a bot, or nothing for an unknown id: how routes that name only
  // a bot find their tenant.
  Result<std::optional<std::string>> workspace_of(std::string_view bot_id);

 private:
  Result<struct BotRow> seal_bot(const BotView& bot);

  KbContext ctx_;
  const KnowledgeEvents& events_;
};

}  // namespace parley
