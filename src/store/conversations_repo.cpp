#include "store/conversations_repo.h"

#include <algorithm>

#include "store/repo_util.h"

namespace parley {
namespace {

constexpr std::string_view kConversationColumns =
    "id, workspace_id, bot_id, visitor_id, state, message_count, created_at, updated_at, agent_id";
constexpr std::string_view kMessageColumns =
    "id, conversation_id, seq, workspace_id, role, text_sealed, citations_sealed, confidence, "
    "fallback, created_at, author_id";

ConversationRow conversation_from(const Row& row) {
  return {row.text(0),    row.text(1),    row.text(2),    row.text(3),         row.text(4),
          row.integer(5), row.integer(6), row.integer(7), text_or_null(row, 8)};
}

MessageRow message_from(const Row& row) {
  MessageRow message;
  message.id = row.text(0);
  message.conversation_id = row.text(1);
  message.seq = row.integer(2);
  message.workspace_id = row.text(3);
  message.role = row.text(4);
  message.text_sealed = row.bytes(5);
  if (!row.is_null(6)) message.citations_sealed = row.bytes(6);
  if (!row.is_null(7)) message.confidence = row.real(7);
  message.fallback = row.integer(8) != 0;
  message.created_at = row.integer(9);
  message.author_id = text_or_null(row, 10);
  return message;
}

Result<std::vector<MessageRow>> messages_from(Result<std::vector<Row>> rows) {
  if (!rows) return rows.error();
  std::vector<MessageRow> messages;
  for (const Row& row : *rows) messages.push_back(message_from(row));
  return messages;
}

}  // namespace

Status insert_conversation(Tx& tx, const ConversationRow& c) {
  return done(tx.exec("INSERT INTO conversations (" + std::string(kConversationColumns) +
                          ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                      {c.id, c.workspace_id, c.bot_id, c.visitor_id, c.state, c.message_count,
                       c.created_at, c.updated_at, or_null(c.agent_id)}));
}

Result<std::optional<ConversationRow>> find_conversation(Tx& tx, std::string_view workspace_id,
                                                         std::string_view conversation_id) {
  auto rows = tx.query("SELECT " + std::string(kConversationColumns) +
                           " FROM conversations WHERE id = $1 AND workspace_id = $2",
                       {std::string(conversation_id), std::string(workspace_id)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<ConversationRow>{};
  return std::optional<ConversationRow>(conversation_from(rows->front()));
}

Result<std::optional<std::string>> find_conversation_workspace(Tx& tx,
                                                               std::string_view conversation_id) {
  auto rows = tx.query("SELECT workspace_id FROM conversations WHERE id = $1",
                       {std::string(conversation_id)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<std::string>{};
  return std::optional<std::string>(rows->front().text(0));
}

Result<std::vector<ConversationRow>> list_conversations(Tx& tx, std::string_view workspace_id,
                                                        std::string_view bot_id,
                                                        std::string_view state,
                                                        std::string_view before_id, int limit) {
  auto rows = bot_rows_newest_first(tx, "conversations", kConversationColumns, workspace_id, bot_id,
                                    before_id, limit, {"state", state});
  if (!rows) return rows.error();
  std::vector<ConversationRow> conversations;
  for (const Row& row : *rows) conversations.push_back(conversation_from(row));
  return conversations;
}

Result<std::vector<ConversationRow>> list_conversations_in_state(Tx& tx,
                                                                 std::string_view workspace_id,
                                                                 std::string_view state,
                                                                 int limit) {
  auto rows = tx.query("SELECT " + std::string(kConversationColumns) +
                           " FROM conversations WHERE workspace_id = $1 AND state = $2 "
                           "ORDER BY updated_at, id LIMIT $3",
                       {std::string(workspace_id), std::string(state), int64_t{limit}});
  if (!rows) return rows.error();
  std::vector<ConversationRow> conversations;
  for (const Row& row : *rows) conversations.push_back(conversation_from(row));
  return conversations;
}

Status set_conversation_state(Tx& tx, std::string_view conversation_id, std::string_view state,
                              const std::optional<std::string>& agent_id, int64_t now) {
  return changed_one(
      tx.exec("UPDATE conversations SET state = $2, agent_id = $3, "
              "updated_at = $4 WHERE id = $1",
              {std::string(conversation_id), std::string(state), or_null(agent_id), now}),
      "conversation");
}

Status touch_conversation(Tx& tx, std::string_view conversation_id, int64_t added, int64_t now) {
  return changed_one(tx.exec("UPDATE conversations SET message_count = message_count + $2, "
                             "updated_at = $3 WHERE id = $1",
                             {std::string(conversation_id), added, now}),
                     "conversation");
}

Status insert_message(Tx& tx, const MessageRow& m) {
  SqlValue citations = std::monostate{};
  if (m.citations_sealed) citations = *m.citations_sealed;
  SqlValue confidence = std::monostate{};
  if (m.confidence) confidence = *m.confidence;
  return done(
      tx.exec("INSERT INTO messages (" + std::string(kMessageColumns) +
                  ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
              {m.id, m.conversation_id, m.seq, m.workspace_id, m.role, m.text_sealed, citations,
               confidence, int64_t{m.fallback ? 1 : 0}, m.created_at, or_null(m.author_id)}));
}

Result<std::vector<MessageRow>> list_messages(Tx& tx, std::string_view conversation_id,
                                              int64_t after_seq, int limit) {
  return messages_from(tx.query("SELECT " + std::string(kMessageColumns) +
                                    " FROM messages WHERE conversation_id = $1 AND seq > $2 "
                                    "ORDER BY seq LIMIT $3",
                                {std::string(conversation_id), after_seq, int64_t{limit}}));
}

Result<std::optional<MessageRow>> find_message(Tx& tx, std::string_view conversation_id,
                                               std::string_view message_id) {
  auto messages =
      messages_from(tx.query("SELECT " + std::string(kMessageColumns) +
                                 " FROM messages WHERE id = $1 AND conversation_id = $2",
                             {std::string(message_id), std::string(conversation_id)}));
  if (!messages) return messages.error();
  if (messages->empty()) return std::optional<MessageRow>{};
  return std::optional<MessageRow>(std::move(messages->front()));
}

Result<std::vector<MessageRow>> recent_messages(Tx& tx, std::string_view conversation_id,
                                                int limit) {
  auto messages = messages_from(tx.query("SELECT " + std::string(kMessageColumns) +
                                             " FROM messages WHERE conversation_id = $1 "
                                             "ORDER BY seq DESC LIMIT $2",
                                         {std::string(conversation_id), int64_t{limit}}));
  if (!messages) return messages;
  std::reverse(messages->begin(), messages->end());
  return messages;
}

}  // namespace parley
