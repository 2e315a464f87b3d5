// SQL for bots. Every query names the workspace, so one workspace's id never reaches
// another's bot. Called by the bot service and the authenticator (a bot's workspace).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace parley {

struct BotRow {
  std::string id;
  std::string workspace_id;
  std::string public_id;
  Bytes name_sealed;
  std::string language;
  Bytes settings_sealed;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

Status insert_bot(Tx& tx, const BotRow& bot);
Result<std::optional<BotRow>> find_bot(Tx& tx, std::string_view workspace_id,
                                       std::string_view bot_id);
// The workspace a bot belongs to, for routes that name only the bot.
Result<std::optional<std::string>> find_bot_workspace(Tx& tx, std::string_view bot_id);
// The bot a widget names by its public id, in whichever workspace: the widget's routes know
// nothing else of it.
Result<std::optional<BotRow>> find_bot_by_public_id(Tx& tx, std::string_view public_id);
// Oldest first, after the cursor id (empty: from the start).
Result<std::vector<BotRow>> list_bots(Tx& tx, std::string_view workspace_id,
                                      std::string_view after_id, int limit);
Status update_bot(Tx& tx, const BotRow& bot);
// Gives the bot a new public id (the old one names nothing from this commit on).
Status update_bot_public_id(Tx& tx, std::string_view workspace_id, std::string_view bot_id,
                            std::string_view public_id, int64_t updated_at);
// Deletes the bot and, through foreign keys, its sources, pages and chunks.
Status delete_bot(Tx& tx, std::string_view workspace_id, std::string_view bot_id);

}  // namespace parley
