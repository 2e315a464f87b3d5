// Human handoff: a visitor asks for a person (the widget's button, or a phrase the chat
// service recognises), the conversation waits for an agent, an agent takes it and replies
// live, then gives it back to the bot or closes it. While a human owns it the bot is
// silent. Every step is published on the live events: the workspace's inbox for agents,
// the conversation's own stream for its visitor; when no agent is online a request also
// reaches the agents by email. Called by the handoff and inbox routes and the chat service.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "chat/chat_types.h"
#include "chat/live_events.h"
#include "kb/kb_context.h"
#include "store/conversations_repo.h"

namespace parley {

// Mails the workspace's agents that a visitor waits (no agent online to see it live).
using NotifyAgents =
    std::function<void(std::string_view workspace_id, std::string_view conversation_id)>;

struct HandoffOptions {
  size_t max_reply_bytes = 4000;
  int inbox_limit = 200;  // per state
};

class HandoffService {
 public:
  HandoffService(KbContext context, LiveEvents& events, NotifyAgents notify_agents,
                 HandoffOptions options = {})
      : ctx_(context),
        events_(events),
        notify_agents_(std::move(notify_agents)),
        options_(options) {}

  // The visitor asks for a person: open -> waiting_for_human (already waiting or with an
  // agent: unchanged). not_found for another visitor's conversation (when visitor_id is
  // given), conflict when closed.
  Result<ConversationView> request(std::string_view workspace_id, std::string_view conversation_id,
                                   const std::optional<std::string>& visitor_id);
  // An agent takes a waiting conversation (or one given back to the bot): -> with_agent.
  // conflict when another agent has it or it is closed.
  Result<ConversationView> take(std::string_view workspace_id, std::string_view conversation_id,
                                std::string_view agent_id);
  // The agent who has it writes to the visitor (delivered live).
  Result<ChatMessage> reply(std::string_view workspace_id, std::string_view conversation_id,
                            std::string_view agent_id, std::string_view text);
  // Back to the bot: -> open. Only the agent who has it (or one taking over by take()).
  Result<ConversationView> give_back(std::string_view workspace_id,
                                     std::string_view conversation_id, std::string_view agent_id);
  // Ends it: -> closed. Any agent of the workspace.
  Result<ConversationView> close(std::string_view workspace_id, std::string_view conversation_id);
  // The conversations people own: waiting ones (the longest waiting first), then with_agent.
  Result<std::vector<ConversationView>> inbox(std::string_view workspace_id);

  // What the chat service reports after its own write: a handoff it made from a phrase, and
  // a visitor message to a conversation a human owns.
  void announce_request(const ConversationRow& conversation);
  void announce_visitor_message(const ConversationRow& conversation, const ChatMessage& message);

 private:
  struct Move {
    std::string state;
    std::optional<std::string> agent_id;
  };
  using Decide = std::function<Result<Move>(const ConversationRow&)>;
  // Reads the conversation, asks `decide` where it goes (an error stops), writes the move;
  // `on_moved` runs after the commit when something changed.
  Result<ConversationView> transition(std::string_view workspace_id,
                                      std::string_view conversation_id, const Decide& decide,
                                      const std::function<void(const ConversationRow&)>& on_moved);
  void publish_state(const ConversationRow& conversation, std::string_view event);

  KbContext ctx_;
  LiveEvents& events_;
  NotifyAgents notify_agents_;
  HandoffOptions options_;
};

// A message as the live events carry it (the shape of the API's message, without
// citations).
std::string live_message_json(const ChatMessage& message);

}  // namespace parley
