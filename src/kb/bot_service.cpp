#include "kb/bot_service.h"

#include "core/ids.h"
#include "kb/kb_audit.h"
#include "store/bots_repo.h"
#include "store/embeddings_repo.h"

namespace parley {
namespace {

constexpr size_t kMaxNameBytes = 200;

SealContext bot_field(const std::string& bot_id, const char* column) {
  return {"bots", column, bot_id};
}

Status check_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) {
    return make_error(ErrorCode::invalid_argument, "name: give a name of 1 to 200 bytes");
  }
  return ok_status();
}

Status check_language(std::string_view language) {
  if (!is_language_code(language)) {
    return make_error(ErrorCode::invalid_argument,
                      "language: give a language code such as \"en\" or \"pt-BR\"");
  }
  return ok_status();
}

Error no_bot() { return make_error(ErrorCode::not_found, "no such bot"); }

}  // namespace

Result<BotRow> BotService::seal_bot(const BotView& bot) {
  auto name = ctx_.keyring.seal(bot.workspace_id, bot_field(bot.id, "name_sealed"), bot.name);
  if (!name) return name.error();
  auto settings = ctx_.keyring.seal(bot.workspace_id, bot_field(bot.id, "settings_sealed"),
                                    settings_to_storage(bot.settings));
  if (!settings) return settings.error();
  return BotRow{bot.id,       bot.workspace_id,     bot.public_id,  std::move(*name),
                bot.language, std::move(*settings), bot.created_at, bot.updated_at};
}

Result<BotSettings> open_bot_settings(const Keyring& keyring, const BotRow& row) {
  auto stored =
      keyring.open(row.workspace_id, bot_field(row.id, "settings_sealed"), row.settings_sealed);
  if (!stored) return stored.error();
  return settings_from_storage(*stored);
}

Result<std::optional<BotRow>> read_bot(const KbContext& ctx, std::string_view workspace_id,
                                       std::string_view bot_id) {
  return read_one(ctx.store.db(), [&](Tx& tx) { return find_bot(tx, workspace_id, bot_id); });
}

Result<BotView> open_bot(const Keyring& keyring, const BotRow& row) {
  auto name = keyring.open(row.workspace_id, bot_field(row.id, "name_sealed"), row.name_sealed);
  if (!name) return name.error();
  auto settings = open_bot_settings(keyring, row);
  if (!settings) return settings.error();
  return BotView{row.id,       row.workspace_id,     row.public_id,  std::move(*name),
                 row.language, std::move(*settings), row.created_at, row.updated_at};
}

Result<BotView> BotService::create(std::string_view workspace_id, const BotInput& input,
                                   const Actor& actor) {
  if (!input.name) return make_error(ErrorCode::invalid_argument, "name: give the bot a name");
  if (auto s = check_name(*input.name); !s) return s.error();
  std::string language = input.language.value_or("en");
  if (auto s = check_language(language); !s) return s.error();
  BotSettings settings;
  if (auto s = apply_settings(settings, input.settings); !s) return s.error();

  const int64_t now = ctx_.clock.now_ms();
  BotView bot{new_id("bot", ctx_.clock),
              std::string(workspace_id),
              new_id("pub", ctx_.clock),
              *input.name,
              language,
              std::move(settings),
              now,
              now};
  auto row = seal_bot(bot);
  if (!row) return row.error();

  Status written = ctx_.store.db().write([&](Tx& tx) -> Status {
    if (auto s = insert_bot(tx, *row); !s) return s;
    return audit_kb_change(ctx_, tx, workspace_id, actor, "bot.created", bot.id);
  });
  if (!written) return written.error();
  return bot;
}

