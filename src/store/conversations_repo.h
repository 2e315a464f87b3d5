// SQL for conversations and their messages. Every read of a conversation names its
// workspace, so one workspace's id never reaches another's transcript. Message text and
// citations arrive sealed (the chat service seals them with the visitor's key). Called by
// the chat service and by the authenticator (a conversation's workspace).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace parley {

struct ConversationRow {
  std::string id;
  std::string workspace_id;
  std::string bot_id;
  std::string visitor_id;
  std::string state;  // open | waiting_for_human | with_agent | closed
  int64_t message_count = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::optional<std::string> agent_id;  // the user who took it (with_agent)
};

struct MessageRow {
  std::string id;
  std::string conversation_id;
  int64_t seq = 0;  // 1, 2, 3...: its place in the conversation
  std::string workspace_id;
  std::string role;  // visitor | bot | agent
  Bytes text_sealed;
  std::optional<Bytes> citations_sealed;  // bot answers only
  std::optional<double> confidence;       // bot answers only
  bool fallback = false;
  int64_t created_at = 0;
  std::optional<std::string> author_id;  // agent messages: the agent's user id
};

Status insert_conversation(Tx& tx, const ConversationRow& conversation);
Result<std::optional<ConversationRow>> find_conversation(Tx& tx, std::string_view workspace_id,
                                                         std::string_view conversation_id);
// The workspace a conversation belongs to, for routes that name only the conversation.
Result<std::optional<std::string>> find_conversation_workspace(Tx& tx,
                                                               std::string_view conversation_id);
// A bot's conversations, newest first, before the cursor id (empty: from the newest), in
// one state only when `state` is not empty.
Result<std::vector<ConversationRow>> list_conversations(Tx& tx, std::string_view workspace_id,
                                                        std::string_view bot_id,
                                                        std::string_view state,
                                                        std::string_view before_id, int limit);
// The workspace's conversations in one state, the longest waiting first: an inbox.
Result<std::vector<ConversationRow>> list_conversations_in_state(Tx& tx,
                                                                 std::string_view workspace_id,
                                                                 std::string_view state, int limit);
// Moves a conversation to `state` with its agent (nullopt: none) and updated_at.
Status set_conversation_state(Tx& tx, std::string_view conversation_id, std::string_view state,
                              const std::optional<std::string>& agent_id, int64_t now);
// Counts `added` messages and moves updated_at.
Status touch_conversation(Tx& tx, std::string_view conversation_id, int64_t added, int64_t now);

Status insert_message(Tx& tx, const MessageRow& message);
// Oldest first, after the message at `after_seq` (0: from the first).
Result<std::vector<MessageRow>> list_messages(Tx& tx, std::string_view conversation_id,
                                              int64_t after_seq, int limit);
// One message of a conversation, or nothing.
Result<std::optional<MessageRow>> find_message(Tx& tx, std::string_view conversation_id,
                                               std::string_view message_id);
// The newest `limit` messages, returned oldest first: a follow-up's context.
Result<std::vector<MessageRow>> recent_messages(Tx& tx, std::string_view conversation_id,
                                                int limit);

}  // namespace parley
