#include "store/bots_repo.h"

#include "store/repo_util.h"

namespace parley {
namespace {

constexpr std::string_view kColumns =
    "id, workspace_id, public_id, name_sealed, language, settings_sealed, created_at, "
    "updated_at";

BotRow bot_from(const Row& row) {
  return {row.text(0), row.text(1),  row.text(2),    row.bytes(3),
          row.text(4), row.bytes(5), row.integer(6), row.integer(7)};
}

// The bot that `where` (over unique columns) names, or nothing.
Result<std::optional<BotRow>> find_one_bot(Tx& tx, std::string_view where,
                                           const SqlParams& params) {
  auto rows = tx.query("SELECT " + std::string(kColumns) + " FROM bots WHERE " + std::string(where),
                       params);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<BotRow>{};
  return std::optional<BotRow>(bot_from(rows->front()));
}

}  // namespace

Status insert_bot(Tx& tx, const BotRow& bot) {
  return done(tx.exec(
      "INSERT INTO bots (" + std::string(kColumns) + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {bot.id, bot.workspace_id, bot.public_id, bot.name_sealed, bot.language, bot.settings_sealed,
       bot.created_at, bot.updated_at}));
}

Result<std::optional<BotRow>> find_bot(Tx& tx, std::string_view workspace_id,
                                       std::string_view bot_id) {
  return find_one_bot(tx, "id = $1 AND workspace_id = $2",
                      {std::string(bot_id), std::string(workspace_id)});
}

Result<std::optional<std::string>> find_bot_workspace(Tx& tx, std::string_view bot_id) {
  auto rows = tx.query("SELECT workspace_id FROM bots WHERE id = $1", {std::string(bot_id)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<std::string>{};
  return std::optional<std::string>(rows->front().text(0));
}

Result<std::optional<BotRow>> find_bot_by_public_id(Tx& tx, std::string_view public_id) {
  return find_one_bot(tx, "public_id = $1", {std::string(public_id)});
}

Result<std::vector<BotRow>> list_bots(Tx& tx, std::string_view workspace_id,
                                      std::string_view after_id, int limit) {
  auto rows = tx.query("SELECT " + std::string(kColumns) +
                           " FROM bots WHERE workspace_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                       {std::string(workspace_id), std::string(after_id), int64_t{limit}});
  if (!rows) return rows.error();
  std::vector<BotRow> bots;
  for (const Row& row : *rows) bots.push_back(bot_from(row));
  return bots;
}

Status update_bot(Tx& tx, const BotRow& bot) {
  return changed_one(
      tx.exec("UPDATE bots SET name_sealed = $3, language = $4, settings_sealed = $5, "
              "updated_at = $6 WHERE id = $1 AND workspace_id = $2",
              {bot.id, bot.workspace_id, bot.name_sealed, bot.language, bot.settings_sealed,
               bot.updated_at}),
      "bot");
}

Status update_bot_public_id(Tx& tx, std::string_view workspace_id, std::string_view bot_id,
                            std::string_view public_id, int64_t updated_at) {
  return changed_one(
      tx.exec("UPDATE bots SET public_id = $3, updated_at = $4 "
              "WHERE id = $1 AND workspace_id = $2",
              {std::string(bot_id), std::string(workspace_id), std::string(public_id), updated_at}),
      "bot");
}

Status delete_bot(Tx& tx, std::string_view workspace_id, std::string_view bot_id) {
  return changed_one(tx.exec("DELETE FROM bots WHERE id = $1 AND workspace_id = $2",
                             {std::string(bot_id), std::string(workspace_id)}),
                     "bot");
}

}  // namespace parley
