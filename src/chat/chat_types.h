// What the chat service takes and gives: plain structs the API encodes (the shapes of
// POST /bots/{bot_id}/chat and GET /conversations/{id} are a contract).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "answer/answer_types.h"

namespace parley {

struct ChatInput {
  std::string message;                         // 1-4000 bytes
  std::optional<std::string> conversation_id;  // absent: a new conversation
  std::optional<std::string> visitor_id;       // absent: a new visitor (vis_...)
  // For a new conversation only: the turns before it as the client holds them (the
  // OpenAI-compatible API, which keeps no state); a stored conversation uses its own.
  std::vector<Turn> history = {};
};

// A visitor's rating of a bot answer (feedback_service.h).
struct MessageFeedback {
  std::string rating;  // up | down
  std::optional<std::string> comment;
};

struct ChatMessage {
  std::string id;
  std::string role;  // visitor | bot | agent
  std::string text;
  std::vector<Citation> citations;
  std::optional<double> confidence;  // bot answers only
  bool fallback = false;
  int64_t created_at = 0;
  // Rated bot answers, in transcripts (initialized, so the aggregates that leave it out do
  // not warn).
  std::optional<MessageFeedback> feedback = std::nullopt;
  std::optional<std::string> author_id = std::nullopt;  // agent messages: the agent's user id
};

struct ChatReply {
  std::string conversation_id;
  std::string visitor_id;
  std::string state;  // the conversation's, after this turn
  // The bot's answer; nothing while a human owns the conversation (waiting_for_human,
  // with_agent): the visitor's message is stored and the agent answers.
  std::optional<ChatMessage> message;
  // What the widget should offer next: a person (the bot did not know) and the lead form
  // (its triggers: fallback, handoff, after N messages).
  bool offer_human = false;
  bool offer_lead_form = false;
};

struct ConversationView {
  std::string id;
  std::string bot_id;
  std::string visitor_id;
  std::string state;
  int64_t message_count = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::vector<ChatMessage> messages;                   // oldest first; empty in lists
  std::optional<std::string> agent_id = std::nullopt;  // who took it (with_agent)
};

struct ConversationPage {
  std::vector<ConversationView> conversations;
  std::optional<std::string> next_cursor;
};

}  // namespace parley
