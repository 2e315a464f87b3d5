#include "chat/handoff_service.h"

#include <boost/json.hpp>

#include "chat/chat_service.h"
#include "chat/message_codec.h"
#include "chat/transcript_service.h"
#include "core/ids.h"
#include "core/iso_time.h"
#include "kb/extract/text.h"

namespace parley {
namespace json = boost::json;
namespace {

Error no_conversation() { return make_error(ErrorCode::not_found, "no such conversation"); }

Error closed() { return make_error(ErrorCode::conflict, "this conversation is closed"); }

// An agent may act on a conversation that is not closed and that no other agent has.
Status agent_may_act(const ConversationRow& row, std::string_view agent_id) {
  if (row.state == kStateClosed) return closed();
  if (row.state == kStateWithAgent && row.agent_id != agent_id) {
    return make_error(ErrorCode::conflict, "another agent has this conversation");
  }
  return ok_status();
}

}  // namespace

std::string live_message_json(const ChatMessage& message) {
  json::object out{{"id", message.id},
                   {"role", message.role},
                   {"text", message.text},
                   {"created_at", iso_time(message.created_at)}};
  if (message.author_id) out["author_id"] = *message.author_id;
  return json::serialize(out);
}

Result<ConversationView> HandoffService::transition(
    std::string_view workspace_id, std::string_view conversation_id, const Decide& decide,
    const std::function<void(const ConversationRow&)>& on_moved) {
  if (!is_valid_id(conversation_id, "cnv")) return no_conversation();
  const int64_t now = ctx_.clock.now_ms();
  ConversationRow row;
  bool moved = false;
  Status wrote = ctx_.store.db().write([&](Tx& tx) -> Status {
    auto found = find_conversation(tx, workspace_id, conversation_id);
    if (!found) return found.error();
    if (!*found) return no_conversation();
    row = std::move(**found);
    auto move = decide(row);
    if (!move) return move.error();
    moved = move->state != row.state || move->agent_id != row.agent_id;
    if (!moved) return ok_status();
    row.state = move->state;
    row.agent_id = move->agent_id;
    row.updated_at = now;
    return set_conversation_state(tx, row.id, row.state, row.agent_id, now);
  });
  if (!wrote) return wrote.error();
  if (moved) on_moved(row);
  return summary_of(row);
}

Result<ConversationView> HandoffService::request(std::string_view workspace_id,
                                                 std::string_view conversation_id,
                                                 const std::optional<std::string>& visitor_id) {
  return transition(
      workspace_id, conversation_id,
      [&](const ConversationRow& row) -> Result<Move> {
        if (visitor_id && *visitor_id != row.visitor_id) return no_conversation();
        if (row.state == kStateClosed) return closed();
        if (human_owns(row.state)) return Move{row.state, row.agent_id};
        return Move{std::string(kStateWaitingForHuman), std::nullopt};
      },
      [this](const ConversationRow& row) { announce_request(row); });
}

Result<ConversationView> HandoffService::take(std::string_view workspace_id,
                                              std::string_view conversation_id,
                                              std::string_view agent_id) {
  return transition(
      workspace_id, conversation_id,
      [&](const ConversationRow& row) -> Result<Move> {
        if (Status s = agent_may_act(row, agent_id); !s) return s.error();
        return Move{std::string(kStateWithAgent), std::string(agent_id)};
      },
      [this](const ConversationRow& row) { publish_state(row, "conversation_taken"); });
}

Result<ConversationView> HandoffService::give_back(std::string_view workspace_id,
                                                   std::string_view conversation_id,
                                                   std::string_view agent_id) {
  return transition(
      workspace_id, conversation_id,
      [&](const ConversationRow& row) -> Result<Move> {
        if (Status s = agent_may_act(row, agent_id); !s) return s.error();
        return Move{std::string(kStateOpen), std::nullopt};
      },
      [this](const ConversationRow& row) { publish_state(row, "conversation_returned"); });
}

Result<ConversationView> HandoffService::close(std::string_view workspace_id,
                                               std::string_view conversation_id) {
  return transition(
      workspace_id, conversation_id,
      [](const ConversationRow& row) -> Result<Move> {
        return Move{std::string(kStateClosed), row.agent_id};
      },
      [this](const ConversationRow& row) { publish_state(row, "conversation_closed"); });
}

Result<ChatMessage> HandoffService::reply(std::string_view workspace_id,
                                          std::string_view conversation_id,
                                          std::string_view agent_id, std::string_view text) {
  if (is_blank(text)) return make_error(ErrorCode::invalid_argument, "text: write something");
  if (text.size() > options_.max_reply_bytes) {
    return make_error(ErrorCode::invalid_argument,
                      "text: at most " + std::to_string(options_.max_reply_bytes) + " bytes");
  }
  if (!is_valid_id(conversation_id, "cnv")) return no_conversation();
  auto found = read_one(ctx_.store.db(), [&](Tx& tx) {
    return find_conversation(tx, workspace_id, conversation_id);
  });
  if (!found) return found.error();
  if (!*found) return no_conversation();
  const ConversationRow conversation = std::move(**found);

  const int64_t now = ctx_.clock.now_ms();
  MessageRow row;
  row.id = new_id("msg", ctx_.clock);
  row.conversation_id = conversation.id;
  row.workspace_id = conversation.workspace_id;
  row.role = "agent";
  row.created_at = now;
  row.author_id = std::string(agent_id);
  if (Status s = seal_message(ctx_.keyring,
                              visitor_key_owner(conversation.workspace_id, conversation.visitor_id),
                              row, text, nullptr);
      !s) {
    return s.error();
  }
  Status wrote = ctx_.store.db().write([&](Tx& tx) -> Status {
    // The owner again, inside the write: the conversation may have moved since the read.
    auto current = find_conversation(tx, workspace_id, conversation_id);
    if (!current) return current.error();
    if (!*current) return no_conversation();
    if ((*current)->state != kStateWithAgent || (*current)->agent_id != agent_id) {
      return make_error(ErrorCode::conflict,
                        "take the conversation first: only the agent who has it replies");
    }
    MessageRow stored = row;
    stored.seq = (*current)->message_count + 1;
    if (Status s = insert_message(tx, stored); !s) return s;
    return touch_conversation(tx, conversation.id, 1, now);
  });
  if (!wrote) return wrote.error();
  ChatMessage message{row.id, "agent", std::string(text), {}, std::nullopt, false, now};
  message.author_id = row.author_id;
  events_.publish(LiveEvents::conversation_topic(conversation.id),
                  {"agent_message", live_message_json(message)});
  return message;
}

Result<std::vector<ConversationView>> HandoffService::inbox(std::string_view workspace_id) {
  std::vector<ConversationView> views;
  Status read = ctx_.store.db().read([&](Tx& tx) -> Status {
    views.clear();
    for (std::string_view state : {kStateWaitingForHuman, kStateWithAgent}) {
      auto rows = list_conversations_in_state(tx, workspace_id, state, options_.inbox_limit);
      if (!rows) return rows.error();
      for (const ConversationRow& row : *rows) views.push_back(summary_of(row));
    }
    return ok_status();
  });
  if (!read) return read.error();
  return views;
}

void HandoffService::publish_state(const ConversationRow& conversation, std::string_view event) {
  json::object inbox{{"conversation_id", conversation.id},
                     {"bot_id", conversation.bot_id},
                     {"state", conversation.state},
                     {"agent_id", nullptr},
                     {"updated_at", iso_time(conversation.updated_at)}};
  if (conversation.agent_id) inbox["agent_id"] = *conversation.agent_id;
  events_.publish(LiveEvents::inbox_topic(conversation.workspace_id),
                  {std::string(event), json::serialize(inbox)});
  // The visitor learns the state, not who the agent is.
  events_.publish(LiveEvents::conversation_topic(conversation.id),
                  {"state", json::serialize(json::object{{"state", conversation.state}})});
}

void HandoffService::announce_request(const ConversationRow& conversation) {
  publish_state(conversation, "handoff_requested");
  if (notify_agents_ &&
      events_.subscribers(LiveEvents::inbox_topic(conversation.workspace_id)) == 0) {
    notify_agents_(conversation.workspace_id, conversation.id);
  }
}

void HandoffService::announce_visitor_message(const ConversationRow& conversation,
                                              const ChatMessage& message) {
  events_.publish(
      LiveEvents::inbox_topic(conversation.workspace_id),
      {"visitor_message", "{\"conversation_id\":" + json::serialize(json::value(conversation.id)) +
                              ",\"message\":" + live_message_json(message) + "}"});
}

}  // namespace parley