Result<BotPage> BotService::list(std::string_view workspace_id, std::string_view cursor,
                                 int limit) {
  std::vector<BotRow> rows;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    auto found = list_bots(tx, workspace_id, cursor, limit + 1);
    if (!found) return found.error();
    rows = std::move(*found);
    return ok_status();
  });
  if (!read) return read.error();
  BotPage page;
  if (rows.size() > static_cast<size_t>(limit)) {
    rows.resize(limit);
    page.next_cursor = rows.back().id;
  }
  for (const BotRow& row : rows) {
    auto bot = open_bot(ctx_.keyring, row);
    if (!bot) return bot.error();
    page.bots.push_back(std::move(*bot));
  }
  return page;
}

Result<BotView> BotService::get(std::string_view workspace_id, std::string_view bot_id) {
  auto row = read_bot(ctx_, workspace_id, bot_id);
  if (!row) return row.error();
  if (!*row) return no_bot();
  return open_bot(ctx_.keyring, **row);
}

Result<BotView> BotService::update(std::string_view workspace_id, std::string_view bot_id,
                                   const BotInput& input, const Actor& actor) {
  auto current = get(workspace_id, bot_id);
  if (!current) return current.error();
  BotView bot = std::move(*current);
  if (input.name) {
    if (auto s = check_name(*input.name); !s) return s.error();
    bot.name = *input.name;
  }
  if (input.language) {
    if (auto s = check_language(*input.language); !s) return s.error();
    bot.language = *input.language;
  }
  if (auto s = apply_settings(bot.settings, input.settings); !s) return s.error();
  bot.updated_at = ctx_.clock.now_ms();

  auto row = seal_bot(bot);
  if (!row) return row.error();
  Status written = ctx_.store.db().write([&](Tx& tx) -> Status {
    if (auto s = update_bot(tx, *row); !s) return s;
    return audit_kb_change(ctx_, tx, workspace_id, actor, "bot.updated", bot.id);
  });
  if (!written) return written.error();
  events_.bot_changed(bot.id);
  return bot;
}

Status BotService::remove(std::string_view workspace_id, std::string_view bot_id,
                          const Actor& actor) {
  Status removed = ctx_.store.db().write([&](Tx& tx) -> Status {
    if (auto s = delete_bot(tx, workspace_id, bot_id); !s) return s;
    // The bot's vectors go unless another bot of the workspace has the same text.
    if (auto pruned = prune_embeddings(tx, workspace_id); !pruned) return pruned.error();
    return audit_kb_change(ctx_, tx, workspace_id, actor, "bot.deleted", bot_id);
  });
  if (removed) events_.bot_removed(std::string(bot_id));
  return removed;
}

Result<BotView> BotService::get_by_public_id(std::string_view public_id) {
  if (!is_valid_id(public_id, "pub")) return no_bot();
  auto row =
      read_one(ctx_.store.db(), [&](Tx& tx) { return find_bot_by_public_id(tx, public_id); });
  if (!row) return row.error();
  if (!*row) return no_bot();
  return open_bot(ctx_.keyring, **row);
}

Result<BotView> BotService::rotate_public_id(std::string_view workspace_id, std::string_view bot_id,
                                             const Actor& actor) {
  auto current = get(workspace_id, bot_id);
  if (!current) return current.error();
  BotView bot = std::move(*current);
  bot.public_id = new_id("pub", ctx_.clock);
  bot.updated_at = ctx_.clock.now_ms();
  Status written = ctx_.store.db().write([&](Tx& tx) -> Status {
    if (auto s = update_bot_public_id(tx, workspace_id, bot_id, bot.public_id, bot.updated_at);
        !s) {
      return s;
    }
    return audit_kb_change(ctx_, tx, workspace_id, actor, "bot.public_id_rotated", bot.id);
  });
  if (!written) return written.error();
  events_.bot_changed(bot.id);  // a loaded bot holds its public id
  return bot;
}

Result<std::optional<std::string>> BotService::workspace_of(std::string_view bot_id) {
  return read_one(ctx_.store.db(), [&](Tx& tx) { return find_bot_workspace(tx, bot_id); });
}

}  // namespace parley
